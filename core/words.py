"""Amounts in words, in Russian and in Kazakh (сумма прописью / сома жазбаша), for documents and payment orders.

The numerals come from num2words (``lang="ru"``, ``lang="kz"``); the currency words are ours, because num2words'
currency mode is wrong for KZT (it reads the integer as tiyn) and has no Kazakh currency forms:

- Russian: «тенге» does not decline; «тиын» does (1 тиын, 2 тиына, 5 тиынов, 11 тиынов).
- Kazakh: a noun after a numeral stays in the singular and does not change — «бір теңге», «екі жүз теңге»,
  «00 тиын»; num2words' Kazakh numerals are the standard written forms (жүз, мың, миллион).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from num2words import num2words

Language = Literal["ru", "kk"]


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
