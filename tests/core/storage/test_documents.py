"""Counterparties (БИН check, update not duplicate) and the status fields of issued documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.storage import (
    Database,
    counterparties_of,
    get_or_create_user_for_chat,
    mark_document_paid,
    save_counterparty,
    set_esf_status,
)
from core.storage.models import Document

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


async def _document(db: Database, uid: int) -> int:
    """An issued invoice row (issuing and numbering are tested in tests/core/documents/test_store.py)."""
    async with db.session() as s:
        row = Document(user_id=uid, doc_type="invoice", number=1, issued_on=DAY, total=Decimal(250000),
                       content={"items": [1]}, idempotency_key="inv-1")  # fmt: skip
        s.add(row)
        await s.commit()
        return row.id


async def test_esf_status_and_paid_are_recorded_once_and_content_stays(database: Database) -> None:
    uid = await _user(database)
    doc_id = await _document(database, uid)
    async with database.session() as s:
        await set_esf_status(s, doc_id, "CREATED", "ESF-000123")
        assert await mark_document_paid(s, doc_id, dt.datetime(2026, 3, 3, tzinfo=dt.UTC))
        assert not await mark_document_paid(s, doc_id, dt.datetime(2026, 3, 4, tzinfo=dt.UTC))
        await s.commit()
    async with database.session() as s:
        row = await s.get(Document, doc_id)
        assert row is not None
        assert (row.esf_status, row.esf_registration_number, row.content) == ("CREATED", "ESF-000123", {"items": [1]})
