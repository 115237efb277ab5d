"""Numbers, amounts and dates in words, in Russian and in Kazakh (сумма прописью / сома жазбаша).

Numbers and amounts come from ``core.words`` (shared with payment orders); dates and money formats live here.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from core.words import Language, amount_in_words, capitalised, number_in_words

__all__ = [
    "LANGUAGES",
    "Language",
    "amount_in_words",
    "capitalised",
    "date_in_words",
    "format_money",
    "format_quantity",
    "number_in_words",
]

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
