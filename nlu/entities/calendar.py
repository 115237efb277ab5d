"""``date`` ("YYYY-MM-DD") and ``period`` ("YYYY-MM", "YYYY-Qn", "YYYY-Hn", "YYYY"), resolved against ``today``.

Resolution rules (docs/nlu.md, "contested choices"):
- a day without a year ("12.11", "5 ноября") takes the year that puts it closest to ``today``;
- a month, quarter or half-year without a year is the latest one that has started by ``today`` (accounting talk is
  about the past: "за октябрь" on 2026-03-10 is 2025-10);
- "прошлый/өткен" is the previous one, "этот/текущий/осы" the current one, "следующий/келесі" the next one.
Month names are matched exactly from ``lexicons/months.yml`` and, for typos, fuzzily (rapidfuzz ratio ≥ 85,
six letters or more, same first letter).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from nlu.entities.base import Span

EXTRACTOR = "RegexCalendarExtractor"
_LEXICON = Path(__file__).resolve().parent.parent / "lexicons" / "months.yml"
_FUZZY_CUTOFF = 85.0
_FUZZY_MIN_LENGTH = 6
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=1)
def month_forms() -> dict[str, int]:
    """Every known month spelling → month number."""
    raw = yaml.safe_load(_LEXICON.read_text(encoding="utf-8"))
    return {str(form): int(month) for month, forms in raw.items() for form in forms}


@lru_cache(maxsize=1)
def _fuzzy_choices() -> list[str]:
    return [form for form in month_forms() if len(form) >= _FUZZY_MIN_LENGTH - 1]


@lru_cache(maxsize=8192)
def month_of(word: str) -> int | None:
    """The month a word names, exactly or with a typo ("октбярь", "сентябр"); ``None`` otherwise."""
    forms = month_forms()
    if word in forms:
        return forms[word]
    if len(word) < _FUZZY_MIN_LENGTH or len(word) > 14:
        return None
    best = process.extractOne(word, _fuzzy_choices(), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
    # Typos rarely hit the first letter; requiring it keeps "декларация" and the like away from month names.
    return forms[best[0]] if best and best[0][0] == word[0] else None


# --- regular expressions -------------------------------------------------------------------------------------------
_ORD_RU = {"перв": 1, "втор": 2, "трет": 3, "четверт": 4, "четвёрт": 4}
_ORD_KK = {"бірінші": 1, "екінші": 2, "үшінші": 3, "төртінші": 4, "бiрiншi": 1}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_ORDINAL = (
    r"(?P<n>[1-4])(?:\s?-?\s?(?:й|ый|ой|ом|ое|е|м|го|ші|шы|інші|нші|інші))?"
    r"|(?P<roman>iv|i{1,3})"
    r"|(?P<ru>перв|втор|трет|четв[её]рт)[а-я]*"
    r"|(?P<kk>бірінші|екінші|үшінші|төртінші)"
)
_YEAR_WORD = r"(?:г\.?|гг\.?|год[а-я]*|жыл[а-яәіңғүұқөһ]*|ж\.)(?![\w])"
_YEAR_TAIL = rf"(?:\s*(?P<year>20\d\d|19\d\d)(?:\s*{_YEAR_WORD})?)?"
_YEAR_HEAD = rf"(?:(?P<year0>20\d\d)\s*(?:{_YEAR_WORD}\s*)?)?"
_QUARTER = re.compile(
    rf"(?<![\w]){_YEAR_HEAD}(?:{_ORDINAL})\s*(?:квартал[а-я]*|кв\.?|тоқсан[а-яәіңғүұқөһ]*|токсан[а-я]*)(?![\w]){_YEAR_TAIL}"
    r"|(?<![\w])q(?P<q>[1-4])(?:\s*(?P<qyear>20\d\d))?(?![\w])",
)
_HALF = re.compile(
    rf"(?<![\w]){_YEAR_HEAD}(?:{_ORDINAL})\s*-?\s*(?:полугод[а-я]*|пол\s?года|жартыжылдық[а-яәіңғүұқөһ]*|"
    rf"жарты\s?жылдық[а-яәіңғүұқөһ]*|жартыжылдык[а-я]*|ж/ж)(?![\w]){_YEAR_TAIL}"
)
_RELATIVE = re.compile(
    r"(?<![\w])(?P<rel>позапрошл[а-я]*|прошл[а-я]*|предыдущ[а-я]*|последн[а-я]*|эт[а-я]{1,3}|текущ[а-я]*|нынешн[а-я]*"
    r"|следующ[а-я]*|будущ[а-я]*|өткен|осы|келесі|алдыңғы|былтырғы|ағымдағы|биылғы)\s+"
    r"(?P<unit>месяц[а-я]*|мес\.?|квартал[а-я]*|полугод[а-я]*|год[а-я]*|ай[а-яәіңғүұқөһ]*|тоқсан[а-яәіңғүұқөһ]*"
    r"|жартыжылдық[а-яәіңғүұқөһ]*|жыл[а-яәіңғүұқөһ]*)(?![\w])"
)
_REL_YEAR_AFTER = re.compile(
    r"\s+(?P<rel>позапрошл[а-я]*|прошл[а-я]*|предыдущ[а-я]*|эт[а-я]{1,3}|текущ[а-я]*|следующ[а-я]*)\s+год[а-я]*(?![\w])"
)
_REL_YEAR_BEFORE = re.compile(r"(?P<rel>өткен|осы|келесі|былтырғы|биылғы)\s+(?:жыл[а-яәіңғүұқөһ]*\s+)?$")
_BARE_YEAR_WORDS = re.compile(r"(?<![\w])(?P<w>былтыр|биыл|былтырғы|биылғы)(?![\w])")
_YEAR = re.compile(rf"(?<![\w.,])(?P<year>20\d\d|19\d\d)\s*-?\s*{_YEAR_WORD}")
_YEAR_AFTER_PREPOSITION = re.compile(
    r"(?<![\w])(?:за|в|на|с|по)\s(?P<year>20[1-3]\d)(?![\w.,]|\s?(?:тг|тенге|теңге|₸|к\b|т\b|тыс|млн|мың))"
)
_NUMERIC_DATE = re.compile(
    r"(?<![\w.,])(?P<d>[0-3]?\d)[./](?P<m>[01]?\d)(?:[./](?P<y>\d{4}|\d{2}))?(?![\d])"
    r"(?!\s?(?:к|k|т|тыс|млн|млрд|мың|тг|тенге|теңге|₸)(?![^\W\d_]))(?![.,]\d)"
    r"(?!\s?(?:тысяч|миллион|миллиард|лимон|лям)[а-я]*)"
)
_ISO_DATE = re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)")
_DAY_MONTH = re.compile(
    r"(?<![\w.,])(?P<d>[0-3]?\d)(?:\s?-?\s?(?:го|е|ое|ші|шы|і|ы|сі|сы|інші|нші))?\s*(?P<mw>[^\W\d_]{3,14})"
    r"(?:\s*(?P<y>20\d\d)(?:\s*(?:г\.?|года|году|жыл[а-яәіңғүұқөһ]*))?)?"
)
_RELATIVE_DAYS = {
    "сегодня": 0,
    "бүгін": 0,
    "бугин": 0,
    "вчера": -1,
    "вчерашн": -1,
    "кеше": -1,
    "позавчера": -2,
    "алдыңғы күні": -2,
    "завтра": 1,
    "ертең": 1,
    "ертен": 1,
    "послезавтра": 2,
    "бүрсігүні": 2,
}
_RELATIVE_DAY = re.compile(
    r"(?<![\w])(?P<w>" + "|".join(sorted(map(re.escape, _RELATIVE_DAYS), key=len, reverse=True)) + r")[а-я]*(?![\w])"
)


# --- resolution ------------------------------------------------------------------------------------------------------
def _closest_year(month: int, day: int, today: dt.date) -> dt.date | None:
    best: dt.date | None = None
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((candidate - today).days) < abs((best - today).days):
            best = candidate
    return best


def _year(raw: str | None) -> int | None:
    if raw is None:
        return None
    number = int(raw)
    return number + 2000 if number < 100 else number


def _ordinal(match: re.Match[str]) -> int | None:
    if match.group("n"):
        return int(match.group("n"))
    if match.group("roman"):
        return _ROMAN[match.group("roman")]
    if match.group("ru"):
        stem = match.group("ru").replace("ё", "е")
        return _ORD_RU.get(stem)
    if match.group("kk"):
        return _ORD_KK.get(match.group("kk"))
    return None


def _month_period(month: int, year: int | None, today: dt.date) -> str:
    if year is None:
        year = today.year if month <= today.month else today.year - 1
    return f"{year:04d}-{month:02d}"


def _part_period(kind: str, index: int, size: int, year: int | None, today: dt.date) -> str:
    current = (today.month - 1) // size + 1
    if year is None:
        year = today.year if index <= current else today.year - 1
    return f"{year:04d}-{kind}{index}"


def _shift(unit: str, step: int, today: dt.date) -> str:
    if unit.startswith(("мес", "ай")):
        index = today.year * 12 + today.month - 1 + step
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    if unit.startswith(("квартал", "тоқсан")):
        index = today.year * 4 + (today.month - 1) // 3 + step
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    if unit.startswith(("полугод", "жарты")):
        index = today.year * 2 + (today.month - 1) // 6 + step
        return f"{index // 2:04d}-H{index % 2 + 1}"
    return f"{today.year + step:04d}"


def _step(rel: str) -> int:
    if rel.startswith("позапрошл"):
        return -2
    if rel.startswith(("прошл", "предыдущ", "последн", "өткен", "алдыңғы", "былтыр")):
        return -1
    if rel.startswith(("следующ", "будущ", "келесі")):
        return 1
    return 0


# --- extraction ------------------------------------------------------------------------------------------------------
def extract(low: str, today: dt.date) -> list[Span]:
    """Date and period spans in lower-case text."""
    spans: list[Span] = []
    spans.extend(_dates(low, today))
    spans.extend(_periods(low, today))
    return spans


def _dates(low: str, today: dt.date) -> list[Span]:
    spans: list[Span] = []
    for match in _ISO_DATE.finditer(low):
        _add_date(spans, match, _safe_date(int(match["y"]), int(match["m"]), int(match["d"])))
    for match in _NUMERIC_DATE.finditer(low):
        day, month, year = int(match["d"]), int(match["m"]), _year(match["y"])
        found = _safe_date(year, month, day) if year else _closest_or_none(month, day, today)
        _add_date(spans, match, found)
    for match in _DAY_MONTH.finditer(low):
        named = month_of(match["mw"])
        if named is None:
            continue
        day, year = int(match["d"]), _year(match["y"])
        found = _safe_date(year, named, day) if year else _closest_or_none(named, day, today)
        _add_date(spans, match, found)
    for match in _RELATIVE_DAY.finditer(low):
        offset = _RELATIVE_DAYS[match["w"]]
        _add_date(spans, match, today + dt.timedelta(days=offset))
    return spans


def _closest_or_none(month: int, day: int, today: dt.date) -> dt.date | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return _closest_year(month, day, today)


def _safe_date(year: int | None, month: int, day: int) -> dt.date | None:
    if year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _add_date(spans: list[Span], match: re.Match[str], found: dt.date | None) -> None:
    if found is not None:
        spans.append(Span("date", found.isoformat(), match.start(), match.end(), EXTRACTOR))


def _periods(low: str, today: dt.date) -> list[Span]:
    spans: list[Span] = []
    for match in _QUARTER.finditer(low):
        index = int(match["q"]) if match["q"] else _ordinal(match)
        year = _year(match["qyear"] if match["q"] else (match["year"] or match["year0"]))
        if index:
            spans.append(_part_span(low, match, "Q", index, year, today))
    for match in _HALF.finditer(low):
        index = _ordinal(match)
        if index in (1, 2):
            spans.append(_part_span(low, match, "H", index, _year(match["year"] or match["year0"]), today))
    for match in _RELATIVE.finditer(low):
        spans.append(_span(match, _shift(match["unit"], _step(match["rel"]), today)))
    for match in _BARE_YEAR_WORDS.finditer(low):
        spans.append(_span(match, f"{today.year + _step(match['w']):04d}"))
    for pattern in (_YEAR, _YEAR_AFTER_PREPOSITION):
        for match in pattern.finditer(low):
            spans.append(Span("period", match["year"], match.start("year"), match.end(), EXTRACTOR))
    spans.extend(_month_spans(low, today))
    return spans


_MONTH_YEAR_AFTER = re.compile(rf"\s*(?P<y>20\d\d)(?:\s*{_YEAR_WORD})?(?![\w])")
_MONTH_YEAR_BEFORE = re.compile(r"(?P<y>20\d\d)\s*(?:жыл[а-яәіңғүұқөһ]*\s*)?$")  # "2025 жылғы қазан"


def _month_spans(low: str, today: dt.date) -> list[Span]:
    spans: list[Span] = []
    for match in _WORD.finditer(low):
        month = month_of(match.group())
        if month is None:
            continue
        start, end = match.start(), match.end()
        year: int | None = None
        if after := _MONTH_YEAR_AFTER.match(low, end):
            year, end = int(after["y"]), after.end()
        elif before := _MONTH_YEAR_BEFORE.search(low, max(0, start - 14), start):
            year, start = int(before["y"]), before.start()
        elif relative := _with_relative_year(low, start, end, today):
            year, start, end = relative
        spans.append(Span("period", _month_period(month, year, today), start, end, EXTRACTOR))
    return spans


def _span(match: re.Match[str], value: str) -> Span:
    return Span("period", value, match.start(), match.end(), EXTRACTOR)


def _with_relative_year(low: str, start: int, end: int, today: dt.date) -> tuple[int, int, int] | None:
    """ "4 квартал прошлого года", "өткен жылғы қазан": the year and the widened span, or ``None``."""
    after = _REL_YEAR_AFTER.match(low, end)
    if after:
        return today.year + _step(after["rel"]), start, after.end()
    before = _REL_YEAR_BEFORE.search(low, max(0, start - 24), start)
    if before:
        return today.year + _step(before["rel"]), before.start(), end
    return None


def _part_span(low: str, match: re.Match[str], kind: str, index: int, year: int | None, today: dt.date) -> Span:
    size = 3 if kind == "Q" else 6
    start, end = match.start(), match.end()
    if year is None and (relative := _with_relative_year(low, start, end, today)):
        year, start, end = relative
    return Span("period", _part_period(kind, index, size, year, today), start, end, EXTRACTOR)
