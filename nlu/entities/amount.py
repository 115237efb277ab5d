"""``amount`` — tenge as a plain decimal string: "200к" → "200000", "1,5 млн" → "1500000", "50 мың" → "50000".

Rules (contested choices are in docs/nlu.md):
- digits with an optional multiplier (к/k/т/тыс/тысяч/мың, млн/лям/миллион, млрд) and an optional currency
  (тг/тенге/теңге/₸/kzt); "150т" is 150 thousand (colloquial), "150 тг" is 150 tenge;
- "150 000" / "150 000" / "150,000" (three-digit groups) are thousands separators; "1,5" and "1.5" are decimals;
- number words ("полтора миллиона", "сто тысяч", "елу мың") count when they carry a multiplier or a currency;
- a bare number counts when it is ≥ 100, is not a run of 10+ digits (phones, accounts) and nothing more specific
  (ИИН, form, date, period) claims it — that is decided by span priority in ``base.resolve``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from nlu.entities.base import Span, decimal_string
from nlu.entities.numbers import MULTIPLIERS, word_numbers

EXTRACTOR = "RegexAmountExtractor"
_MIN_BARE = Decimal(100)
_SHORT_MULT: dict[str, Decimal] = {
    "к": Decimal(1000),
    "k": Decimal(1000),
    "т": Decimal(1000),
    "тыс": Decimal(1000),
    "тыс.": Decimal(1000),
    "млн.": Decimal(10**6),
    "млрд.": Decimal(10**9),
    "kk": Decimal(10**6),
    "кк": Decimal(10**6),
    "m": Decimal(10**6),
}
_MULT_WORDS = sorted(
    {*MULTIPLIERS, *_SHORT_MULT} - {"полмиллиона", "пол-миллиона", "поллимона", "пол-ляма", "полляма"}
)
_MULT_RE = "|".join(re.escape(w) for w in sorted(_MULT_WORDS, key=len, reverse=True))
_CURRENCY = r"тенге|теңге|тнг|тг\.?|₸|kzt|kzт|тенгe"
_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?|\d{1,3}(?:,\d{3})+(?![.,]?\d)|\d+(?:[.,]\d+)?"
_AMOUNT = re.compile(
    rf"(?<![\w.,])(?P<num>{_NUMBER})(?:\s?(?P<mult>{_MULT_RE})(?![^\W\d_]))?"
    rf"(?:\s?(?P<cur>{_CURRENCY})(?![^\W\d_]))?(?!\d)",
    re.UNICODE,
)
# "до 1975", "с 2024", "в 2026": a year, not an amount (an amount in that range carries a currency or multiplier).
_YEAR_BEFORE = re.compile(r"(?:до|с|в|во|после|от|по|года|году|год|жыл|жылы|родился|родилась)\s+$")
_CURRENCY_AFTER = re.compile(rf"\s?(?:{_CURRENCY})(?![^\W\d_])")


def _number(text: str) -> Decimal | None:
    cleaned = re.sub(r"[ \u00a0\u202f]", "", text)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        return None


def _multiplier(word: str) -> Decimal:
    return _SHORT_MULT.get(word) or MULTIPLIERS[word]


def _is_year(match: re.Match[str], low: str) -> bool:
    raw = match.group("num")
    if match.group("mult") or match.group("cur") or not (raw.isdigit() and 1900 <= int(raw) <= 2099):
        return False
    return _YEAR_BEFORE.search(low, max(0, match.start() - 12), match.start()) is not None


def extract(low: str) -> list[Span]:
    """Amount spans in lower-case text."""
    found = [
        (match, span) for match in _AMOUNT.finditer(low) if not _is_year(match, low) and (span := _from_digits(match))
    ]
    spans = _merge_compounds(low, found)
    for number in word_numbers(low):
        end = number.end
        currency = _CURRENCY_AFTER.match(low, end)
        if currency:
            end = currency.end()
        if number.multiplied or (currency and number.value >= 1) or number.value >= _MIN_BARE:
            spans.append(Span("amount", decimal_string(number.value), number.start, end, EXTRACTOR))
    return spans


def _merge_compounds(low: str, found: list[tuple[re.Match[str], Span]]) -> list[Span]:
    """ "5 млн 200 тыс" → 5200000, "2 тысячи 500 тг" → 2500: a multiplied amount followed by a smaller remainder."""
    spans: list[Span] = []
    for match, span in found:
        if spans and _continues(low, spans[-1], match, span):
            head = spans.pop()
            total = Decimal(head.value or 0) + Decimal(span.value or 0)
            span = Span("amount", decimal_string(total), head.start, span.end, EXTRACTOR)
        spans.append(span)
    return spans


def _continues(low: str, head: Span, match: re.Match[str], tail: Span) -> bool:
    if low[head.end : match.start()].strip() not in ("", "и", "және") or head.value is None or tail.value is None:
        return False
    head_match = _AMOUNT.match(low, head.start)
    if head_match is None or not head_match.group("mult") or head_match.group("cur"):
        return False
    unit = _multiplier(head_match.group("mult"))
    return Decimal(head.value) % unit == 0 and Decimal(tail.value) < unit


def _from_digits(match: re.Match[str]) -> Span | None:
    raw = match.group("num")
    value = _number(raw)
    if value is None:
        return None
    mult, cur = match.group("mult"), match.group("cur")
    digits = sum(ch.isdigit() for ch in raw)
    if mult:
        value *= _multiplier(mult)
    elif not cur and (value < _MIN_BARE or digits >= 10 or (("." in raw or "," in raw) and digits <= 4)):
        return None
    if mult is None and cur is None and digits >= 10:
        return None
    return Span("amount", decimal_string(value), match.start(), match.end(), EXTRACTOR)
