"""Payroll per employee per month (ОПВ, ВОСМС, вычет, ИПН, на руки, ОПВР, СО, ООСМС, социальный налог) — §4."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from core.calc._common import ZERO, amount, clamp, opvr_exemption, share
from core.calc._trace import Tracer
from core.calc.errors import CalcInputError
from core.calc.periods import Month, non_negative
from core.explain import CalcResult
from core.money import whole_tenge

Employer = Literal["ip_general", "ip_simplified", "legal_entity"]
EMPLOYERS: tuple[Employer, ...] = ("ip_general", "ip_simplified", "legal_entity")
# Lines withheld from the employee or paid by the employer to the budget (the total to pay by the 25th).
PAYABLE = ("opv", "vosms", "ipn", "opvr", "so", "oosms", "social_tax")


def payroll(
    period: Month | dt.date | str,
    salary: Decimal,
    *,
    employer: Employer = "ip_simplified",
    born: dt.date | None = None,
    pensioner: bool = False,
    disability_group: int | None = None,
    deduction: bool = True,
    deduction_used_before: Decimal = ZERO,
    ipn_base_before: Decimal = ZERO,
) -> CalcResult:
    """One employee's month: withheld ``opv, vosms, ipn``, ``deduction``, ``net`` and the employer's ``opvr, so,
    oosms, social_tax``. ``total`` is everything payable to the budget and funds (not ``net``/``deduction``).

    ``deduction`` — the employee applied for the standard/basic deduction with this agent; ``deduction_used_before``
    — deduction already given this year (2026 annual cap); ``ipn_base_before`` — the year's ИПН base before this
    month (2026: 15 % above 8 500 МРП, cumulative).
    """
    if employer not in EMPLOYERS:
        raise CalcInputError(f"employer must be one of {', '.join(EMPLOYERS)}, got {employer!r}")
    month = Month.of(period)
    salary = non_negative("salary", salary)
    non_negative("deduction_used_before", deduction_used_before)
    non_negative("ipn_base_before", ipn_base_before)
    t = Tracer(month.first_day)
    opv = _opv(t, salary)
    vosms = _vosms(t, salary)
    ded = _deduction(t, salary, opv, vosms, deduction, deduction_used_before)
    ipn = _ipn(t, salary, opv, vosms, ded, ipn_base_before)
    t.line(
        "net", salary - opv - vosms - ipn, "оклад − ОПВ − ВОСМС − ИПН", "жалақы − МЗЖ − МӘМС − ЖТС", {"salary": salary}
    )
    _opvr(t, salary, born, pensioner, disability_group)
    so = _so(t, salary, opv)
    _oosms(t, salary)
    _social_tax(t, employer, salary, opv, vosms, so)
    total = sum((t.lines[k] for k in PAYABLE), ZERO)
    return t.result("payroll", month.iso(), total, {"salary": salary, "employer": employer})


def _opv(t: Tracer, salary: Decimal) -> Decimal:
    rate, high = t.d("social.opv.rate"), t.mzp("social.opv.base_max_mzp")
    base = min(salary, high)
    return t.line(
        "opv",
        base * rate,
        f"{share(rate)} × {amount(base)} (оклад, не более {amount(high)})",
        f"{share(rate)} × {amount(base)} (жалақы, {amount(high)} аспайды)",
        {"salary": salary},
    )


def _vosms(t: Tracer, salary: Decimal) -> Decimal:
    rate, high = t.d("social.vosms_employee.rate"), t.mzp("social.vosms_employee.base_max_mzp")
    base = min(salary, high)
    return t.line(
        "vosms",
        base * rate,
        f"{share(rate)} × {amount(base)} (оклад, не более {amount(high)})",
        f"{share(rate)} × {amount(base)} (жалақы, {amount(high)} аспайды)",
        {"salary": salary},
    )


def _deduction(t: Tracer, salary: Decimal, opv: Decimal, vosms: Decimal, claimed: bool, used: Decimal) -> Decimal:
    if not claimed:
        return t.line("deduction", ZERO, "вычет не заявлен у этого агента", "шегерім бұл агентте мәлімделмеген")
    monthly = t.mrp("ipn.deduction_mrp")
    cap = t.mrp("ipn.deduction_annual_cap_mrp")
    available = min(monthly, max(ZERO, cap - used)) if cap > 0 else monthly
    value = min(available, max(ZERO, salary - opv - vosms))  # a deduction never makes the base negative
    return t.line(
        "deduction",
        value,
        f"{t.d('ipn.deduction_mrp')} МРП = {amount(monthly)} (не больше дохода после ОПВ и ВОСМС)",
        f"{t.d('ipn.deduction_mrp')} АЕК = {amount(monthly)} (МЗЖ мен МӘМС кейінгі табыстан аспайды)",
        {"deduction_used_before": used},
    )


def _ipn(t: Tracer, salary: Decimal, opv: Decimal, vosms: Decimal, ded: Decimal, before: Decimal) -> Decimal:
    base = max(ZERO, salary - opv - vosms - ded)
    note_ru = note_kk = ""
    if t.v("ipn.low_income_adjustment") and salary <= t.mrp("ipn.low_income_threshold_mrp"):
        factor = t.d("ipn.low_income_base_factor")
        base = base * factor
        note_ru = f"; доход ≤ {t.d('ipn.low_income_threshold_mrp')} МРП — база × {share(factor)}"
        note_kk = f"; табыс ≤ {t.d('ipn.low_income_threshold_mrp')} АЕК — база × {share(factor)}"
    rate, high_rate = t.d("ipn.rate"), t.d("ipn.high_rate")
    threshold = t.mrp("ipn.high_threshold_mrp_year")
    room = max(ZERO, threshold - before) if threshold > 0 else base
    low_part, high_part = min(base, room), max(ZERO, base - room)
    if high_part > 0:
        note_ru += f"; {share(high_rate)} с {amount(high_part)} сверх {amount(threshold)} за год"
        note_kk += f"; жылына {amount(threshold)} асқан {amount(high_part)} сомасынан {share(high_rate)}"
    return t.line(
        "ipn",
        low_part * rate + high_part * high_rate,
        f"{share(rate)} × (оклад − ОПВ − ВОСМС − вычет) = {share(rate)} × {amount(base)}{note_ru}",
        f"{share(rate)} × (жалақы − МЗЖ − МӘМС − шегерім) = {share(rate)} × {amount(base)}{note_kk}",
        {"salary": salary, "opv": opv, "vosms": vosms, "deduction": ded, "ipn_base_before": before},
    )


def _opvr(t: Tracer, salary: Decimal, born: dt.date | None, pensioner: bool, disability: int | None) -> None:
    inputs = {"salary": salary, "born": born, "pensioner": pensioner, "disability_group": disability}
    reason = opvr_exemption(t, born=born, pensioner=pensioner, disability_group=disability)
    if reason is not None or salary == 0:
        why = reason or ("нет дохода", "табыс жоқ")
        t.line("opvr", ZERO, f"не платятся: {why[0]}", f"төленбейді: {why[1]}", inputs)
        return
    rate = t.d("social.opvr.rate")
    low, high = t.mzp("social.opvr.base_min_mzp"), t.mzp("social.opvr.base_max_mzp")
    base = clamp(salary, low, high)
    t.line(
        "opvr",
        base * rate,
        f"{share(rate)} × {amount(base)} (оклад, от {amount(low)} до {amount(high)})",
        f"{share(rate)} × {amount(base)} (жалақы, {amount(low)} бастап {amount(high)} дейін)",
        inputs,
    )


def _so(t: Tracer, salary: Decimal, opv: Decimal) -> Decimal:
    if salary == 0:
        return t.line("so", ZERO, "нет дохода", "табыс жоқ")
    rate = t.d("social.so.rate")
    minus_opv = bool(t.v("social.so.employee_base_minus_opv"))
    low, high = t.mzp("social.so.base_min_mzp"), t.mzp("social.so.base_max_mzp")
    base = clamp(salary - opv if minus_opv else salary, low, high)
    return t.line(
        "so",
        base * rate,
        f"{share(rate)} × {amount(base)} (оклад − ОПВ, от {amount(low)} до {amount(high)})",
        f"{share(rate)} × {amount(base)} (жалақы − МЗЖ, {amount(low)} бастап {amount(high)} дейін)",
        {"salary": salary, "opv": opv},
    )


def _oosms(t: Tracer, salary: Decimal) -> None:
    rate, high = t.d("social.oosms.rate"), t.mzp("social.oosms.base_max_mzp")
    base = min(salary, high)
    t.line(
        "oosms",
        base * rate,
        f"{share(rate)} × {amount(base)} (оклад, не более {amount(high)})",
        f"{share(rate)} × {amount(base)} (жалақы, {amount(high)} аспайды)",
        {"salary": salary},
    )


def _social_tax(t: Tracer, employer: Employer, salary: Decimal, opv: Decimal, vosms: Decimal, so: Decimal) -> None:
    if employer == "legal_entity":
        _social_tax_legal_entity(t, salary, opv, vosms, so)
    elif employer == "ip_general":
        _social_tax_ip_general(t, salary, so)
    else:
        t.line(
            "social_tax",
            ZERO,
            "ИП на упрощёнке не платит соцналог за работника отдельно (до 2026 — внутри налога 910.00, с 2026 — нет)",
            "оңайлатылған ЖК қызметкер үшін әлеуметтік салықты бөлек төлемейді (2026 дейін — 910.00 ішінде)",
            {"employer": employer},
        )


def _social_tax_legal_entity(t: Tracer, salary: Decimal, opv: Decimal, vosms: Decimal, so: Decimal) -> None:
    if salary == 0:
        t.line("social_tax", ZERO, "нет дохода", "табыс жоқ")
        return
    rate = t.d("social_tax.legal_entity.rate")
    base = max(salary - opv - vosms, t.mrp("social_tax.legal_entity.min_base_mrp"))
    tax = base * rate
    if t.v("social_tax.legal_entity.minus_so"):
        value = max(ZERO, whole_tenge(tax) - so)  # the tax line is rounded before СО is subtracted
        rule_ru = f"{share(rate)} × {amount(base)} (оклад − ОПВ − ВОСМС) − СО {amount(so)}, не ниже 0"
        rule_kk = f"{share(rate)} × {amount(base)} (жалақы − МЗЖ − МӘМС) − ӘА {amount(so)}, 0-ден төмен емес"
    else:
        value = tax
        rule_ru = f"{share(rate)} × {amount(base)} (оклад − ОПВ − ВОСМС, не меньше минимальной базы), без вычета СО"
        rule_kk = f"{share(rate)} × {amount(base)} (жалақы − МЗЖ − МӘМС, ең төменгі базадан кем емес), ӘА шегерілмейді"
    t.line("social_tax", value, rule_ru, rule_kk, {"salary": salary, "so": so})


def _social_tax_ip_general(t: Tracer, salary: Decimal, so: Decimal) -> None:
    fixed = t.mrp("social_tax.ip_general.per_employee_mrp")
    n = t.d("social_tax.ip_general.per_employee_mrp")
    if t.v("social_tax.ip_general.minus_so"):
        t.line(
            "social_tax",
            max(ZERO, fixed - so),
            f"{n} МРП = {amount(fixed)} за работника − СО {amount(so)}, не ниже 0 "
            "(по ИП в целом уменьшается на все СО)",
            f"қызметкерге {n} АЕК = {amount(fixed)} − ӘА {amount(so)}, 0-ден төмен емес",
            {"salary": salary, "so": so},
        )
        return
    t.line(
        "social_tax",
        fixed,
        f"{n} МРП = {amount(fixed)} за работника, без уменьшения на СО",
        f"қызметкерге {n} АЕК = {amount(fixed)}, ӘА-ға азайтылмайды",
        {"salary": salary},
    )
