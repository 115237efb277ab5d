"""An in-process outbox with the same semantics as the SQL one (lease, dedupe key, retry, fail).

For tests and for running the sender without a database; not durable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.outbox.protocol import OutboxItem


@dataclass
class MemoryRow:
    item: OutboxItem
    not_before: dt.datetime
    status: str = "pending"  # pending | sent | failed
    claimed_by: str | None = None
    claimed_until: dt.datetime | None = None
    provider_message_id: str | None = None
    last_error: str | None = None


class MemoryOutbox:
    """``OutboxStore`` in a dict."""

    def __init__(self) -> None:
        self.rows: dict[int, MemoryRow] = {}
        self._keys: set[str] = set()

    async def enqueue(
        self, *, channel: str, chat_id: str, payload: dict[str, Any], not_before: dt.datetime, dedupe_key: str
    ) -> None:
        if dedupe_key in self._keys:
            return
        self._keys.add(dedupe_key)
        item = OutboxItem(
            id=len(self.rows) + 1, channel=channel, chat_id=chat_id, payload=payload, dedupe_key=dedupe_key
        )
        self.rows[item.id] = MemoryRow(item=item, not_before=not_before)

    async def claim(
        self, *, worker_id: str, limit: int, now: dt.datetime, lease: dt.timedelta
    ) -> Sequence[OutboxItem]:
        claimed: list[OutboxItem] = []
        for row in sorted(self.rows.values(), key=lambda r: (r.not_before, r.item.id)):
            if len(claimed) >= limit:
                break
            free = row.claimed_until is None or row.claimed_until <= now
            if row.status == "pending" and row.not_before <= now and free:
                row.claimed_by, row.claimed_until = worker_id, now + lease
                claimed.append(row.item)
        return claimed

    async def mark_sent(self, item: OutboxItem, *, provider_message_id: str, now: dt.datetime) -> None:
        row = self.rows[item.id]
        row.status, row.provider_message_id, row.claimed_until = "sent", provider_message_id, None

    async def retry_later(self, item: OutboxItem, *, not_before: dt.datetime, error: str, count_attempt: bool) -> None:
        row = self.rows[item.id]
        attempts = item.attempts + 1 if count_attempt else item.attempts
        row.item = replace(row.item, attempts=attempts)
        row.not_before, row.last_error, row.claimed_until, row.claimed_by = not_before, error, None, None

    async def mark_failed(self, item: OutboxItem, *, error: str, now: dt.datetime) -> None:
        row = self.rows[item.id]
        row.item = replace(row.item, attempts=item.attempts + 1)
        row.status, row.last_error, row.claimed_until = "failed", error, None

    def by_status(self, status: str) -> list[MemoryRow]:
        return [row for row in self.rows.values() if row.status == status]
