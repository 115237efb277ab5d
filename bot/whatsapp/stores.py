"""What the channel remembers: each chat's 24-hour window, delivery statuses, pending numbered choices (which
outlive a restart when there is a database: ``SqlChoices``).

Protocols apart from implementations: in memory (tests, the emulator) and over the product's database (the chat
binding's ``last_inbound_at`` and ``status``; the outbox row's ``delivery_status``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.whatsapp.errors import OUTSIDE_WINDOW
from bot.whatsapp.limits import WINDOW_HOURS
from core.storage import Database, enqueue, find_binding, record_delivery, set_binding_status
from core.storage.models import OutboxMessage
from dialogs.i18n import N_, Lang, t

CHANNEL = "whatsapp"
#: ``Reply.meta`` flag: send this reply as its template whatever the window (set after a late 131047)
TEMPLATE_ONLY = "whatsapp_template_only"
WINDOW = dt.timedelta(hours=WINDOW_HOURS)
#: numbered choices answer for as long as the window they were sent in lasts; after that a number gets a short answer
CHOICES_TTL = WINDOW
CHOICES_META = "whatsapp_choices"
STALE_CHOICES = N_("That list is out of date. Open it again and choose once more.")
NO_SUCH_NUMBER = N_("There is no such number. Answer with a number from 1 to {count}.")
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


@dataclass(frozen=True, slots=True)
class Picked:
    """What a typed number means while numbered choices are offered: the payload it presses, or a short answer
    (a number not offered, or a list too old) and nothing pressed."""

    payload: str | None = None
    answer: str | None = None


@dataclass(frozen=True, slots=True)
class Offer:
    choices: dict[str, str]
    at: dt.datetime
    lang: str = "ru"


class ChoiceMemory(Protocol):
    """Numbered choices a chat was shown (number → payload), resolved by the next inbound text."""

    async def offer(self, chat_id: str, choices: dict[str, str], lang: str = "ru") -> None: ...

    async def take(self, chat_id: str, text: str) -> Picked | None:
        """``None``: ``text`` is no answer to an offer (passed on as text). Any text but a number not offered ends
        the offer."""
        ...


def number_in(text: str) -> str | None:
    """``"2"``, ``"2."``, ``" 2) "`` → ``"2"``; anything else → ``None``."""
    cleaned = text.strip().rstrip(".)").strip()
    return cleaned if cleaned.isdigit() and len(cleaned) <= 3 else None


def resolve(offer: Offer | None, text: str, now: dt.datetime) -> tuple[Picked | None, bool]:
    """(what ``text`` means, whether the offer stays)."""
    if offer is None or not offer.choices:
        return None, False
    number = number_in(text)
    if number is None:
        return None, False  # the person wrote something else: the dialog moved on
    lang: Lang = "kk" if offer.lang == "kk" else "ru"
    if now - offer.at >= CHOICES_TTL:
        return Picked(answer=t(lang, STALE_CHOICES)), False
    payload = offer.choices.get(number)
    if payload is None:
        return Picked(answer=t(lang, NO_SUCH_NUMBER, count=len(offer.choices))), True
    return Picked(payload=payload), False


class MemoryChoices:
    """``ChoiceMemory`` in memory (tests, the emulator without a database): forgotten on restart."""

    def __init__(self, now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self.now = now
        self._by_chat: dict[str, Offer] = {}

    async def offer(self, chat_id: str, choices: dict[str, str], lang: str = "ru") -> None:
        self._by_chat[chat_id] = Offer(dict(choices), self.now(), lang)

    async def take(self, chat_id: str, text: str) -> Picked | None:
        picked, keep = resolve(self._by_chat.get(chat_id), text, self.now())
        if not keep:
            self._by_chat.pop(chat_id, None)
        return picked


class SqlChoices:
    """``ChoiceMemory`` in the database, so a number typed after a restart still presses its choice.

    Kept without a table of its own: one outbox row per chat in status ``sent`` (never claimed by a sender) with
    ``dedupe_key = wa-choices:<hash of the chat id>`` and the offer in ``payload.meta``; ``user_id`` is the chat's
    user, so erasure scrubs it with the user's other sent rows."""

    def __init__(self, database: Database, now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self.database = database
        self.now = now

    @staticmethod
    def key(chat_id: str) -> str:
        return "wa-choices:" + hashlib.sha256(f"{CHANNEL}:{chat_id}".encode()).hexdigest()[:40]

    async def _row(self, session: AsyncSession, chat_id: str) -> OutboxMessage | None:
        return await session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == self.key(chat_id)))

    async def offer(self, chat_id: str, choices: dict[str, str], lang: str = "ru") -> None:
        now = self.now()
        meta = {CHOICES_META: {"choices": dict(choices), "at": now.isoformat(), "lang": lang}}
        payload: dict[str, Any] = {"text": "", "meta": meta}
        async with self.database.transaction() as session:
            binding = await find_binding(session, CHANNEL, chat_id)
            user_id = binding.user_id if binding is not None else None
            row = await self._row(session, chat_id)
            if row is None:
                row, _ = await enqueue(session, CHANNEL, chat_id, payload, self.key(chat_id), user_id=user_id)
            row.payload, row.chat_id, row.user_id = payload, chat_id, user_id
            row.status, row.sent_at = "sent", now

    async def take(self, chat_id: str, text: str) -> Picked | None:
        async with self.database.transaction() as session:
            row = await self._row(session, chat_id)
            offer = _offer_of(row.payload if row is not None else None)
            picked, keep = resolve(offer, text, self.now())
            if row is not None and offer is not None and not keep:
                row.payload = {"text": "", "meta": {}}
            return picked


def _offer_of(payload: dict[str, Any] | None) -> Offer | None:
    kept = (payload or {}).get("meta", {}).get(CHOICES_META)
    if not isinstance(kept, dict) or not isinstance(kept.get("choices"), dict):
        return None
    try:
        at = dt.datetime.fromisoformat(str(kept["at"]))
    except (KeyError, ValueError):
        return None
    at = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    return Offer({str(k): str(v) for k, v in kept["choices"].items()}, at, str(kept.get("lang") or "ru"))
