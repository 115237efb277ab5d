"""Numbers written in words, Russian and Kazakh: "полтора миллиона", "сто пятьдесят тысяч", "елу мың", "бір жарым"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_SMALL: dict[str, Decimal] = {
    **dict.fromkeys(("ноль", "нуль", "нөл"), Decimal(0)),
    **dict.fromkeys(("один", "одна", "одну", "одного", "бір", "бир"), Decimal(1)),
    **dict.fromkeys(("два", "две", "двух", "екі", "еки"), Decimal(2)),
    **dict.fromkeys(("три", "трех", "үш", "уш"), Decimal(3)),
    **dict.fromkeys(("четыре", "четырех", "төрт", "торт"), Decimal(4)),
    **dict.fromkeys(("пять", "пяти", "бес"), Decimal(5)),
    **dict.fromkeys(("шесть", "шести", "алты"), Decimal(6)),
    **dict.fromkeys(("семь", "семи", "жеті", "жети"), Decimal(7)),
    **dict.fromkeys(("восемь", "восьми", "сегіз", "сегиз"), Decimal(8)),
    **dict.fromkeys(("девять", "девяти", "тоғыз", "тогыз"), Decimal(9)),
    **dict.fromkeys(("десять", "десяти", "он"), Decimal(10)),
    "одиннадцать": Decimal(11),
    "двенадцать": Decimal(12),
    "тринадцать": Decimal(13),
    "четырнадцать": Decimal(14),
    "пятнадцать": Decimal(15),
    "шестнадцать": Decimal(16),
    "семнадцать": Decimal(17),
    "восемнадцать": Decimal(18),
    "девятнадцать": Decimal(19),
    **dict.fromkeys(("двадцать", "жиырма"), Decimal(20)),
    **dict.fromkeys(("тридцать", "отыз"), Decimal(30)),
    **dict.fromkeys(("сорок", "қырық", "кырык"), Decimal(40)),
    **dict.fromkeys(("пятьдесят", "елу"), Decimal(50)),
    **dict.fromkeys(("шестьдесят", "алпыс"), Decimal(60)),
    **dict.fromkeys(("семьдесят", "жетпіс"), Decimal(70)),
    **dict.fromkeys(("восемьдесят", "сексен"), Decimal(80)),
    **dict.fromkeys(("девяносто", "тоқсан"), Decimal(90)),
    **dict.fromkeys(("сто", "жүз", "жуз"), Decimal(100)),
    "двести": Decimal(200),
    "триста": Decimal(300),
    "четыреста": Decimal(400),
    "пятьсот": Decimal(500),
    "шестьсот": Decimal(600),
    "семьсот": Decimal(700),
    "восемьсот": Decimal(800),
    "девятьсот": Decimal(900),
    **dict.fromkeys(("полтора", "полторы"), Decimal("1.5")),
}
_HALF = frozenset({"жарым"})
MULTIPLIERS: dict[str, Decimal] = {
    **dict.fromkeys(("тысяча", "тысячи", "тысяч", "тысячу", "тыщ", "тыщи", "тыща", "мың", "мын"), Decimal(1000)),
    **dict.fromkeys(
        ("миллион", "миллиона", "миллионов", "млн", "лям", "ляма", "лямов", "лимон", "лимона", "лимонов", "миллионға"),
        Decimal(10**6),
    ),
    **dict.fromkeys(("миллиард", "миллиарда", "миллиардов", "млрд"), Decimal(10**9)),
    **dict.fromkeys(("полмиллиона", "пол-миллиона", "поллимона", "пол-ляма", "полляма"), Decimal(500_000)),
}
_HALF_MULTIPLIED = frozenset({"полмиллиона", "пол-миллиона", "поллимона", "пол-ляма", "полляма"})
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?", re.UNICODE)


@dataclass(frozen=True, slots=True)
class WordNumber:
    """A run of number words: its value, offsets, and whether it had a multiplier word (тысяч, мың, миллион)."""

    value: Decimal
    start: int
    end: int
    multiplied: bool


def is_number_word(word: str) -> bool:
    return word in _SMALL or word in MULTIPLIERS or word in _HALF or word == "пол"


def word_numbers(low: str) -> list[WordNumber]:
    """Runs of number words in lower-case text, with their values."""
    found: list[WordNumber] = []
    run: list[re.Match[str]] = []
    for match in _WORD.finditer(low):
        gap = low[run[-1].end() : match.start()] if run else ""
        if is_number_word(match.group()) and (not run or gap.strip() == ""):
            run.append(match)
            continue
        _flush(run, found)
        run = [match] if is_number_word(match.group()) else []
    _flush(run, found)
    return found


def _flush(run: list[re.Match[str]], found: list[WordNumber]) -> None:
    if not run:
        return
    value, multiplied = _value([m.group() for m in run])
    if value is not None:
        found.append(WordNumber(value, run[0].start(), run[-1].end(), multiplied))
    run.clear()


def _value(words: list[str]) -> tuple[Decimal | None, bool]:
    """Classic accumulate-and-multiply; "пол" before a multiplier halves it, "жарым" adds a half."""
    total = Decimal(0)
    current = Decimal(0)
    multiplied = False
    half_pending = False
    seen = False
    for word in words:
        if word == "пол":
            half_pending = True
        elif word in _HALF:
            current += Decimal("0.5")
        elif word in MULTIPLIERS:
            factor = MULTIPLIERS[word]
            base = Decimal("0.5") if half_pending else (current or Decimal(1))
            if word in _HALF_MULTIPLIED:
                base, factor = (current or Decimal(1)), factor
            total += base * factor
            current = Decimal(0)
            multiplied = True
            half_pending = False
            seen = True
        elif _SMALL[word] == 100 and 0 < current < 10:
            current *= 100  # Kazakh hundreds: "үш жүз" is 3 × 100 (Russian has "триста")
            seen = True
        else:
            current += _SMALL[word]
            seen = True
    if not seen:
        return None, False
    return total + current, multiplied
