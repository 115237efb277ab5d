"""Amounts in words in Russian and Kazakh (currency words declined correctly), dates and money formatting."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.documents.words import amount_in_words, date_in_words, format_money, format_quantity, number_in_words


@pytest.mark.parametrize(
    ("amount", "ru", "kk"),
    [
        ("0", "Ноль тенге 00 тиынов", "Нөл теңге 00 тиын"),
        ("1", "Один тенге 00 тиынов", "Бір теңге 00 тиын"),
        ("250000", "Двести пятьдесят тысяч тенге 00 тиынов", "Екі жүз елу мың теңге 00 тиын"),
        ("1001.01", "Одна тысяча один тенге 01 тиын", "Бір мың бір теңге 01 тиын"),
        ("21000.02", "Двадцать одна тысяча тенге 02 тиына", "Жиырма бір мың теңге 02 тиын"),
        ("5.11", "Пять тенге 11 тиынов", "Бес теңге 11 тиын"),
        ("1100000.25", "Один миллион сто тысяч тенге 25 тиынов", "Бір миллион жүз мың теңге 25 тиын"),
        ("12.345", "Двенадцать тенге 35 тиынов", "Он екі теңге 35 тиын"),  # tiyn rounded half-up
    ],
)
def test_amount_in_words(amount: str, ru: str, kk: str) -> None:
    assert amount_in_words(Decimal(amount), "ru") == ru
    assert amount_in_words(Decimal(amount), "kk") == kk


@given(st.integers(min_value=0, max_value=999_999_999))
def test_kazakh_currency_word_never_changes(value: int) -> None:
    text = amount_in_words(Decimal(value), "kk")
    assert text.endswith(" теңге 00 тиын")
    assert text[0].isupper()
    assert "тенге" not in text  # the Russian spelling never leaks into Kazakh


def test_negative_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        amount_in_words(Decimal(-1), "ru")
    with pytest.raises(ValueError, match="non-negative"):
        number_in_words(-1, "kk")


def test_dates_and_numbers() -> None:
    assert date_in_words(dt.date(2026, 12, 1), "ru") == "1 декабря 2026 г."
    assert date_in_words(dt.date(2026, 3, 8), "kk") == "2026 жылғы 8 наурыз"
    assert format_money(Decimal("250000")) == "250 000"
    assert format_money(Decimal("1250.5")) == "1 250,50"
    assert format_quantity(Decimal("1.500")) == "1,5"
    assert format_quantity(Decimal("3")) == "3"


def test_kazakh_attributive_dates() -> None:
    assert date_in_words(dt.date(2026, 12, 1), "kk", attributive=True) == "2026 жылғы 1 желтоқсандағы"
    assert date_in_words(dt.date(2026, 9, 5), "kk", attributive=True) == "2026 жылғы 5 қыркүйектегі"
    assert date_in_words(dt.date(2026, 7, 8), "kk", attributive=True) == "2026 жылғы 8 шілдедегі"
    assert date_in_words(dt.date(2026, 4, 2), "kk", attributive=True) == "2026 жылғы 2 сәуірдегі"
    assert date_in_words(dt.date(2026, 4, 2), "ru", attributive=True) == "2 апреля 2026 г."
