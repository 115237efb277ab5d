"""The outbox as the sender sees it: a store of claimed rows, and channels that send one ``Reply`` each.

Kept apart from the storage implementation (``bot.outbox.sql``) and from the channels (``bot.outbox.telegram``), so a
WhatsApp channel plugs in with one class and tests run the sender over ``bot.outbox.memory``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from dialogs.contract import Reply


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One claimed row: where to send (channel + chat id) and what (a serialised ``Reply``)."""

    id: int
    channel: str
    chat_id: str
    payload: dict[str, Any]
    #: attempts so far, this one included (a claim counts an attempt; ``defer`` gives it back)
    attempts: int = 1
    dedupe_key: str = ""
    claimed_by: str = ""


class OutboxWriter(Protocol):
    """What a channel needs to queue a reply it could not send now (Telegram's 429 on an inline reply)."""

    async def enqueue(
        self, *, channel: str, chat_id: str, payload: dict[str, Any], not_before: dt.datetime, dedupe_key: str
    ) -> None: ...


class OutboxStore(OutboxWriter, Protocol):
    """The durable queue. ``claim`` leases rows to one worker until ``now + lease`` and counts an attempt; a row
    whose lease expired (its worker crashed) is claimable again — at-least-once delivery. The finishing calls return
    False when the worker no longer holds the row (its lease expired and another worker took it)."""

    async def claim(
        self, *, worker_id: str, channel: str, limit: int, now: dt.datetime, lease: dt.timedelta
    ) -> Sequence[OutboxItem]: ...

    async def mark_sent(self, item: OutboxItem, *, provider_message_id: str, now: dt.datetime) -> bool: ...

    async def defer(self, item: OutboxItem, *, not_before: dt.datetime) -> bool:
        """Back to pending, untried (429): the attempt is not counted."""
        ...

    async def retry(self, item: OutboxItem, *, retry_at: dt.datetime, error: str) -> bool:
        """A failed attempt, to be retried from ``retry_at``."""
        ...

    async def fail(self, item: OutboxItem, *, error: str) -> bool:
        """Failed for good."""
        ...


class RetryAfter(Exception):  # noqa: N818 — named after the HTTP header
    """The channel asked us to wait (HTTP 429): not a failure, the row waits ``seconds``."""

    def __init__(self, seconds: float, remainder: Reply | None = None) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds
        self.remainder = remainder


class TransientSendError(Exception):
    """Network trouble or a 5xx: retried with backoff, up to the attempt limit."""


class PermanentSendError(Exception):
    """The channel refused for good (bot blocked, chat not found, bad request): failed at once."""


@dataclass(frozen=True, slots=True)
class SendResult:
    provider_message_id: str


class ChannelSender(Protocol):
    """Sends one reply to one chat on one channel; raises the errors above."""

    channel: str

    async def send(self, chat_id: str, reply: Reply) -> SendResult: ...
