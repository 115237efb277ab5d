"""Issuing: per-user, per-type, per-year numbers without gaps or duplicates under concurrency (SQLite and PostgreSQL),
idempotent repeats, immutability and corrections, acts made from invoices, the audit log."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.documents import (
    Document,
    DocumentConflictError,
    DocumentInputError,
    corrections_of,
    find_issued,
    from_mapping,
    get_issued,
    issue,
    issue_act_for_invoice,
    issue_correction,
    list_issued,
)
from core.documents.store import split_storage_number, storage_number
from core.storage import Database, audit_of, get_or_create_user_for_chat
from core.storage.models import Document as DocumentRow
from tests.core.documents.samples import document_data, vat_payer


async def _user(db: Database, chat: str = "1") -> int:
    async with db.session() as s:
        user, _, _ = await get_or_create_user_for_chat(s, "telegram", chat)
        await s.commit()
        return user.id


def _draft(kind: str = "invoice", **overrides: object) -> Document:
    return from_mapping(document_data(number=None, **overrides), kind=kind, need_number=False)  # type: ignore[arg-type]


def test_storage_number_round_trip() -> None:
    assert storage_number(2026, 12) == 202600012
    assert split_storage_number(202600012) == (2026, 12)
    with pytest.raises(ValueError, match="out of range"):
        storage_number(2026, 100_000)


async def test_numbers_per_user_type_and_year(database: Database) -> None:
    uid, other = await _user(database, "a"), await _user(database, "b")
    async with database.transaction() as s:
        inv1 = await issue(s, uid, _draft(), "k1")
        inv2 = await issue(s, uid, _draft(), "k2")
        act1 = await issue(s, uid, _draft("act"), "k3")
        next_year = await issue(s, uid, _draft(date="2027-01-05"), "k4")
        theirs = await issue(s, other, _draft(), "k1")
    assert [(d.kind, d.year, d.number) for d in (inv1, inv2, act1, next_year, theirs)] == [
        ("invoice", 2026, 1), ("invoice", 2026, 2), ("act", 2026, 1), ("invoice", 2027, 1), ("invoice", 2026, 1),
    ]  # fmt: skip
    assert inv2.document.number == "2"
    async with database.session() as s:
        found = await find_issued(s, uid, "invoice", 1, 2027)
        assert found is not None
        assert found.id == next_year.id
        assert await find_issued(s, uid, "invoice", 3, 2026) is None
        assert await get_issued(s, other, inv1.id) is None  # another user's document is not theirs to see


async def test_rolled_back_issue_leaves_no_gap(database: Database) -> None:
    uid = await _user(database)
    async with database.session() as s:
        await issue(s, uid, _draft(), "lost")
        await s.rollback()
    async with database.transaction() as s:
        kept = await issue(s, uid, _draft(), "kept")
    assert kept.number == 1


@pytest.mark.parametrize("kind", ["invoice", "act", "waybill"])
async def test_concurrent_issues_get_consecutive_numbers(database: Database, kind: str) -> None:
    uid = await _user(database)

    async def one(i: int) -> int:
        async with database.transaction() as s:
            return (await issue(s, uid, _draft(kind), f"{kind}-{i}")).number

    numbers = await asyncio.gather(*(one(i) for i in range(12)))
    assert sorted(numbers) == list(range(1, 13))
    repeats = await asyncio.gather(*(one(i) for i in range(4)))  # redelivered requests: no new numbers
    assert sorted(repeats) == sorted(numbers[:4])
    async with database.session() as s:
        assert len(await list_issued(s, uid, kind=kind)) == 12  # type: ignore[arg-type]


async def test_concurrent_same_key_issues_once(database: Database) -> None:
    uid = await _user(database)

    async def one() -> tuple[int, bool]:
        async with database.transaction() as s:
            issued = await issue(s, uid, _draft(), "double-tap")
            return issued.id, issued.created

    results = await asyncio.gather(*(one() for _ in range(5)))
    assert len({doc_id for doc_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    async with database.transaction() as s:
        assert (await issue(s, uid, _draft(), "next")).number == 2


async def test_issued_document_is_immutable_and_corrected_by_a_new_one(database: Database) -> None:
    uid = await _user(database)
    async with database.transaction() as s:
        original = await issue(s, uid, _draft(), "orig")
    changed = replace(_draft(), contract="№ 6 от 01.03.2026")
    async with database.transaction() as s:
        with pytest.raises(DocumentConflictError, match="different document"):
            await issue(s, uid, changed, "orig")  # the key of an issued document cannot rewrite it
        same = await issue(s, uid, _draft(), "orig")
        assert not same.created
        assert same.document == original.document
        fixed = await issue_correction(s, uid, original.id, changed, "fix-1")
        with pytest.raises(DocumentConflictError, match="same type"):
            await issue_correction(s, uid, original.id, _draft("act"), "fix-2")
    assert (fixed.number, fixed.corrects_id, fixed.document.contract) == (2, original.id, "№ 6 от 01.03.2026")
    assert fixed.document.corrects is not None
    assert (fixed.document.corrects.number, fixed.document.corrects.date) == ("1", dt.date(2026, 12, 1))
    async with database.session() as s:
        again = await get_issued(s, uid, original.id)
        assert again is not None
        assert again.document == original.document  # untouched
        assert [c.id for c in await corrections_of(s, uid, original.id)] == [fixed.id]


async def test_act_from_invoice_has_its_lines_and_reference(database: Database) -> None:
    uid = await _user(database)
    async with database.transaction() as s:
        invoice = await issue(s, uid, from_mapping(vat_payer(document_data(number=None)), kind="invoice",
                                                   need_number=False), "inv")  # fmt: skip
        act = await issue_act_for_invoice(s, uid, invoice.id, dt.date(2026, 12, 10), "act-for-inv")
        with pytest.raises(DocumentConflictError, match="made from an invoice"):
            await issue_act_for_invoice(s, uid, act.id, dt.date(2026, 12, 10), "act-for-act")
    assert (act.kind, act.number, act.source_document_id) == ("act", 1, invoice.id)
    assert act.document.items == invoice.document.items
    assert (act.total, act.vat, invoice.total) == (Decimal(294352), Decimal(40600), Decimal(294352))
    assert act.document.source is not None
    assert act.document.source.number == "1"
    assert act.counterparty_id == invoice.counterparty_id is not None


async def test_issue_is_audited_without_personal_data(database: Database) -> None:
    uid = await _user(database)
    async with database.transaction() as s:
        doc = await issue(s, uid, _draft(), "audited")
        await issue(s, uid, _draft(), "audited")  # a repeat is not a second issue
    async with database.session() as s:
        entries = [e for e in await audit_of(s, uid) if e.action == "document.issued"]
        row = (await s.scalars(select(DocumentRow).where(DocumentRow.id == doc.id))).one()
    assert len(entries) == 1
    assert entries[0].subject == f"document:{doc.id}"
    assert entries[0].details["total"] == "253752"
    assert row.number == 202600001
    assert row.total == Decimal(253752)


async def test_list_filters(database: Database) -> None:
    uid = await _user(database)
    async with database.transaction() as s:
        a = await issue(s, uid, _draft(date="2026-11-03"), "a")
        b = await issue(s, uid, _draft("act", date="2026-12-03"), "b")
        other_buyer = {"name": "ИП Бета", "bin_iin": "900101300007"}
        c = await issue(s, uid, _draft(buyer=other_buyer), "c")
    async with database.session() as s:
        assert [d.id for d in await list_issued(s, uid)] == [a.id, c.id, b.id]
        assert [d.id for d in await list_issued(s, uid, kind="invoice")] == [a.id, c.id]
        assert [d.id for d in await list_issued(s, uid, start=dt.date(2026, 12, 1))] == [c.id, b.id]
        assert [d.id for d in await list_issued(s, uid, counterparty_id=c.counterparty_id)] == [c.id]


async def test_references_must_be_the_users_own(database: Database) -> None:
    uid, other = await _user(database, "a"), await _user(database, "b")
    async with database.transaction() as s:
        theirs = await issue(s, other, _draft(), "t")
        with pytest.raises(DocumentConflictError, match="not one of the user's"):
            await issue(s, uid, replace(_draft("act"), source=theirs.reference()), "steal")
        with pytest.raises(DocumentConflictError, match="no such document"):
            await issue_correction(s, uid, theirs.id, _draft(), "fix")
        with pytest.raises(DocumentConflictError, match="no such invoice"):
            await issue_act_for_invoice(s, uid, theirs.id, dt.date(2026, 12, 2), "act")


async def test_a_directly_built_bad_document_is_refused(database: Database) -> None:
    uid = await _user(database)
    bad = replace(_draft(), buyer=replace(_draft().buyer, bin_iin="240140000121"))
    async with database.transaction() as s:
        with pytest.raises(DocumentInputError, match=r"buyer\.bin_iin"):
            await issue(s, uid, bad, "bad")
        assert await list_issued(s, uid) == []
