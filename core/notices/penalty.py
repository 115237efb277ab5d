"""Пеня — penalty interest on an unpaid tax or social payment, from dated parameters.

For each day from the day after the due date up to and including the day of payment
(``penalties_interest.*.first_day``) the debt bears ``multiplier × base rate / day_count``, the base rate being the
National Bank's rate in force that day (``nbrk_base_rate``). Days are grouped into stretches of constant parameters;
each stretch is one line, rounded half-up to whole tenge, with its trace (``core.explain``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from core.calc import CalcInputError, CalcResult
from core.calc._trace import Tracer
from core.explain import CalcWarning, Lang, TraceStep, format_amount, format_share, render_explanation
from core.rules import parameters

PenaltyKind = Literal["tax", "social"]
_ONE_DAY = dt.timedelta(days=1)
ZERO = Decimal(0)
BASE_RATE = "nbrk_base_rate"


@dataclass(frozen=True, slots=True)
class _Stretch:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _change_dates(kind: PenaltyKind) -> list[dt.date]:
    tree = parameters()
    dates = {v.since for v in tree.get(BASE_RATE).values}
    for name in ("multiplier", "day_count"):
        dates.update(v.since for v in tree.get(f"penalties_interest.{kind}.{name}").values)
    return sorted(dates)


def _stretches(first: dt.date, last: dt.date, kind: PenaltyKind) -> list[_Stretch]:
    cuts = [d for d in _change_dates(kind) if first < d <= last]
    out: list[_Stretch] = []
    start = first
    for cut in cuts:
        out.append(_Stretch(start, cut - _ONE_DAY))
        start = cut
    out.append(_Stretch(start, last))
    return out


def penalty_interest(debt: Decimal, due: dt.date, paid: dt.date, *, kind: PenaltyKind = "tax") -> CalcResult:
    """Пеня on ``debt`` not paid by ``due`` and paid on ``paid`` (or counted up to ``paid``, e.g. today).

    Lines ``from:YYYY-MM-DD`` — one per stretch of constant base rate; ``extra``: ``days``, ``debt``, ``due``,
    ``paid``. A payment on or before the due date gives no lines and a total of 0.
    """
    if kind not in ("tax", "social"):
        raise CalcInputError(f"kind must be tax or social, got {kind!r}")
    if not debt.is_finite() or debt < 0:
        raise CalcInputError(f"debt must be a non-negative amount, got {debt}")
    t = Tracer(due)
    rule = str(t.peek(f"penalties_interest.{kind}.first_day"))
    if rule != "day_after_due_including_payment_day":
        raise CalcInputError(f"unsupported пеня day rule {rule!r}")
    first, last = due + _ONE_DAY, paid
    days = 0
    if last >= first:
        for stretch in _stretches(first, last, kind):
            days += stretch.days
            _line(t, kind, debt, stretch)
    _stale_rate_warning(t, last)
    total = sum(t.lines.values(), ZERO)
    extra = {"days": days, "debt": debt, "due": due, "paid": paid, "penalty_kind": kind}
    result = t.result("penalty", f"{due.isoformat()}..{paid.isoformat()}", total, extra)
    result.trace[:] = [_labelled(step) for step in result.trace]
    return result


def _stale_rate_warning(t: Tracer, last: dt.date) -> None:
    checked: dt.date = t.peek("penalties_interest.base_rate_checked_until")
    if last > checked:
        t.warn(
            CalcWarning(
                "base_rate_unverified",
                f"Базовая ставка НБРК сверена по {checked:%d.%m.%Y}; за дни после этой даты взята последняя известная "
                "ставка — сверьте пеню с кабинетом налогоплательщика.",
                f"ҰБ базалық мөлшерлемесі {checked:%d.%m.%Y} дейін тексерілген; одан кейінгі күндерге соңғы белгілі "
                "мөлшерлеме алынды — өсімпұлды салық төлеуші кабинетімен салыстырыңыз.",
            )
        )


def _labelled(step: TraceStep) -> TraceStep:
    since = dt.date.fromisoformat(step.line.split(":", 1)[1])
    return replace(step, label_ru=f"Пеня с {since:%d.%m.%Y}", label_kk=f"{since:%d.%m.%Y} бастап өсімпұл")


def _line(t: Tracer, kind: PenaltyKind, debt: Decimal, stretch: _Stretch) -> None:
    on = stretch.start
    rate = t.d(BASE_RATE, on)
    multiplier = t.d(f"penalties_interest.{kind}.multiplier", on)
    day_count = t.d(f"penalties_interest.{kind}.day_count", on)
    amount = debt * multiplier * rate * stretch.days / day_count
    span = f"{stretch.start:%d.%m.%Y}–{stretch.end:%d.%m.%Y}"
    t.line(
        f"from:{stretch.start.isoformat()}",
        amount,
        f"{format_amount(debt)} × {_num(multiplier)} × базовая ставка {format_share(rate)} / {day_count} × "
        f"{stretch.days} дн. ({span})",
        f"{format_amount(debt)} × {_num(multiplier)} × базалық мөлшерлеме {format_share(rate)} / {day_count} × "
        f"{stretch.days} күн ({span})",
        {"debt": debt, "from": stretch.start, "to": stretch.end, "days": stretch.days},
    )


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def render_penalty(result: CalcResult, lang: Lang = "ru") -> str:
    """ "Как посчитана пеня?" — the engine's explanation with the пеня's own title."""
    text = render_explanation(result, lang)
    due, paid, days = result.extra["due"], result.extra["paid"], result.extra["days"]
    if lang == "kk":
        title = f"Өсімпұл: {due:%d.%m.%Y} мерзімнен кейін {paid:%d.%m.%Y} дейін {days} күн — қалай есептелді:"
    else:
        title = f"Пеня: {days} дн. просрочки после срока {due:%d.%m.%Y} по {paid:%d.%m.%Y} — как посчитано:"
    return "\n".join([title, *text.splitlines()[1:]])
