"""Income/expense entries: idempotent adds, Decimal round trips, sums by period and by month."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from decimal import Decimal

import pytest

from core.storage import (
    Database,
    IncomeEntry,
    add_expense,
    add_income,
    expenses_by_month,
    get_or_create_user_for_chat,
    income_by_month,
    list_expenses,
    list_income,
    sum_expenses,
    sum_income,
    void_income,
)


async def _user(db: Database, chat: str = "1") -> int:
    async with db.session() as s:
        user, _, _ = await get_or_create_user_for_chat(s, "telegram", chat)
        await s.commit()
        return user.id


async def test_repeat_key_returns_the_same_row(database: Database) -> None:
    uid = await _user(database)
    async with database.session() as s:
        first, created = await add_income(
            s, uid, Decimal("150000"), dt.date(2026, 3, 5), "k1", counterparty="ТОО Альфа"
        )
        await s.commit()
    async with database.session() as s:
        again, created_again = await add_income(s, uid, Decimal("999"), dt.date(2026, 3, 6), "k1")
        await s.commit()
    assert created
    assert not created_again
    assert again.id == first.id
    assert again.amount == Decimal("150000.00")
    async with database.session() as s:
        assert len(await list_income(s, uid)) == 1


async def test_concurrent_repeats_store_one_entry(database: Database) -> None:
    uid = await _user(database)

    async def add() -> int:
        async with database.session() as s:
            entry, _ = await add_income(s, uid, Decimal("100"), dt.date(2026, 1, 1), "tg:update:5")
            await s.commit()
            return entry.id

    assert len(set(await asyncio.gather(*(add() for _ in range(6))))) == 1


async def test_keys_are_per_user(database: Database) -> None:
    a, b = await _user(database, "a"), await _user(database, "b")
    async with database.session() as s:
        _, c1 = await add_income(s, a, Decimal("1"), dt.date(2026, 1, 1), "same")
        _, c2 = await add_income(s, b, Decimal("1"), dt.date(2026, 1, 1), "same")
    assert c1
    assert c2


@pytest.mark.parametrize("amount", [Decimal(0), Decimal(-5), Decimal("1.005"), Decimal("NaN"), Decimal("Infinity")])
async def test_bad_amounts_are_refused(database: Database, amount: Decimal) -> None:
    uid = await _user(database)
    async with database.session() as s:
        with pytest.raises(ValueError, match="amount"):
            await add_income(s, uid, amount, dt.date(2026, 1, 1), "bad")


async def test_large_amounts_keep_tiyn(database: Database) -> None:
    uid = await _user(database)
    big = Decimal("9999999999.99")
    async with database.session() as s:
        await add_income(s, uid, big, dt.date(2026, 1, 1), "big")
        await add_income(s, uid, Decimal("0.01"), dt.date(2026, 1, 2), "small")
        await s.commit()
    async with database.session() as s:
        assert [e.amount for e in await list_income(s, uid)] == [big, Decimal("0.01")]
        assert await sum_income(s, uid, dt.date(2026, 1, 1), dt.date(2026, 1, 31)) == Decimal("10000000000.00")


async def test_sums_by_period_and_month(database: Database) -> None:
    uid = await _user(database)
    async with database.session() as s:
        for i, (day, amount) in enumerate(
            [(dt.date(2026, 1, 31), "100.10"), (dt.date(2026, 2, 1), "200.20"), (dt.date(2026, 2, 28), "300"),
             (dt.date(2026, 7, 1), "5000")]
        ):  # fmt: skip
            await add_income(s, uid, Decimal(amount), day, f"i{i}")
        voided, _ = await add_income(s, uid, Decimal("777"), dt.date(2026, 2, 2), "void-me")
        await add_expense(s, uid, Decimal("50"), dt.date(2026, 2, 3), "e1", counterparty="магазин")
        assert await void_income(s, uid, voided.id)
        assert not await void_income(s, uid, voided.id)
        await s.commit()
    async with database.session() as s:
        half = await sum_income(s, uid, dt.date(2026, 1, 1), dt.date(2026, 6, 30))
        by_month = await income_by_month(s, uid, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        assert await sum_income(s, uid, dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == Decimal(0)
        assert await sum_expenses(s, uid, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == Decimal(50)
        assert await expenses_by_month(s, uid, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == {(2026, 2): Decimal(50)}
        [expense] = await list_expenses(s, uid, dt.date(2026, 2, 1), dt.date(2026, 2, 28))
        assert (expense.counterparty, expense.paid_on) == ("магазин", dt.date(2026, 2, 3))
    assert half == Decimal("600.30")
    assert by_month == {(2026, 1): Decimal("100.10"), (2026, 2): Decimal("500.20"), (2026, 7): Decimal(5000)}


async def test_sums_are_exact_to_the_tiyn(database: Database) -> None:
    # 4 000 amounts up to 10^10 ₸ with tiyn: a float SUM drifts; the repository's sum must equal Decimal arithmetic
    rng = random.Random(20261201)
    amounts = [Decimal(rng.randrange(1, 10**12)) / 100 for _ in range(4000)]
    uid = await _user(database)
    async with database.session() as s:  # bulk insert: the sum is under test, not add_income
        s.add_all(
            IncomeEntry(user_id=uid, amount=a, received_on=dt.date(2026, 1 + i % 12, 1), idempotency_key=f"r{i}")
            for i, a in enumerate(amounts)
        )
        await s.commit()
    async with database.session() as s:
        total = await sum_income(s, uid, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        months = await income_by_month(s, uid, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert total == sum(amounts)
    assert months[(2026, 1)] == sum(amounts[0::12])
