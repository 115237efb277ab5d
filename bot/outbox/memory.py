"""An in-process outbox with the same semantics as the SQL one (lease, attempts counted at claim, dedupe key).

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
    status: str = "pending"  # pending | sending | sent | failed
    claimed_until: dt.datetime | None = None
    provider_message_id: str | None = None
    last_error: str | None = None
    sends: int = 0


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
        item = OutboxItem(len(self.rows) + 1, channel, chat_id, payload, attempts=0, dedupe_key=dedupe_key)
        self.rows[item.id] = MemoryRow(item=item, not_before=not_before)

    async def claim(
        self, *, worker_id: str, channel: str, limit: int, now: dt.datetime, lease: dt.timedelta
    ) -> Sequence[OutboxItem]:
        claimed: list[OutboxItem] = []
        for row in sorted(self.rows.values(), key=lambda r: r.item.id):
            if len(claimed) >= limit:
                break
            ready = row.status == "pending" and row.not_before <= now
            expired = row.status == "sending" and row.claimed_until is not None and row.claimed_until <= now
            if row.item.channel == channel and (ready or expired):
                row.item = replace(row.item, attempts=row.item.attempts + 1, claimed_by=worker_id)
                row.status, row.claimed_until = "sending", now + lease
                claimed.append(row.item)
        return claimed

    def _held(self, item: OutboxItem) -> MemoryRow | None:
        row = self.rows[item.id]
        return row if row.status == "sending" and row.item.claimed_by == item.claimed_by else None

    async def mark_sent(self, item: OutboxItem, *, provider_message_id: str, now: dt.datetime) -> bool:
        self.rows[item.id].sends += 1  # what the channel did, whether or not we still hold the row
        row = self._held(item)
        if row is None:
            return False
        row.status, row.provider_message_id, row.claimed_until = "sent", provider_message_id, None
        return True

    async def defer(self, item: OutboxItem, *, not_before: dt.datetime) -> bool:
        row = self._held(item)
        if row is None:
            return False
        row.item = replace(row.item, attempts=row.item.attempts - 1, claimed_by="")
        row.status, row.not_before, row.claimed_until = "pending", not_before, None
        return True

    async def retry(self, item: OutboxItem, *, retry_at: dt.datetime, error: str) -> bool:
        row = self._held(item)
        if row is None:
            return False
        row.item = replace(row.item, claimed_by="")
        row.status, row.not_before, row.claimed_until, row.last_error = "pending", retry_at, None, error
        return True

    async def fail(self, item: OutboxItem, *, error: str) -> bool:
        row = self._held(item)
        if row is None:
            return False
        row.status, row.claimed_until, row.last_error = "failed", None, error
        return True

    def by_status(self, status: str) -> list[MemoryRow]:
        return [row for row in self.rows.values() if row.status == status]
