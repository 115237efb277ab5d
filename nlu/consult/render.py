"""Placeholders in article text, resolved from the dated rule parameters (never typed figures).

Syntax (inside ``{{ … }}``)::

    {{ param "simplified.rate" pct }}          the value on the date, formatted (pct, kzt, num, date, raw)
    {{ param "simplified.rate" }}              formatted by the parameter's unit
    {{ mrp "simplified.limit_mrp_year" }}      a value in МРП × МРП → tenge
    {{ mzp "social.so.base_max_mzp" }}         a value in МЗП × МЗП → tenge
    {{ calc "a * b * base.mzp + c * d" kzt }}  sum of products of parameters; for kzt each product (a line)
                                               is rounded half-up to whole tenge before the sum, as the forms do
    {{ param "social.opvr.rate" pct on="2028-01-01" }}  the value on a fixed date (announced schedules)
    {{ deadline "deadlines.f910.file" after="06-30" }}  "до 15 августа" / "15 тамызға дейін" for a period end
    {{ deadline "deadlines.social_payments.pay" }}       "до 25-го числа следующего месяца" (kk: "келесі айдың…")
    {{ param "social.opvr.exempt_disability_groups" roman }}  [1, 2] → "I и II" / "I және II"
    {{ mrp "penalties.late_filing.repeat_fine_mrp[small]" }}  one key of a mapping value, × МРП
    {{ param "social.opvr.born_on_or_after" date case=dative }}  kk "1975 жылғы 1 қаңтарға" (ru unchanged)
    {{ place "astana" }}                       the maslikhat rate of a place (core/rules/places.yaml), "3 %"

Formatting follows the language: "1,5 %", "2 595 000 000 ₸" (no-break spaces), "1 января 1975 г." /
"1975 жылғы 1 қаңтар".
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from core.money import whole_tenge
from core.rules import ParameterError, ParameterTree, ParameterValue
from nlu.consult.words import wordlist

NBSP = "\u00a0"
_KEYED = re.compile(r"(.+)\[(\w+)\]")
PLACEHOLDER = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.S)
_MONTHS = {
    "ru": wordlist("января февраля марта апреля мая июня июля августа сентября октября ноября декабря"),
    "kk": wordlist("қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан"),
}
_MONTHS_DATIVE_KK = wordlist(
    "қаңтарға ақпанға наурызға сәуірге мамырға маусымға шілдеге тамызға қыркүйекке қазанға қарашаға желтоқсанға"
)
_ORDINAL_MONTH = {
    "ru": {
        1: "следующего месяца",
        2: "второго месяца после окончания периода",
        3: "третьего месяца после окончания периода",
        4: "четвёртого месяца после окончания периода",
    },
    "kk": {
        1: "келесі айдың",
        2: "кезең аяқталғаннан кейінгі екінші айдың",
        3: "кезең аяқталғаннан кейінгі үшінші айдың",
        4: "кезең аяқталғаннан кейінгі төртінші айдың",
    },
}
_ROMAN = {1: "I", 2: "II", 3: "III"}
_UNIT_LABEL = {"ru": {"MRP": "МРП", "MZP": "МЗП"}, "kk": {"MRP": "АЕК", "MZP": "ЕТЖ"}}


class RenderError(ValueError):
    """A placeholder is malformed or names a parameter that has no value on the date."""


@dataclass
class Rendered:
    """Rendered text and the parameter values it used (their references become the answer's sources)."""

    text: str
    used: list[ParameterValue] = field(default_factory=list)


def group(number: Decimal) -> str:
    """Whole or decimal number with no-break-space thousands and a decimal comma: 2 595 000 000, 1,4."""
    sign = "-" if number < 0 else ""
    text = format(abs(number).normalize(), "f")
    whole, _, frac = text.partition(".")
    parts: list[str] = []
    while len(whole) > 3:
        parts.insert(0, whole[-3:])
        whole = whole[:-3]
    parts.insert(0, whole)
    return sign + NBSP.join(parts) + ("," + frac if frac else "")


def fmt_pct(value: Decimal) -> str:
    """Share → percent: 0.04 → "4 %", 0.125 → "12,5 %"."""
    return f"{group(value * 100)}{NBSP}%"


def fmt_kzt(value: Decimal) -> str:
    """Amount in tenge, rounded half-up: "12 345 ₸"."""
    return f"{group(whole_tenge(value))}{NBSP}₸"


_KK_CASE_ENDING = {"dative": ("ға", "ге", "ке"), "locative": ("да", "де", "те")}


def _kk_case(month: str, case: str | None) -> str:
    """Kazakh month name in a case: "қаңтар" → "қаңтарға" (dative), "қыркүйекте" (locative)."""
    if case is None:
        return month
    back, front, after_k = _KK_CASE_ENDING[case]
    if month.endswith("к"):
        return month + after_k
    last_vowel = next((ch for ch in reversed(month) if ch in "аоұыуеәіөүи"), "а")  # vowel harmony: the last vowel
    return month + (front if last_vowel in "еәіөүи" else back)


def fmt_date(value: dt.date, lang: str, case: str | None = None) -> str:
    """ "1 января 1975 г." (ru) / "1975 жылғы 1 қаңтар" (kk; ``case`` dative → "қаңтарға", locative → "қаңтарда")."""
    month = _MONTHS[lang][value.month - 1]
    if lang == "kk":
        return f"{value.year}{NBSP}жылғы {value.day}{NBSP}{_kk_case(month, case)}"
    return f"{value.day}{NBSP}{month} {value.year}{NBSP}г."


def _kk_possessive_dative(day: int) -> str:
    """Kazakh "25-іне", "10-ына", "12-сіне", "6-сына": the ending follows how the number is read."""
    last = day % 10 or day  # 10, 20, 30 are read "он", "жиырма", "отыз"
    vowel_end = {2: True, 6: True, 7: True, 20: True}.get(last, False)
    back = {6: True, 9: True, 10: True, 20: True, 30: True}.get(last, False)
    ending = ("сы" if back else "сі") if vowel_end else ("ы" if back else "і")
    return f"{day}-{ending}{'на' if back else 'не'}"


def fmt_deadline(rule: dict[str, int], lang: str, after: str | None) -> str:
    """A deadline rule ``{day, months_after}`` as words, for a given period end ("06-30") or in general."""
    day, months = int(rule["day"]), int(rule["months_after"])
    if after:
        month = (int(after.split("-")[0]) - 1 + months) % 12
        if lang == "kk":
            return f"{day}{NBSP}{_MONTHS_DATIVE_KK[month]} дейін"
        return f"до {day}{NBSP}{_MONTHS['ru'][month]}"
    phrase = _ORDINAL_MONTH[lang][months]
    if lang == "kk":
        return f"{phrase} {_kk_possessive_dative(day)} дейін"
    return f"до {day}-го числа {phrase}"


def _as_decimal(item: ParameterValue) -> Decimal:
    try:
        return item.decimal()
    except ParameterError as exc:
        raise RenderError(str(exc)) from None


def _format(item: ParameterValue, style: str | None, lang: str, case: str | None = None) -> str:
    style = style or {"/1": "pct", "KZT": "kzt", "date": "date", "MRP": "unit", "MZP": "unit"}.get(
        item.unit or "", "raw"
    )
    if style == "date":
        if not isinstance(item.value, dt.date):
            raise RenderError(f"{item.path} is not a date")
        return fmt_date(item.value, lang, case)
    if style == "raw":
        return str(item.value)
    if style == "roman":
        joiner = " и " if lang == "ru" else " және "
        return joiner.join(_ROMAN[int(v)] for v in item.value)
    number = _as_decimal(item)
    if style == "pct":
        return fmt_pct(number)
    if style == "kzt":
        return fmt_kzt(number)
    if style == "num":
        return group(number)
    if style == "unit":
        return f"{group(number)}{NBSP}{_UNIT_LABEL[lang].get(item.unit or '', '')}".rstrip()
    raise RenderError(f"unknown format {style!r}")


class Renderer:
    """Resolves placeholders for one date and language against a parameter tree."""

    def __init__(self, tree: ParameterTree, on: dt.date, lang: str) -> None:
        self.tree, self.on, self.lang = tree, on, lang
        self.used: list[ParameterValue] = []

    def value(self, path: str, on: dt.date | None = None) -> ParameterValue:
        """The parameter value in force (recorded for the sources); ``path[key]`` picks from a mapping value."""
        match = _KEYED.fullmatch(path)
        base, key = (match.group(1), match.group(2)) if match else (path, None)
        try:
            item = self.tree.at(base, on or self.on)
        except ParameterError as exc:
            raise RenderError(str(exc)) from None
        if item not in self.used:
            self.used.append(item)
        if key is None:
            return item
        if not isinstance(item.value, dict) or key not in item.value:
            raise RenderError(f"{base} has no key {key!r}")
        return replace(item, value=item.value[key])

    def place_rate(self, place_id: str, on: dt.date | None) -> str:
        """The maslikhat rate of a place of activity (``core/rules/places.yaml``) as a percent."""
        from core.rules.places import places

        place = places().get(place_id)
        rate = place.rate_at(on or self.on) if place else None
        if place is None or rate is None:
            raise RenderError(f"no maslikhat rate for place {place_id!r} on {(on or self.on).isoformat()}")
        item = ParameterValue(f"places.{place_id}", rate.value, rate.since, rate.reference, unit="/1")
        if item not in self.used:
            self.used.append(item)
        return fmt_pct(rate.value)

    def _calc(self, expression: str, on: dt.date | None, per_line_round: bool) -> Decimal:
        total = Decimal(0)
        for term in expression.split("+"):
            product = Decimal(1)
            for path in term.split("*"):
                product *= _as_decimal(self.value(path.strip(), on))
            total += whole_tenge(product) if per_line_round else product
        return total

    def placeholder(self, body: str) -> str:
        """One placeholder body (without braces) → text."""
        try:
            tokens = shlex.split(body)
        except ValueError as exc:
            raise RenderError(f"bad placeholder {{{{ {body} }}}}: {exc}") from None
        options = dict(t.split("=", 1) for t in tokens if "=" in t)
        args = [t for t in tokens if "=" not in t]
        if len(args) < 2:
            raise RenderError(f"bad placeholder {{{{ {body} }}}}")
        on = dt.date.fromisoformat(options["on"]) if "on" in options else None
        kind, target, style = args[0], args[1], (args[2] if len(args) > 2 else None)
        handlers: dict[str, Callable[[], str]] = {
            "param": lambda: _format(self.value(target, on), style, self.lang, options.get("case")),
            "mrp": lambda: fmt_kzt(self._calc(f"{target} * base.mrp", on, True)),
            "mzp": lambda: fmt_kzt(self._calc(f"{target} * base.mzp", on, True)),
            "calc": lambda: self._calc_fmt(target, on, style or "kzt"),
            "deadline": lambda: self._deadline(target, on, options.get("after")),
            "place": lambda: self.place_rate(target, on),
        }
        if kind not in handlers:
            raise RenderError(f"unknown placeholder kind {kind!r}")
        return handlers[kind]()

    def _deadline(self, path: str, on: dt.date | None, after: str | None) -> str:
        rule = self.value(path, on).value
        if not isinstance(rule, dict) or "day" not in rule or "months_after" not in rule:
            raise RenderError(f"{path} is not a deadline rule")
        return fmt_deadline(rule, self.lang, after)

    def _calc_fmt(self, expression: str, on: dt.date | None, style: str) -> str:
        value = self._calc(expression, on, style == "kzt")
        return {"kzt": fmt_kzt, "pct": fmt_pct, "num": group}[style](value)

    def render(self, text: str) -> Rendered:
        """Text with every placeholder resolved; raises ``RenderError`` on the first that does not."""
        self.used = []
        out = PLACEHOLDER.sub(lambda m: self.placeholder(m.group(1)), text)
        return Rendered(out, list(self.used))


def placeholders(text: str) -> list[str]:
    """Placeholder bodies in a text (for checks)."""
    return [m.group(1) for m in PLACEHOLDER.finditer(text)]


def strip_placeholders(text: str) -> str:
    """The text with placeholders removed (for the bare-figure check)."""
    return PLACEHOLDER.sub(" ", text)
