"""Counterparties and documents: БИН check, idempotent issue, no gaps or duplicates in numbers under concurrency."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest

from core.storage import (
    Database,
    counterparties_of,
    documents_of,
    find_document,
    get_or_create_user_for_chat,
    issue_document,
    mark_document_paid,
    save_counterparty,
    set_esf_status,
)

DAY = dt.date(2026, 3, 2)


async def _user(db: Database, chat: str = "1") -> int:
    async with db.session() as s:
        user, _, _ = await get_or_create_user_for_chat(s, "telegram", chat)
        await s.commit()
        return user.id


async def test_counterparty_by_bin_is_updated_not_duplicated(database: Database) -> None:
    uid = await _user(database)
    async with database.session() as s:
        with pytest.raises(ValueError, match="check digit"):
            await save_counterparty(s, uid, "ТОО Альфа", bin_iin="123456789021")
        with pytest.raises(ValueError, match="not counterparty fields"):
            await save_counterparty(s, uid, "ТОО Альфа", colour="red")
        a = await save_counterparty(s, uid, "ТОО Альфа", bin_iin="240140000120", iban="KZ18722S000012345678")
        b = await save_counterparty(s, uid, "ТОО «Альфа»", bin_iin="240140000120", vat_payer=True)
        await save_counterparty(s, uid, "Физлицо без БИН")
        await s.commit()
    assert a.id == b.id
    async with database.session() as s:
        names = [(c.name, c.vat_payer, c.iban) for c in await counterparties_of(s, uid)]
    assert names == [("ТОО «Альфа»", True, "KZ18722S000012345678"), ("Физлицо без БИН", False, None)]


async def test_issue_numbers_per_type_and_idempotent(database: Database) -> None:
    uid, other = await _user(database, "a"), await _user(database, "b")
    async with database.session() as s:
        inv1, created = await issue_document(s, uid, "invoice", DAY, Decimal(250000), {"items": [1]}, "inv-1")
        repeat, created_again = await issue_document(s, uid, "invoice", DAY, Decimal(1), {}, "inv-1")
        inv2, _ = await issue_document(s, uid, "invoice", DAY, Decimal(5), {}, "inv-2")
        act1, _ = await issue_document(s, uid, "act", DAY, Decimal(250000), {}, "act-1", source_document_id=inv1.id)
        theirs, _ = await issue_document(s, other, "invoice", DAY, Decimal(5), {}, "inv-1")
        await s.commit()
    assert created
    assert not created_again
    assert repeat.id == inv1.id
    assert (inv1.number, inv2.number, act1.number, theirs.number) == (1, 2, 1, 1)
    async with database.session() as s:
        found = await find_document(s, uid, "invoice", 2)
        assert found is not None
        assert found.id == inv2.id
        await set_esf_status(s, inv1.id, "CREATED", "ESF-000123")
        assert await mark_document_paid(s, inv1.id, dt.datetime(2026, 3, 3, tzinfo=dt.UTC))
        assert not await mark_document_paid(s, inv1.id, dt.datetime(2026, 3, 4, tzinfo=dt.UTC))
        await s.commit()
    async with database.session() as s:
        [first, second] = await documents_of(s, uid, doc_type="invoice")
        assert (first.esf_status, first.esf_registration_number, first.content) == (
            "CREATED",
            "ESF-000123",
            {"items": [1]},
        )
        assert second.number == 2


async def test_rolled_back_issue_leaves_no_gap(database: Database) -> None:
    uid = await _user(database)
    async with database.session() as s:
        await issue_document(s, uid, "waybill", DAY, Decimal(1), {}, "w-1")
        await s.rollback()
    async with database.session() as s:
        doc, _ = await issue_document(s, uid, "waybill", DAY, Decimal(1), {}, "w-2")
        await s.commit()
    assert doc.number == 1


async def test_concurrent_issues_get_distinct_consecutive_numbers(database: Database) -> None:
    uid = await _user(database)

    async def issue(i: int) -> int:
        async with database.session() as s:
            doc, _ = await issue_document(s, uid, "invoice", DAY, Decimal(i + 1), {}, f"k{i % 8}")
            await s.commit()
            return doc.number

    numbers = await asyncio.gather(*(issue(i) for i in range(16)))  # each key requested twice
    assert sorted(set(numbers)) == list(range(1, 9))
