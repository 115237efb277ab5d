"""Notices of the revenue body kept per user (``notices``): saved once per (user, number), listed, moved along.

``save_notice`` is the one way in (the cabinet tick and a forwarded PDF/text both use it): a second save of the
same number returns the stored row and fills in only what it lacked (the cabinet id of a notice forwarded first),
so a notice fetched twice or forwarded again is one row and its status and reminders are kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.storage._util import insert_once, rowcount
from core.storage.models import NOTICE_STATUSES, TaxNotice
from core.storage.types import utcnow


async def save_notice(
    session: AsyncSession,
    user_id: int,
    *,
    number: str,
    kind: str,
    source: str,
    issued_on: dt.date | None = None,
    delivered_on: dt.date | None = None,
    deadline: dt.date | None = None,
    amounts: dict[str, str] | None = None,
    fields: dict[str, Any] | None = None,
    text: str = "",
    cabinet_id: str | None = None,
    cabinet_at: dt.datetime | None = None,
) -> tuple[TaxNotice, bool]:
    """The user's notice with this number, created if new; returns ``(row, created)``."""
    row = TaxNotice(
        user_id=user_id,
        number=number,
        kind=kind,
        source=source,
        issued_on=issued_on,
        delivered_on=delivered_on,
        deadline=deadline,
        amounts=dict(amounts or {}),
        fields=dict(fields or {}),
        text=text,
        cabinet_id=cabinet_id,
        cabinet_at=cabinet_at,
        status="open",
        reminded={},
    )
    if await insert_once(session, row):
        return row, True
    existing = await notice_by_number(session, user_id, number)
    assert existing is not None
    if cabinet_id is not None and existing.cabinet_id is None:
        existing.cabinet_id, existing.cabinet_at = cabinet_id, cabinet_at
        await session.flush()
    return existing, False


async def notice_by_number(session: AsyncSession, user_id: int, number: str) -> TaxNotice | None:
    stmt = select(TaxNotice).where(TaxNotice.user_id == user_id, TaxNotice.number == number)
    return (await session.scalars(stmt.execution_options(populate_existing=True))).one_or_none()


async def get_notice(session: AsyncSession, user_id: int, notice_id: int) -> TaxNotice | None:
    """The notice ``notice_id`` if it is this user's (a forged id finds nothing)."""
    stmt = select(TaxNotice).where(TaxNotice.id == notice_id, TaxNotice.user_id == user_id)
    return (await session.scalars(stmt.execution_options(populate_existing=True))).one_or_none()


async def notices_of(
    session: AsyncSession, user_id: int, statuses: Sequence[str] = NOTICE_STATUSES
) -> list[TaxNotice]:
    """The user's notices in ``statuses``, the nearest deadline first (none last), then the newest."""
    stmt = (
        select(TaxNotice)
        .where(TaxNotice.user_id == user_id, TaxNotice.status.in_(tuple(statuses)))
        .order_by(TaxNotice.deadline.is_(None), TaxNotice.deadline, TaxNotice.id.desc())
    )
    return list(await session.scalars(stmt.execution_options(populate_existing=True)))


async def open_notices(session: AsyncSession, limit: int = 500) -> list[TaxNotice]:
    """Every user's open notices with a deadline (what the reminder tick looks at)."""
    stmt = (
        select(TaxNotice)
        .where(TaxNotice.status == "open", TaxNotice.deadline.is_not(None))
        .order_by(TaxNotice.deadline, TaxNotice.id)
        .limit(limit)
    )
    return list(await session.scalars(stmt.execution_options(populate_existing=True)))


async def last_cabinet_at(session: AsyncSession, user_id: int) -> dt.datetime | None:
    """When the newest notice fetched from the cabinet was created there (the next fetch asks for later ones)."""
    stmt = select(func.max(TaxNotice.cabinet_at)).where(TaxNotice.user_id == user_id)
    value = (await session.execute(stmt)).scalar_one_or_none()
    if value is not None and value.tzinfo is None:  # SQLite's aggregate bypasses the column type
        value = value.replace(tzinfo=dt.UTC)
    return value


async def set_notice_status(
    session: AsyncSession, user_id: int, notice_id: int, status: str, *, expected: Sequence[str] | None = None
) -> bool:
    """Move the notice to ``status`` (from one of ``expected`` when given); False when it did not move."""
    if status not in NOTICE_STATUSES:
        raise ValueError(f"unknown notice status {status!r}")
    stmt = update(TaxNotice).where(TaxNotice.id == notice_id, TaxNotice.user_id == user_id)
    if expected is not None:
        stmt = stmt.where(TaxNotice.status.in_(tuple(expected)))
    values = {"status": status, "updated_at": utcnow()}
    return rowcount(await session.execute(stmt.values(**values).execution_options(synchronize_session=False))) == 1


async def mark_reminded(session: AsyncSession, notice_id: int, kind: str, at: dt.datetime) -> bool:
    """Record that reminder ``kind`` went out for the notice; False when it already had (once per kind)."""
    row = await session.get(TaxNotice, notice_id, populate_existing=True)
    if row is None or kind in (row.reminded or {}):
        return False
    row.reminded = {**(row.reminded or {}), kind: at.isoformat()}
    await session.flush()
    return True


async def mark_pushed(session: AsyncSession, notice_id: int, at: dt.datetime) -> bool:
    """Record that the «new notice» push went out; False when it already had."""
    stmt = (
        update(TaxNotice)
        .where(TaxNotice.id == notice_id, TaxNotice.pushed_at.is_(None))
        .values(pushed_at=at)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.execute(stmt)) == 1
