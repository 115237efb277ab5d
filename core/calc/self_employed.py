"""Self-employed regime (СНР для самозанятых, 2026): 4 % of the month's income as ОПВ/ОПВР/СО/ОСМС, ИПН 0 — §2.6."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.calc import limits
from core.calc._common import ZERO, amount, share
from core.calc._trace import Tracer
from core.calc.errors import UnsupportedPeriodError
from core.calc.periods import Month, non_negative
from core.explain import CalcResult

PARTS = (("opv", "self_employed.opv_rate"), ("opvr", "self_employed.opvr_rate"), ("so", "self_employed.so_rate"))
PARTS_ALL = (*PARTS, ("osms", "self_employed.osms_rate"))


def self_employed(
    period: Month | dt.date | str, income: Decimal, *, pensioner: bool = False, student: bool = False
) -> CalcResult:
    """One month of a self-employed person. Above the monthly limit the result says ``eligible: False`` with the
    reason (``extra["reason_ru"]``/``["reason_kk"]``, lines 0) — a result, not an error."""
    month = Month.of(period)
    income = non_negative("income", income)
    t = Tracer(month.first_day)
    if not t.peek("self_employed.available"):
        raise UnsupportedPeriodError(f"the self-employed regime does not exist in {month.year}")
    limit = t.mrp("self_employed.limit_mrp_month")
    mrp_count = t.d("self_employed.limit_mrp_month")
    t.warn(limits.limit_warning("self_employed", income, limit, month.first_day))
    reason: tuple[str, str] | None = None
    if income > limit:
        reason = (
            f"доход {amount(income)} выше предела {mrp_count} МРП = {amount(limit)} в месяц: режим не применяется",
            f"табыс {amount(income)} айына {mrp_count} АЕК = {amount(limit)} шегінен жоғары: режим қолданылмайды",
        )
    elif (pensioner or student) and t.v("self_employed.exempt_pensioners_students"):
        reason = ("пенсионеры и студенты не платят социальные платежи", "зейнеткерлер мен студенттер төлемейді")
    for key, path in PARTS_ALL:
        if reason is not None:
            t.line(key, ZERO, reason[0], reason[1], {"income": income})
            continue
        rate = t.d(path)
        t.line(
            key, income * rate, f"{share(rate)} × доход {amount(income)}", f"{share(rate)} × табыс {amount(income)}"
        )
    eligible = income <= limit
    extra = {"eligible": eligible, "income": income, "limit": limit}
    if not eligible and reason is not None:
        extra.update({"reason_ru": reason[0], "reason_kk": reason[1]})
    total = sum(t.lines.values(), ZERO)
    return t.result("self_employed", month.iso(), total, extra)
