"""Inbound updates already processed (обработанные обновления): a redelivered update has no second effect."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from core.storage._util import insert_ignore, rowcount
from core.storage.models import ProcessedUpdate


async def mark_processed(session: AsyncSession, channel: str, update_key: str) -> bool:
    """Record an update (Telegram ``update_id``, WhatsApp ``wamid``); False if it was already seen.

    Call it in the same transaction as the update's effects: a crash before commit forgets both.
    """
    return await insert_ignore(session, ProcessedUpdate, channel=channel, update_key=update_key)


async def prune_processed(session: AsyncSession, before: dt.datetime) -> int:
    """Forget updates processed before ``before`` (providers stop redelivering after a day or so)."""
    stmt = delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before)
    return rowcount(await session.execute(stmt.execution_options(synchronize_session=False)))
