"""Reading a document request from free text (``dialogs.flows.document_input``)."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

import pytest

from core.documents import DocumentInputError
from dialogs.flows.document_input import (
    Line,
    buyer_hint,
    clean_buyer,
    description_from,
    invoice_number,
    nominative,
    parse_bank,
    parse_line,
    period_range,
    wants_act,
    wants_list,
)
from dialogs.services import default_interpreter
from nlu.types import ParseResult

TODAY = dt.date(2026, 12, 1)


@functools.cache
def parse(text: str) -> ParseResult:
    """The product's NLU (the entities the flow reads its request around)."""
    return default_interpreter().parse(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("выстави счёт ТОО Альфа на 250 000 за разработку сайта", "Разработка сайта"),
        ("счёт ИП Петров за консультацию", "Консультация"),
        ("счёт ТОО Альфа за ремонт офиса", "Ремонт офиса"),
        ("ЖШС Альфаға сайт әзірлеу үшін 250 000 теңгеге шот жаз", "Сайт әзірлеу"),
        ("счета Альфа за ноябрь", None),
        ("выстави счёт ТОО Альфа за ремонт офиса на 50 000", "Ремонт офиса"),
        ("выстави счёт ТОО Альфа на 90 000 за услуги за ноябрь", "Услуги за ноябрь"),
        ("выстави счёт ТОО Альфа на 250 000", None),
    ],
)
def test_description(text: str, expected: str | None) -> None:
    assert description_from(text, parse(text)) == expected


def test_nominative_turns_the_first_word_back() -> None:
    assert nominative("поставку товара") == "Поставка товара"
    assert nominative("консультацию") == "Консультация"
    assert nominative("монтаж") == "Монтаж"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("10 шт по 5 000", Line(Decimal(10), "шт", Decimal(5000))),
        ("2,5 кг по 1 200", Line(Decimal("2.5"), "кг", Decimal(1200))),
        ("3 × 10000", Line(Decimal(3), None, Decimal(10000))),
        ("10 дана × 5 000", Line(Decimal(10), "дана", Decimal(5000))),
        ("250 000", None),
        ("abc", None),
    ],
)
def test_line(text: str, line: Line | None) -> None:
    assert parse_line(text) == line


def test_buyer_names() -> None:
    assert clean_buyer("ТОО Альфа", "ru") == "ТОО «Альфа»"
    assert clean_buyer("ЖШС Альфаға", "kk") == "ЖШС «Альфа»"
    assert clean_buyer("ЖШС Бета", "kk") == "ЖШС «Бета»"
    assert clean_buyer("ИП Петров", "ru") == "ИП Петров"
    assert clean_buyer("ТОО «Гамма»", "ru") == "ТОО «Гамма»"
    text = "выстави счёт Альфа на 100 000 за консультацию"
    assert buyer_hint(text, parse(text)) == "Альфа"


def test_numbers_lists_and_acts() -> None:
    assert invoice_number("акт по счёту №3") == 3
    assert invoice_number("акт по счёту номер 12") == 12
    assert invoice_number("№1 шот бойынша акт") == 1
    assert invoice_number("акт") is None
    assert wants_list("мои документы")
    assert wants_list("счета Альфа за ноябрь")
    assert wants_list("менің құжаттарым")
    assert not wants_list("выстави счёт ТОО Альфа на 250 000")
    assert wants_act("акт по счёту №3", None)
    assert not wants_act("выстави счёт", None)


def test_periods() -> None:
    assert period_range("2026-11") == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert period_range("2026-12") == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert period_range("2026-H1") == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert period_range("2026-Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert period_range("2026") == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert period_range("2026-13") is None
    assert period_range(None) is None


def test_bank_account() -> None:
    assert parse_bank("KZ86 125K ZT50 0410 0100", TODAY) == ("KZ86125KZT5004100100", "NBRKKZKX")  # bank code 125
    assert parse_bank("kz86125kzt5004100100 nbrkkzkx", TODAY) == ("KZ86125KZT5004100100", "NBRKKZKX")
    halyk = "KZ" + "00" + "601" + "0000000000000"  # Halyk's bank code 601 → its BIC from the dated parameter
    from stdnum import iban

    valid = halyk[:2] + iban.calc_check_digits(halyk) + halyk[4:]
    assert parse_bank(valid, TODAY) == (valid, "HSBKKZKX")
    for bad in ("KZ00 0000 0000 0000 0000", "12345", "KZ86125", valid + " CASPKZKA", "KZ86125KZT5004100100 KCJBKZKX"):
        with pytest.raises(DocumentInputError):
            parse_bank(bad, TODAY)
