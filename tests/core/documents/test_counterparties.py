"""Counterparties: remembered from documents (no duplicates), found by fuzzy name or БИН; the seller from a profile."""

from __future__ import annotations

import pytest

from core.counterparties import best_match, find_counterparties, normalise_name, remember, seller_from_profile
from core.documents import DocumentInputError, Party, from_mapping, issue
from core.storage import Database, counterparties_of, get_or_create_user_for_chat, get_profile, update_profile
from tests.core.documents.samples import document_data

ALFA_BIN = "240140000120"


async def _user(db: Database, chat: str = "1") -> int:
    async with db.session() as s:
        user, _, _ = await get_or_create_user_for_chat(s, "telegram", chat)
        await s.commit()
        return user.id


def test_normalise_name() -> None:
    assert normalise_name("ТОО «Альфа»") == "альфа"
    assert normalise_name('ТОО "Альфа-Строй"') == "альфа строй"
    assert normalise_name("ИП Иванов И.И.") == "иванов и и"
    assert normalise_name("Алёна LLP") == "алена"


async def test_remembered_from_documents_once(database: Database) -> None:
    uid = await _user(database)
    async with database.transaction() as s:
        draft = from_mapping(document_data(number=None), kind="invoice", need_number=False)
        first = await issue(s, uid, draft, "a")
        buyer = {"name": "ТОО «Альфа»", "bin_iin": ALFA_BIN, "iban": "KZ86125KZT5004100100", "vat_payer": True}
        second = await issue(s, uid, from_mapping(document_data(number=None, buyer=buyer), kind="act",
                                                  need_number=False), "b")  # fmt: skip
        third = await issue(s, uid, draft, "c")  # a later document without IBAN/VAT status keeps them
    assert first.counterparty_id == second.counterparty_id == third.counterparty_id
    async with database.session() as s:
        [alfa] = await counterparties_of(s, uid)
    assert (alfa.name, alfa.bin_iin, alfa.iban, alfa.vat_payer) == (
        "ТОО «Альфа»",
        ALFA_BIN,
        "KZ86125KZT5004100100",
        True,
    )
    assert alfa.address == "г. Астана, пр. Мәңгілік Ел 8"


async def test_fuzzy_lookup(database: Database) -> None:
    uid, other = await _user(database, "a"), await _user(database, "b")
    async with database.transaction() as s:
        await remember(s, uid, Party("ТОО «Альфа»", bin_iin=ALFA_BIN))
        await remember(s, uid, Party('ТОО "Бета Сервис"', bin_iin="900101300007"))
        await remember(s, uid, Party("ИП Гамма"))
        await remember(s, uid, Party("ИП  Гамма", address="Шымкент"))  # same name, no БИН: the same row
        await remember(s, other, Party("ТОО «Альфа Плюс»"))
    async with database.session() as s:
        assert len(await counterparties_of(s, uid)) == 3
        best = await best_match(s, uid, "Альфа")
        assert best is not None
        assert best.party.name == "ТОО «Альфа»"
        assert best.party.bin_iin == ALFA_BIN
        typo = await best_match(s, uid, "альфу")
        assert typo is not None
        assert typo.counterparty.bin_iin == ALFA_BIN
        assert [m.counterparty.name for m in await find_counterparties(s, uid, "бета")] == ['ТОО "Бета Сервис"']
        latin = await best_match(s, uid, "Alfa")
        assert latin is not None
        assert latin.counterparty.bin_iin == ALFA_BIN
        by_bin = await find_counterparties(s, uid, "900101300007")
        assert [m.counterparty.name for m in by_bin] == ['ТОО "Бета Сервис"']
        gamma = await best_match(s, uid, "гамма")
        assert gamma is not None
        assert gamma.party.address == "Шымкент"
        assert await find_counterparties(s, uid, "Зета") == []
        assert await find_counterparties(s, uid, "«»") == []
        assert await best_match(s, other, "альфа плюс") is not None
        assert all(m.counterparty.user_id == uid for m in await find_counterparties(s, uid, "альфа"))


async def test_ambiguous_name_asks(database: Database) -> None:
    uid = await _user(database)
    async with database.transaction() as s:
        await remember(s, uid, Party("ТОО «Альфа Строй»"))
        await remember(s, uid, Party("ТОО «Альфа Трейд»"))
    async with database.session() as s:
        assert len(await find_counterparties(s, uid, "Альфа")) == 2
        assert await best_match(s, uid, "Альфа") is None
        chosen = await best_match(s, uid, "альфа трейд")
        assert chosen is not None
        assert chosen.counterparty.name == "ТОО «Альфа Трейд»"


async def test_bad_requisites_refused(database: Database) -> None:
    uid = await _user(database)
    async with database.session() as s:
        with pytest.raises(DocumentInputError, match="БИН/ИИН"):
            await remember(s, uid, Party("ТОО X", bin_iin="240140000121"))
        with pytest.raises(DocumentInputError, match="IBAN"):
            await remember(s, uid, Party("ТОО X", iban="KZ00125KZT5004100100"))


async def test_seller_from_profile(database: Database) -> None:
    uid = await _user(database)
    async with database.transaction() as s:
        with pytest.raises(DocumentInputError, match="profile"):
            seller_from_profile(await get_profile(s, uid))
        await update_profile(s, uid, iin="900101300007", full_name="Әлиев Қанат")
        seller = seller_from_profile(await get_profile(s, uid), iban="kz86 125k zt50 0410 0100", bic="kcjbkzkx")
    assert (seller.name, seller.bin_iin, seller.iban, seller.bic, seller.kbe, seller.signatory) == (
        "ИП Әлиев Қанат", "900101300007", "KZ86125KZT5004100100", "KCJBKZKX", "19", "Әлиев Қанат",
    )  # fmt: skip
