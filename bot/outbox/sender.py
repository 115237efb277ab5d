"""The outbox sender: claims due rows, sends each through its channel under a rate limit, and marks the outcome.

```mermaid
flowchart LR
    S[scheduler_tick / 429 on an inline reply] -->|enqueue| OB[(outbox)]
    OB -->|claim_outbox: lease + attempt, SKIP LOCKED| W[OutboxSender]
    W -->|TokenBucket per channel| CH[ChannelSender: Telegram / WhatsApp]
    CH -->|ok| SENT[mark_sent + provider id]
    CH -->|429 retry_after| DEF[defer: not_before = now + retry_after, attempt not counted]
    CH -->|network, 5xx| RT[retry with backoff, failed after N attempts]
    CH -->|blocked, bad request| F[failed]
```

Delivery is **at-least-once**. A row is sent only by the worker holding its lease (PostgreSQL ``FOR UPDATE SKIP
LOCKED`` at claim; SQLite has one writer), and marked by that worker only. The one window for a second send: a worker
that crashes (or stalls past its lease) *after* the channel accepted a message but *before* ``mark_sent`` commits —
the row is claimed again once the lease expires and sent again. The lease (default 60 s, far longer than a batch
takes) keeps a slow worker from losing rows it is still sending, and the ``dedupe_key`` (unique) keeps the same
reminder or deferred reply from being queued twice in the first place, so the window is one message per crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import secrets
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.outbox.protocol import (
    ChannelSender,
    OutboxItem,
    OutboxStore,
    PermanentSendError,
    RetryAfter,
    TransientSendError,
)
from bot.outbox.ratelimit import TokenBucket
from dialogs.contract import Reply

log = logging.getLogger(__name__)

Now = Callable[[], dt.datetime]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class SenderConfig:
    batch_size: int = 50
    lease: dt.timedelta = dt.timedelta(seconds=60)
    max_attempts: int = 5
    backoff_base: dt.timedelta = dt.timedelta(seconds=5)
    backoff_max: dt.timedelta = dt.timedelta(minutes=30)
    #: chats sent to at the same time (one chat's messages always go in order)
    concurrency: int = 8
    #: seconds between polls of an empty outbox
    idle_seconds: float = 1.0
    #: a channel paused longer than this defers its rows instead of holding their lease
    max_hold_seconds: float = 5.0

    def backoff(self, attempts: int) -> dt.timedelta:
        delay: dt.timedelta = self.backoff_base * (2 ** max(0, attempts - 1))
        return min(self.backoff_max, delay)


def new_worker_id() -> str:
    return f"worker-{secrets.token_hex(4)}"


class OutboxSender:
    """One worker. Several may run (processes or tasks); they share nothing but the store."""

    def __init__(
        self,
        store: OutboxStore,
        channels: Sequence[ChannelSender],
        buckets: Mapping[str, TokenBucket],
        *,
        config: SenderConfig | None = None,
        worker_id: str | None = None,
        now: Now = _utcnow,
    ) -> None:
        self.store = store
        self.channels = {c.channel: c for c in channels}
        self.buckets = buckets
        self.config = config or SenderConfig()
        self.worker_id = worker_id or new_worker_id()
        self.now = now

    async def drain_once(self) -> int:
        """Claim one batch per channel and send it; the number of rows handled."""
        handled = 0
        for name, channel in self.channels.items():
            items = await self.store.claim(
                worker_id=self.worker_id,
                channel=name,
                limit=self.config.batch_size,
                now=self.now(),
                lease=self.config.lease,
            )
            handled += len(items)
            await self._send_batch(channel, items)
        return handled

    async def run(self, stop: asyncio.Event) -> None:
        """Drain until ``stop`` is set; wait ``idle_seconds`` (or for ``stop``) when there is nothing to send."""
        log.info("outbox sender %s started (channels: %s)", self.worker_id, ", ".join(self.channels))
        while not stop.is_set():
            try:
                handled = await self.drain_once()
            except Exception:
                log.exception("outbox sender %s: drain failed; retrying", self.worker_id)
                handled = 0
            if handled == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.config.idle_seconds)
        log.info("outbox sender %s stopped", self.worker_id)

    async def _send_batch(self, channel: ChannelSender, items: Sequence[OutboxItem]) -> None:
        by_chat: dict[str, list[OutboxItem]] = defaultdict(list)
        for item in items:
            by_chat[item.chat_id].append(item)
        gate = asyncio.Semaphore(self.config.concurrency)

        async def one_chat(chat_items: list[OutboxItem]) -> None:
            async with gate:
                for index, item in enumerate(chat_items):
                    hold_until = await self._send_one(channel, item)
                    if hold_until is not None:  # keep the chat's order: its later rows wait as long
                        for later in chat_items[index + 1 :]:
                            await self.store.defer(later, not_before=hold_until)
                        return

        await asyncio.gather(*(one_chat(chat_items) for chat_items in by_chat.values()))

    async def _send_one(self, channel: ChannelSender, item: OutboxItem) -> dt.datetime | None:
        """Send one row; the time until which the rest of its chat must wait, or None to go on."""
        bucket = self.buckets[channel.channel]
        if bucket.paused_for() > self.config.max_hold_seconds:
            not_before = self.now() + dt.timedelta(seconds=bucket.paused_for())
            await self.store.defer(item, not_before=not_before)
            return not_before
        try:
            reply = Reply.from_dict(item.payload)
        except (KeyError, TypeError, ValueError) as exc:
            log.error("outbox %s: unreadable payload (%s); failed", item.id, type(exc).__name__)
            await self.store.fail(item, error=f"bad payload: {type(exc).__name__}")
            return None
        await bucket.acquire()
        try:
            result = await channel.send(item.chat_id, reply)
        except RetryAfter as exc:
            return await self._on_retry_after(item, exc, bucket)
        except PermanentSendError as exc:
            log.warning("outbox %s: refused by %s (%s); failed", item.id, channel.channel, exc)
            await self.store.fail(item, error=str(exc)[:200])
            return None
        except Exception as exc:
            return await self._on_transient(item, exc)
        if not await self.store.mark_sent(item, provider_message_id=result.provider_message_id, now=self.now()):
            log.warning("outbox %s: sent, but the lease was lost before marking it (possible duplicate)", item.id)
        return None

    async def _on_retry_after(self, item: OutboxItem, exc: RetryAfter, bucket: TokenBucket) -> dt.datetime:
        bucket.pause(exc.seconds)
        not_before = self.now() + dt.timedelta(seconds=exc.seconds)
        if exc.remainder is None:
            await self.store.defer(item, not_before=not_before)
            log.info("outbox %s: channel asked to wait %.0f s; deferred", item.id, exc.seconds)
            return not_before
        # part of the reply went out: queue the rest as its own row, and the sent part is done
        await self.store.enqueue(
            channel=item.channel,
            chat_id=item.chat_id,
            payload=exc.remainder.to_dict(),
            not_before=not_before,
            dedupe_key=f"{item.dedupe_key}:rest{item.attempts}"[:200],
        )
        await self.store.mark_sent(item, provider_message_id="partial", now=self.now())
        return not_before

    async def _on_transient(self, item: OutboxItem, exc: Exception) -> dt.datetime | None:
        error = str(exc)[:200] if isinstance(exc, TransientSendError) else type(exc).__name__
        if item.attempts >= self.config.max_attempts:
            log.warning("outbox %s: %s after %d attempts; failed", item.id, error, item.attempts)
            await self.store.fail(item, error=error)
            return None
        retry_at = self.now() + self.config.backoff(item.attempts)
        log.info("outbox %s: %s (attempt %d); retry at %s", item.id, error, item.attempts, retry_at.isoformat())
        await self.store.retry(item, retry_at=retry_at, error=error)
        return retry_at
