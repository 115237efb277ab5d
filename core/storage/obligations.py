"""Obligations from the calendar (обязательства) and the reminders sent for them (напоминания)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.storage._util import insert_once
from core.storage.models import OBLIGATION_ACTIONS, OBLIGATION_STATUSES, REMINDER_KINDS, Obligation, Reminder


async def upsert_obligation(
    session: AsyncSession,
    user_id: int,
    obligation: str,
    action: str,
    period: str,
    due: dt.date,
    *,
    amount: Decimal | None = None,
) -> Obligation:
    """Insert or update (due date, amount) the obligation identified by (user, code, action, period).

    The status is left alone on update: a done obligation stays done when the calendar is derived again.
    """
    if action not in OBLIGATION_ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    row = Obligation(user_id=user_id, obligation=obligation, action=action, period=period, due=due, amount=amount)
    if await insert_once(session, row):
        return row
    stmt = select(Obligation).where(
        Obligation.user_id == user_id,
        Obligation.obligation == obligation,
        Obligation.action == action,
        Obligation.period == period,
    )
    existing = (await session.scalars(stmt)).one()
    existing.due = due
    if amount is not None:
        existing.amount = amount
    await session.flush()
    return existing


async def set_obligation_status(session: AsyncSession, obligation_id: int, status: str) -> None:
    """Mark an obligation open / done / cancelled."""
    if status not in OBLIGATION_STATUSES:
        raise ValueError(f"unknown status {status!r}")
    await session.execute(update(Obligation).where(Obligation.id == obligation_id).values(status=status))


async def open_obligations(
    session: AsyncSession, due_until: dt.date, *, user_id: int | None = None
) -> list[Obligation]:
    """Open obligations due on or before ``due_until`` (overdue ones included), by due date."""
    stmt = select(Obligation).where(Obligation.status == "open", Obligation.due <= due_until)
    if user_id is not None:
        stmt = stmt.where(Obligation.user_id == user_id)
    return list((await session.scalars(stmt.order_by(Obligation.due, Obligation.id))).all())


async def obligations_of(session: AsyncSession, user_id: int, *, from_due: dt.date | None = None) -> list[Obligation]:
    """A user's obligations (optionally from a due date on), by due date."""
    stmt = select(Obligation).where(Obligation.user_id == user_id)
    if from_due is not None:
        stmt = stmt.where(Obligation.due >= from_due)
    return list((await session.scalars(stmt.order_by(Obligation.due, Obligation.id))).all())


async def insert_reminder_once(
    session: AsyncSession, obligation_id: int, kind: str, outbox_id: int | None = None
) -> Reminder | None:
    """Record that a reminder of ``kind`` (d7, d1, d0, overdue) is sent for an obligation; ``None`` if it already was.

    Enqueue the outbox message in the same transaction only when this returns a row.
    """
    if kind not in REMINDER_KINDS:
        raise ValueError(f"unknown reminder kind {kind!r}")
    row = Reminder(obligation_id=obligation_id, kind=kind, outbox_id=outbox_id)
    return row if await insert_once(session, row) else None


async def attach_reminder_outbox(session: AsyncSession, reminder_id: int, outbox_id: int) -> None:
    """Link a reminder to the outbox message that carries it."""
    await session.execute(update(Reminder).where(Reminder.id == reminder_id).values(outbox_id=outbox_id))
