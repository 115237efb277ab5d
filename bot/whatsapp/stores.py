"""What the channel remembers: each chat's 24-hour window, delivery statuses, pending numbered choices.

Protocols apart from implementations: in memory (tests, the emulator) and over the product's database (the chat
binding's ``last_inbound_at`` and ``status``; the outbox row's ``delivery_status``).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.whatsapp.errors import OUTSIDE_WINDOW
from bot.whatsapp.limits import WINDOW_HOURS
from core.storage import Database, enqueue, find_binding, record_delivery, set_binding_status
from core.storage.models import OutboxMessage

CHANNEL = "whatsapp"
#: ``Reply.meta`` flag: send this reply as its template whatever the window (set after a late 131047)
TEMPLATE_ONLY = "whatsapp_template_only"
WINDOW = dt.timedelta(hours=WINDOW_HOURS)
#: a status never goes back (a late "delivered" after "read" is ignored); "failed" is final
_RANK = {"sent": 1, "delivered": 2, "read": 3, "failed": 4}


def window_open(last_inbound: dt.datetime | None, now: dt.datetime) -> bool:
    """The customer-service window: open for 24 hours after the user's last message."""
    return last_inbound is not None and now - last_inbound < WINDOW


class ChatWindows(Protocol):
    """Each chat's last inbound message and whether it can be reached."""

    async def last_inbound(self, chat_id: str) -> dt.datetime | None: ...

    async def note_inbound(self, chat_id: str, at: dt.datetime) -> None: ...

    async def mark_unreachable(self, chat_id: str) -> None:
        """131026 / 131051: the binding is marked ``undeliverable`` (a new user message makes it active again)."""
        ...


@dataclass(frozen=True, slots=True)
class DeliveryStatus:
    """One ``statuses[]`` entry of a webhook."""

    message_id: str
    status: str
    recipient: str
    error_codes: tuple[int, ...] = ()


class StatusSink(Protocol):
    async def record(self, status: DeliveryStatus) -> None: ...


class MemoryWindows:
    def __init__(self) -> None:
        self.inbound: dict[str, dt.datetime] = {}
        self.unreachable: set[str] = set()

    async def last_inbound(self, chat_id: str) -> dt.datetime | None:
        return self.inbound.get(chat_id)

    async def note_inbound(self, chat_id: str, at: dt.datetime) -> None:
        self.inbound[chat_id] = at
        self.unreachable.discard(chat_id)

    async def mark_unreachable(self, chat_id: str) -> None:
        self.unreachable.add(chat_id)


class MemoryStatuses:
    def __init__(self) -> None:
        self.latest: dict[str, str] = {}
        self.seen: list[DeliveryStatus] = []

    async def record(self, status: DeliveryStatus) -> None:
        self.seen.append(status)
        if _RANK.get(status.status, 0) > _RANK.get(self.latest.get(status.message_id, ""), 0):
            self.latest[status.message_id] = status.status


class SqlWindows:
    """Over ``chat_bindings``: the engine creates the binding; the channel sets the time of the user's message."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def last_inbound(self, chat_id: str) -> dt.datetime | None:
        async with self.database.session() as session:
            binding = await find_binding(session, CHANNEL, chat_id)
            if binding is None or binding.last_inbound_at is None:
                return None
            at = binding.last_inbound_at
            return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)

    async def note_inbound(self, chat_id: str, at: dt.datetime) -> None:
        async with self.database.transaction() as session:
            binding = await find_binding(session, CHANNEL, chat_id)
            if binding is not None:
                binding.last_inbound_at = at
                binding.status = "active"

    async def mark_unreachable(self, chat_id: str) -> None:
        async with self.database.transaction() as session:
            binding = await find_binding(session, CHANNEL, chat_id)
            if binding is not None:
                await set_binding_status(session, binding.id, "undeliverable")


class SqlStatuses:
    """Statuses against the outbox row that sent the message (replies sent inline have no row: nothing to do).

    Meta may report "sent" before the sender has stored the message id on its row (the two race); such a status is
    kept (bounded, ``keep_seconds``) and applied again with each later notification."""

    def __init__(self, database: Database, *, keep_seconds: float = 600.0, max_pending: int = 10_000) -> None:
        self.database = database
        self.keep_seconds = keep_seconds
        self.max_pending = max_pending
        self.pending: dict[str, tuple[DeliveryStatus, float]] = {}

    async def record(self, status: DeliveryStatus) -> None:
        now = time.monotonic()
        waiting = [s for s, since in self.pending.values() if now - since < self.keep_seconds]
        self.pending.clear()
        for earlier in [*waiting, status]:
            if not await self._apply(earlier):
                self._keep(earlier, now)

    def _keep(self, status: DeliveryStatus, now: float) -> None:
        kept = self.pending.get(status.message_id)
        if kept is None or _RANK.get(status.status, 0) > _RANK.get(kept[0].status, 0):
            self.pending[status.message_id] = (status, kept[1] if kept else now)
        while len(self.pending) > self.max_pending:
            self.pending.pop(next(iter(self.pending)))

    async def _apply(self, status: DeliveryStatus) -> bool:
        """False when no outbox row carries the message id (yet)."""
        async with self.database.transaction() as session:
            row = await session.scalar(
                select(OutboxMessage).where(
                    OutboxMessage.channel == CHANNEL, OutboxMessage.provider_message_id == status.message_id
                )
            )
            if row is None:
                return False
            if _RANK.get(status.status, 0) > _RANK.get(row.delivery_status or "", 0):
                await record_delivery(session, CHANNEL, status.message_id, status.status)
            if status.status == "failed" and OUTSIDE_WINDOW in status.error_codes:
                await _queue_as_template(session, row)
            return True


async def _queue_as_template(session: AsyncSession, row: OutboxMessage) -> None:
    """Meta said 131047 after accepting the message: send it again as its template (once: the dedupe key)."""
    payload = dict(row.payload)
    if not payload.get("template"):
        return
    payload["meta"] = {**dict(payload.get("meta") or {}), TEMPLATE_ONLY: True}
    key = f"{row.dedupe_key}:template"[:200]
    await enqueue(session, CHANNEL, row.chat_id, payload, key, user_id=row.user_id)


class MemoryChoices:
    """Numbered choices a chat was shown (number → payload), resolved by the next inbound text.

    In memory: after a restart a number typed in answer is read as plain text (the dialog asks again)."""

    def __init__(self) -> None:
        self._by_chat: dict[str, dict[str, str]] = {}

    def offer(self, chat_id: str, choices: dict[str, str]) -> None:
        self._by_chat[chat_id] = dict(choices)

    def take(self, chat_id: str, text: str) -> str | None:
        """The payload ``text`` picks (``"2"``, ``"2."``, ``" 2) "``); any text clears the offer."""
        offered = self._by_chat.pop(chat_id, None)
        if not offered:
            return None
        return offered.get(text.strip().rstrip(".)").strip())
