"""The outbox (очередь исходящих): messages are enqueued in the same transaction as the change that causes them,
then claimed by sender workers under a lease, sent, and marked.

Claiming: on PostgreSQL ``SELECT … FOR UPDATE SKIP LOCKED`` so concurrent workers never take the same row; on SQLite
every transaction is ``BEGIN IMMEDIATE`` (one writer), which gives the same guarantee. A claim sets ``sending`` and a
lease (``claimed_until``); a worker that crashes leaves its rows to be reclaimed when the lease expires — so delivery
is at-least-once across crashes, and exactly-once otherwise (``mark_sent`` only by the lease holder).
Commit right after ``claim_outbox`` so the lease is visible and the row locks are released.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.storage._util import insert_once, rowcount
from core.storage.models import CHANNELS, OutboxMessage
from core.storage.types import utcnow

DEFAULT_LEASE = dt.timedelta(seconds=60)


async def enqueue(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    payload: dict[str, Any],
    dedupe_key: str,
    *,
    user_id: int | None = None,
    not_before: dt.datetime | None = None,
) -> tuple[OutboxMessage, bool]:
    """Queue a message; a repeated ``dedupe_key`` returns the stored message and False."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    row = OutboxMessage(
        channel=channel,
        chat_id=chat_id,
        payload=payload,
        dedupe_key=dedupe_key,
        user_id=user_id,
        not_before=not_before,
    )
    if await insert_once(session, row):
        return row, True
    stmt = select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
    return (await session.scalars(stmt)).one(), False


def _claimable(now: dt.datetime) -> Any:
    ready = and_(
        OutboxMessage.status == "pending",
        or_(OutboxMessage.not_before.is_(None), OutboxMessage.not_before <= now),
    )
    lease_expired = and_(OutboxMessage.status == "sending", OutboxMessage.claimed_until <= now)
    return or_(ready, lease_expired)


async def claim_outbox(
    session: AsyncSession,
    worker_id: str,
    limit: int,
    now: dt.datetime | None = None,
    *,
    lease: dt.timedelta = DEFAULT_LEASE,
    channel: str | None = None,
) -> list[OutboxMessage]:
    """Claim up to ``limit`` due messages for ``worker_id`` (oldest first); attempts are counted here."""
    moment = now or utcnow()
    pick = select(OutboxMessage.id).where(_claimable(moment))
    if channel is not None:
        pick = pick.where(OutboxMessage.channel == channel)
    pick = pick.order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True)
    ids = list((await session.scalars(pick)).all())
    if not ids:
        return []
    stmt = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(
            status="sending",
            claimed_by=worker_id,
            claimed_until=moment + lease,
            attempts=OutboxMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    await session.execute(stmt)
    fetch = select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)
    return list((await session.scalars(fetch.execution_options(populate_existing=True))).all())


def _held_by(message_id: int, worker_id: str) -> Any:
    return and_(
        OutboxMessage.id == message_id, OutboxMessage.status == "sending", OutboxMessage.claimed_by == worker_id
    )


async def _finish(session: AsyncSession, message_id: int, worker_id: str, **values: Any) -> bool:
    stmt = (
        update(OutboxMessage)
        .where(_held_by(message_id, worker_id))
        .values(claimed_by=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.execute(stmt)) == 1


async def mark_sent(
    session: AsyncSession,
    message_id: int,
    worker_id: str,
    *,
    provider_message_id: str | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """Mark a claimed message sent; False when this worker no longer holds it (lease lost)."""
    return await _finish(
        session,
        message_id,
        worker_id,
        status="sent",
        sent_at=now or utcnow(),
        provider_message_id=provider_message_id,
        last_error=None,
    )


async def mark_failed(
    session: AsyncSession, message_id: int, worker_id: str, error: str, *, retry_at: dt.datetime | None = None
) -> bool:
    """A send attempt failed: back to pending from ``retry_at`` on, or failed for good when ``retry_at`` is None.

    ``error`` is a short code/description — never the message text or a token.
    """
    status = "failed" if retry_at is None else "pending"
    return await _finish(session, message_id, worker_id, status=status, not_before=retry_at, last_error=error[:500])


async def defer(session: AsyncSession, message_id: int, worker_id: str, not_before: dt.datetime) -> bool:
    """Put a claimed message back untried (rate limit, 429 ``retry_after``): the attempt is not counted."""
    return await _finish(
        session, message_id, worker_id, status="pending", not_before=not_before, attempts=OutboxMessage.attempts - 1
    )


async def record_delivery(session: AsyncSession, channel: str, provider_message_id: str, status: str) -> bool:
    """Store a provider's delivery status (sent / delivered / read / failed) against the sent message."""
    stmt = (
        update(OutboxMessage)
        .where(OutboxMessage.channel == channel, OutboxMessage.provider_message_id == provider_message_id)
        .values(delivery_status=status)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.execute(stmt)) >= 1


async def outbox_counts(session: AsyncSession) -> dict[str, int]:
    """Number of messages per status (monitoring, tests)."""
    from sqlalchemy import func

    stmt = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    return {status: int(n) for status, n in (await session.execute(stmt)).all()}
