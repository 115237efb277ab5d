"""Social payments of an ИП for himself per month (ОПВ, ОПВР, СО, ВОСМС) — kz-tax-rules §3."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.calc._common import ZERO, amount, clamp, opvr_exemption, share
from core.calc._trace import Tracer
from core.calc.periods import Month, non_negative
from core.explain import CalcResult


def self_payments(
    period: Month | dt.date | str,
    income: Decimal,
    *,
    born: dt.date | None = None,
    pensioner: bool = False,
    disability_group: int | None = None,
    no_income_prev_month: bool = False,
    suspended: bool = False,
    so_base_minus_opv: bool | None = None,
) -> CalcResult:
    """Monthly payments of an ИП for himself on the income he declares for the month.

    ``so_base_minus_opv`` overrides the contested СО base (C1; ``None`` = the parameter's default).
    Lines: ``opv, opvr, so, vosms``; total is their sum; all due the 25th of the next month.
    """
    month = Month.of(period)
    income = non_negative("income", income)
    t = Tracer(month.first_day)
    if suspended and t.v("social.vosms_self.suspended_only_vosms"):
        _suspended(t)
    else:
        opv = _opv(t, income)
        _opvr(t, income, born, pensioner, disability_group, no_income_prev_month)
        _so(t, income, opv, so_base_minus_opv)
        _vosms(t)
    total = sum(t.lines.values(), ZERO)
    return t.result("self", month.iso(), total, {"income": income, "suspended": suspended})


def _opv(t: Tracer, income: Decimal) -> Decimal:
    rate = t.d("social.opv.rate")
    low, high = t.mzp("social.opv.base_min_mzp"), t.mzp("social.opv.base_max_mzp")
    base = clamp(income, low, high)
    return t.line(
        "opv",
        base * rate,
        f"{share(rate)} × база {amount(base)} (доход, но от {amount(low)} до {amount(high)})",
        f"{share(rate)} × база {amount(base)} (табыс, бірақ {amount(low)} бастап {amount(high)} дейін)",
        {"income": income, "base": base},
    )


def _opvr(
    t: Tracer,
    income: Decimal,
    born: dt.date | None,
    pensioner: bool,
    disability_group: int | None,
    no_income_prev_month: bool,
) -> None:
    inputs = {"income": income, "born": born, "pensioner": pensioner, "disability_group": disability_group}
    reason = opvr_exemption(t, born=born, pensioner=pensioner, disability_group=disability_group)
    if reason is None and no_income_prev_month and t.v("social.opvr.self_optional_without_prev_income"):
        reason = ("в прошлом месяце не было дохода", "өткен айда табыс болмаған")
    if reason is not None:
        t.line("opvr", ZERO, f"не платятся: {reason[0]}", f"төленбейді: {reason[1]}", inputs)
        return
    rate = t.d("social.opvr.rate")
    low, high = t.mzp("social.opvr.base_min_mzp"), t.mzp("social.opvr.base_max_mzp")
    base = clamp(income, low, high)
    t.line(
        "opvr",
        base * rate,
        f"{share(rate)} × база {amount(base)} (от {amount(low)} до {amount(high)})",
        f"{share(rate)} × база {amount(base)} ({amount(low)} бастап {amount(high)} дейін)",
        {**inputs, "base": base},
    )


def _so(t: Tracer, income: Decimal, opv: Decimal, minus_opv: bool | None) -> None:
    default = bool(t.v("social.so.self_base_minus_opv"))
    subtract = default if minus_opv is None else minus_opv
    raw = income - opv if subtract else income
    rate = t.d("social.so.rate")
    low, high = t.mzp("social.so.base_min_mzp"), t.mzp("social.so.base_max_mzp")
    base = clamp(raw, low, high)
    what_ru = "доход − ОПВ" if subtract else "заявленный доход"
    what_kk = "табыс − МЗЖ" if subtract else "мәлімделген табыс"
    t.line(
        "so",
        base * rate,
        f"{share(rate)} × база {amount(base)} ({what_ru}, от {amount(low)} до {amount(high)})",
        f"{share(rate)} × база {amount(base)} ({what_kk}, {amount(low)} бастап {amount(high)} дейін)",
        {"income": income, "opv": opv, "base_minus_opv": subtract, "base": base},
    )


def _vosms(t: Tracer) -> None:
    rate = t.d("social.vosms_self.rate")
    base = t.mzp("social.vosms_self.base_mzp")
    t.line(
        "vosms",
        base * rate,
        f"{share(rate)} × {amount(base)} (фиксированная база от МЗП)",
        f"{share(rate)} × {amount(base)} (ЕТЖ-дан тіркелген база)",
        {"base": base},
    )


def _suspended(t: Tracer) -> None:
    for key in ("opv", "opvr", "so"):
        t.line(key, ZERO, "не исчисляются: деятельность приостановлена", "есептелмейді: қызмет тоқтатылған")
    rate = t.d("social.vosms_self.rate")
    base = t.mzp("social.vosms_self.suspended_base_mzp")
    t.line(
        "vosms",
        base * rate,
        f"{share(rate)} × {amount(base)} (база при приостановлении деятельности)",
        f"{share(rate)} × {amount(base)} (қызмет тоқтатылғандағы база)",
        {"base": base, "suspended": True},
    )
