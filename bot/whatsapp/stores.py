"""What the channel remembers: each chat's 24-hour window, delivery statuses, pending numbered choices.

Protocols apart from implementations: in memory (tests, the emulator) and over the product's database (the chat
binding's ``last_inbound_at`` and ``status``; the outbox row's ``delivery_status``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select

from bot.whatsapp.limits import WINDOW_HOURS
from core.storage import Database, find_binding, record_delivery, set_binding_status
from core.storage.models import OutboxMessage

CHANNEL = "whatsapp"
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
    """Statuses against the outbox row that sent the message (replies sent inline have no row: nothing to do)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def record(self, status: DeliveryStatus) -> None:
        async with self.database.transaction() as session:
            current = await session.scalar(
                select(OutboxMessage.delivery_status).where(
                    OutboxMessage.channel == CHANNEL, OutboxMessage.provider_message_id == status.message_id
                )
            )
            if _RANK.get(status.status, 0) > _RANK.get(current or "", 0):
                await record_delivery(session, CHANNEL, status.message_id, status.status)


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
