"""The keyword router (the NLU fallback): intents and the entities the income flow needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dialogs.keyword_nlu import KeywordInterpreter, parse_amount_text, parse_date_text

TODAY = dt.date(2026, 12, 1)
nlu = KeywordInterpreter()


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("150 000", "150000"),
        ("200к", "200000"),
        ("1,5 млн", "1500000"),
        ("50 мың", "50000"),
        ("12500.50", "12500.50"),
    ],
)
def test_amounts(text: str, amount: str) -> None:
    found = parse_amount_text(text)
    assert found is not None
    assert found[0] == Decimal(amount)


def test_dates() -> None:
    assert parse_date_text("вчера", TODAY)[0] == dt.date(2026, 11, 30)  # type: ignore[index]
    assert parse_date_text("кеше", TODAY)[0] == dt.date(2026, 11, 30)  # type: ignore[index]
    assert parse_date_text("15.03", TODAY)[0] == dt.date(2026, 3, 15)  # type: ignore[index]
    assert parse_date_text("31.02.2026", TODAY) is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("получил 150 000 от ТОО Альфа", "record_income"),
        ("потратил 5000 на бензин", "record_expense"),
        ("сколько налогов?", "show_taxes"),
        ("салық қанша?", "show_taxes"),
        ("удалить мои данные", "delete_data"),
        ("привет", "greet"),
        ("нет", "deny"),
        ("как закрыть ИП?", "ask_question"),
        ("фиолетовый слон", "out_of_scope"),
    ],
)
def test_intents(text: str, intent: str) -> None:
    assert nlu.parse(text, today=TODAY)["intent"]["name"] == intent


def test_income_entities() -> None:
    parse = nlu.parse("пришло 200к от Альфы вчера", today=TODAY)
    values = {e["entity"]: e["value"] for e in parse["entities"]}
    assert values == {"amount": "200000", "date": "2026-11-30", "counterparty": "Альфы"}
