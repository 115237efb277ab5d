"""The outbox on the product's database (``core.storage.outbox``): one short transaction per call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from bot.outbox.protocol import OutboxItem
from core.storage import Database
from core.storage import outbox as repo


class SqlOutbox:
    """``OutboxStore`` over ``core.storage``; the claim commits at once so the lease is visible to other workers."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def enqueue(
        self, *, channel: str, chat_id: str, payload: dict[str, Any], not_before: dt.datetime, dedupe_key: str
    ) -> None:
        async with self.database.transaction() as session:
            await repo.enqueue(session, channel, chat_id, payload, dedupe_key, not_before=not_before)

    async def claim(
        self, *, worker_id: str, channel: str, limit: int, now: dt.datetime, lease: dt.timedelta
    ) -> Sequence[OutboxItem]:
        async with self.database.transaction() as session:
            rows = await repo.claim_outbox(session, worker_id, limit, now, lease=lease, channel=channel)
            return [
                OutboxItem(
                    id=row.id,
                    channel=row.channel,
                    chat_id=row.chat_id,
                    payload=dict(row.payload),
                    attempts=row.attempts,
                    dedupe_key=row.dedupe_key,
                    claimed_by=worker_id,
                )
                for row in rows
            ]

    async def mark_sent(self, item: OutboxItem, *, provider_message_id: str, now: dt.datetime) -> bool:
        async with self.database.transaction() as session:
            return await repo.mark_sent(
                session, item.id, item.claimed_by, provider_message_id=provider_message_id or None, now=now
            )

    async def defer(self, item: OutboxItem, *, not_before: dt.datetime) -> bool:
        async with self.database.transaction() as session:
            return await repo.defer(session, item.id, item.claimed_by, not_before)

    async def retry(self, item: OutboxItem, *, retry_at: dt.datetime, error: str) -> bool:
        async with self.database.transaction() as session:
            return await repo.mark_failed(session, item.id, item.claimed_by, error, retry_at=retry_at)

    async def fail(self, item: OutboxItem, *, error: str) -> bool:
        async with self.database.transaction() as session:
            return await repo.mark_failed(session, item.id, item.claimed_by, error)
