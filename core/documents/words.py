"""Amounts, numbers and dates in words, in Russian and in Kazakh (сумма прописью / сома жазбаша).

The numerals come from num2words (``lang="ru"``, ``lang="kz"``); the currency words are ours, because num2words'
currency mode is wrong for KZT (it reads the integer as tiyn) and has no Kazakh currency forms:

- Russian: «тенге» does not decline; «тиын» does (1 тиын, 2 тиына, 5 тиынов, 11 тиынов).
- Kazakh: a noun after a numeral stays in the singular and does not change — «бір теңге», «екі жүз теңге»,
  «00 тиын»; num2words' Kazakh numerals are the standard written forms (жүз, мың, миллион).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from num2words import num2words

Language = Literal["ru", "kk"]
LANGUAGES: tuple[Language, ...] = ("ru", "kk")

_MONTHS_RU = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
_MONTHS_KK = (
    "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым",
    "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан",
)  # fmt: skip

_MONTHS_KK_ATTRIBUTIVE = (
    "қаңтардағы", "ақпандағы", "наурыздағы", "сәуірдегі", "мамырдағы", "маусымдағы",
    "шілдедегі", "тамыздағы", "қыркүйектегі", "қазандағы", "қарашадағы", "желтоқсандағы",
)  # fmt: skip


def number_in_words(value: int, language: Language) -> str:
    """A non-negative whole number in words, lower-case."""
    if value < 0:
        raise ValueError("a non-negative number is required")
    return str(num2words(value, lang="kz" if language == "kk" else "ru"))


def _tiyn_ru(tiyn: int) -> str:
    if tiyn % 100 in range(11, 15):
        return "тиынов"
    return {1: "тиын", 2: "тиына", 3: "тиына", 4: "тиына"}.get(tiyn % 10, "тиынов")


def amount_in_words(amount: Decimal, language: Language) -> str:
    """«Двести пятьдесят тысяч тенге 00 тиынов» / «Екі жүз елу мың теңге 00 тиын» (first letter capital)."""
    if amount < 0:
        raise ValueError("a non-negative amount is required")
    cents = int(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
    tenge, tiyn = divmod(cents, 100)
    words = number_in_words(tenge, language)
    text = f"{words} теңге {tiyn:02d} тиын" if language == "kk" else f"{words} тенге {tiyn:02d} {_tiyn_ru(tiyn)}"
    return capitalised(text)


def capitalised(text: str) -> str:
    """The first letter upper-case, the rest unchanged («пять» → «Пять»)."""
    return text[:1].upper() + text[1:]


def date_in_words(day: dt.date, language: Language, *, attributive: bool = False) -> str:
    """«1 декабря 2026 г.» / «2026 жылғы 1 желтоқсан».

    ``attributive``: the Kazakh form before a noun, with the locative-attributive suffix chosen by vowel harmony
    and the last sound — «2026 жылғы 1 желтоқсандағы № 12 шот», «… 5 қыркүйектегі …», «… 8 шілдедегі …».
    Russian has one form («счёт № 12 от 1 декабря 2026 г.»).
    """
    if language == "kk":
        month = (_MONTHS_KK_ATTRIBUTIVE if attributive else _MONTHS_KK)[day.month - 1]
        return f"{day.year} жылғы {day.day} {month}"
    return f"{day.day} {_MONTHS_RU[day.month - 1]} {day.year} г."


def format_money(amount: Decimal) -> str:
    """«250 000» for whole tenge, «1 250,50» with tiyn (a plain space between thousands)."""
    quantized = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, _, frac = f"{quantized:,.2f}".replace(",", " ").partition(".")
    return whole if frac == "00" else f"{whole},{frac}"


def format_quantity(quantity: Decimal) -> str:
    """«3», «1,5», «0,125» — no trailing zeros."""
    text = f"{quantity.normalize():f}"
    return text.replace(".", ",")
