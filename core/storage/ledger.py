"""Income and expense entries (книга учёта доходов и расходов): idempotent adds and sums by month or period.

An entry is added with an idempotency key (the chat message, the invoice, the bank line it comes from); adding the
same key again returns the row already stored — never two. Voided entries are kept and left out of every sum.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, cast, extract, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from core.money import ZERO
from core.storage._util import insert_once, rowcount
from core.storage.models import ENTRY_SOURCES, ExpenseEntry, IncomeEntry
from core.storage.types import Money, utcnow

Entry = IncomeEntry | ExpenseEntry
TIYN = Decimal("0.01")


def _check_amount(amount: Decimal) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= ZERO:
        raise ValueError("amount must be a positive finite Decimal")
    if amount != amount.quantize(TIYN):
        raise ValueError("amount has more than two decimals (tiyn)")


async def _add(session: AsyncSession, model: type[Entry], **fields: Any) -> tuple[Entry, bool]:
    _check_amount(fields["amount"])
    if fields["source"] not in ENTRY_SOURCES:
        raise ValueError(f"unknown source {fields['source']!r}")
    row = model(**fields)
    if await insert_once(session, row):
        return row, True
    stmt = select(model).where(model.user_id == fields["user_id"], model.idempotency_key == fields["idempotency_key"])
    existing = (await session.scalars(stmt)).one()
    assert isinstance(existing, IncomeEntry | ExpenseEntry)
    return existing, False


async def add_income(
    session: AsyncSession,
    user_id: int,
    amount: Decimal,
    received_on: dt.date,
    idempotency_key: str,
    *,
    counterparty: str | None = None,
    source: str = "chat",
) -> tuple[IncomeEntry, bool]:
    """Record income; returns ``(entry, created)`` — on a repeated key the stored entry and False."""
    row, created = await _add(
        session,
        IncomeEntry,
        user_id=user_id,
        amount=amount,
        received_on=received_on,
        idempotency_key=idempotency_key,
        counterparty=counterparty,
        source=source,
    )
    assert isinstance(row, IncomeEntry)
    return row, created


async def add_expense(
    session: AsyncSession,
    user_id: int,
    amount: Decimal,
    paid_on: dt.date,
    idempotency_key: str,
    *,
    counterparty: str | None = None,
    source: str = "chat",
) -> tuple[ExpenseEntry, bool]:
    """Record an expense; same contract as ``add_income``."""
    row, created = await _add(
        session,
        ExpenseEntry,
        user_id=user_id,
        amount=amount,
        paid_on=paid_on,
        idempotency_key=idempotency_key,
        counterparty=counterparty,
        source=source,
    )
    assert isinstance(row, ExpenseEntry)
    return row, created


def _date_column(model: type[Entry]) -> InstrumentedAttribute[dt.date]:
    return IncomeEntry.received_on if model is IncomeEntry else ExpenseEntry.paid_on


def _total(session: AsyncSession, model: type[Entry]) -> Any:
    """SUM of the amounts, exact on both backends.

    PostgreSQL sums NUMERIC exactly. SQLite keeps amounts as floats, so it sums whole tiyn instead (each amount
    rounded to an integer number of tiyn; SQLite adds integers exactly in 64 bits) — a float SUM could drift by a tiyn.
    """
    if session.get_bind().dialect.name == "sqlite":
        return func.sum(cast(func.round(model.amount * 100), Integer))
    return func.sum(model.amount, type_=Money)


def _as_money(session: AsyncSession, total: Any) -> Decimal:
    if total is None:
        return ZERO.quantize(TIYN)
    if session.get_bind().dialect.name == "sqlite":
        return (Decimal(int(total)) / 100).quantize(TIYN)
    return Decimal(total).quantize(TIYN)


async def _sum(session: AsyncSession, model: type[Entry], user_id: int, start: dt.date, end: dt.date) -> Decimal:
    day = _date_column(model)
    stmt = select(_total(session, model)).where(
        model.user_id == user_id, model.voided_at.is_(None), day >= start, day <= end
    )
    return _as_money(session, (await session.execute(stmt)).scalar_one())


async def sum_income(session: AsyncSession, user_id: int, start: dt.date, end: dt.date) -> Decimal:
    """Total income received from ``start`` to ``end`` inclusive (voided entries left out)."""
    return await _sum(session, IncomeEntry, user_id, start, end)


async def sum_expenses(session: AsyncSession, user_id: int, start: dt.date, end: dt.date) -> Decimal:
    """Total expenses paid from ``start`` to ``end`` inclusive."""
    return await _sum(session, ExpenseEntry, user_id, start, end)


async def _by_month(
    session: AsyncSession, model: type[Entry], user_id: int, start: dt.date, end: dt.date
) -> dict[tuple[int, int], Decimal]:
    day = _date_column(model)
    year, month = extract("year", day), extract("month", day)
    stmt = (
        select(year, month, _total(session, model))
        .where(model.user_id == user_id, model.voided_at.is_(None), day >= start, day <= end)
        .group_by(year, month)
    )
    rows = (await session.execute(stmt)).all()
    return {(int(y), int(m)): _as_money(session, total) for y, m, total in rows}


async def income_by_month(
    session: AsyncSession, user_id: int, start: dt.date, end: dt.date
) -> dict[tuple[int, int], Decimal]:
    """Income per ``(year, month)`` between the dates (months with no income are absent)."""
    return await _by_month(session, IncomeEntry, user_id, start, end)


async def expenses_by_month(
    session: AsyncSession, user_id: int, start: dt.date, end: dt.date
) -> dict[tuple[int, int], Decimal]:
    """Expenses per ``(year, month)`` between the dates."""
    return await _by_month(session, ExpenseEntry, user_id, start, end)


async def list_income(
    session: AsyncSession, user_id: int, start: dt.date | None = None, end: dt.date | None = None
) -> list[IncomeEntry]:
    """The user's income entries (voided ones too, marked), oldest first."""
    stmt = select(IncomeEntry).where(IncomeEntry.user_id == user_id)
    if start is not None:
        stmt = stmt.where(IncomeEntry.received_on >= start)
    if end is not None:
        stmt = stmt.where(IncomeEntry.received_on <= end)
    return list((await session.scalars(stmt.order_by(IncomeEntry.received_on, IncomeEntry.id))).all())


async def list_expenses(
    session: AsyncSession, user_id: int, start: dt.date | None = None, end: dt.date | None = None
) -> list[ExpenseEntry]:
    """The user's expense entries (voided ones too, marked), oldest first."""
    stmt = select(ExpenseEntry).where(ExpenseEntry.user_id == user_id)
    if start is not None:
        stmt = stmt.where(ExpenseEntry.paid_on >= start)
    if end is not None:
        stmt = stmt.where(ExpenseEntry.paid_on <= end)
    return list((await session.scalars(stmt.order_by(ExpenseEntry.paid_on, ExpenseEntry.id))).all())


async def void_income(session: AsyncSession, user_id: int, entry_id: int, now: dt.datetime | None = None) -> bool:
    """Void an income entry of this user (kept, left out of sums); False when not found or already void."""
    stmt = (
        update(IncomeEntry)
        .where(IncomeEntry.id == entry_id, IncomeEntry.user_id == user_id, IncomeEntry.voided_at.is_(None))
        .values(voided_at=now or utcnow())
    )
    return rowcount(await session.execute(stmt)) == 1


__all__ = [
    "add_expense",
    "add_income",
    "expenses_by_month",
    "income_by_month",
    "list_expenses",
    "list_income",
    "sum_expenses",
    "sum_income",
    "void_income",
]
