"""The outbox on the product's database (``core.storage.outbox``): one short transaction per call.

One chat's rows go out in order even with several workers: after ``claim_outbox`` a worker gives back, untried, any
row of a chat that has an earlier unfinished row (pending or being sent) it does not hold itself — so a chat's rows
are only ever in one worker's hands, oldest first. Under PostgreSQL's READ COMMITTED a row another worker has just
locked (not yet committed) still reads as pending, so it blocks too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox.protocol import OutboxItem
from core.storage import Database, OutboxMessage
from core.storage import outbox as repo

UNFINISHED = ("pending", "sending")


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
            rows = await _keep_chat_order(session, rows, worker_id, channel, now)
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


async def _keep_chat_order(
    session: AsyncSession, rows: Sequence[OutboxMessage], worker_id: str, channel: str, now: dt.datetime
) -> list[OutboxMessage]:
    """The claimed rows that are next in their chat; the others go back untried (``defer``)."""
    if not rows:
        return []
    ours = {row.id for row in rows}
    earliest = (
        select(OutboxMessage.chat_id, func.min(OutboxMessage.id))
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.chat_id.in_({row.chat_id for row in rows}),
            OutboxMessage.status.in_(UNFINISHED),
            OutboxMessage.id.not_in(ours),
        )
        .group_by(OutboxMessage.chat_id)
    )
    foreign_first = {chat_id: first for chat_id, first in (await session.execute(earliest)).all()}
    kept: list[OutboxMessage] = []
    for row in rows:
        first = foreign_first.get(row.chat_id)
        if first is not None and first < row.id:
            await repo.defer(session, row.id, worker_id, row.not_before or now)
        else:
            kept.append(row)
    return kept
