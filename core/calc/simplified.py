"""Simplified declaration 910.00 for a half-year (упрощённая декларация) — kz-tax-rules §2.2, §2.3.

2024–25: 3 % of income; half is ИПН, half social tax reduced by the half-year's СО (floor 0); 24 038 МРП per
half-year; ≤ 30 employees. 2026: base 4 % or the place's maslikhat rate, each place of activity at its own rate,
600 000 МРП per calendar year at the МРП of 1 January, no social tax. Lines keyed by the form's line numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.calc import form910 as line
from core.calc import limits, notices
from core.calc._common import ZERO, amount, share
from core.calc._trace import Tracer
from core.calc.errors import CalcInputError
from core.calc.periods import HalfYear, non_negative
from core.explain import CalcResult, ParamUse
from core.money import whole_tenge
from core.rules.places import get_place


@dataclass(frozen=True, slots=True)
class PlaceShare:
    """One place of activity in the 910.01-style breakdown (income, share, reduction, base, rate, ИПН)."""

    place: str | None
    income: Decimal
    share: Decimal
    reduction: Decimal
    base: Decimal
    rate: Decimal
    rate_source: str
    ipn: Decimal

    def to_json(self) -> dict[str, Any]:
        return {
            "place": self.place,
            "income": self.income,
            "share": str(self.share.quantize(Decimal("0.0001"))),
            "reduction": self.reduction,
            "base": self.base,
            "rate": str(self.rate),
            "rate_source": self.rate_source,
            "ipn": self.ipn,
        }


def declaration_910(
    year: int,
    half: int,
    *,
    income: Decimal | None = None,
    place: str | None = None,
    rate: Decimal | None = None,
    places: Mapping[str, Decimal] | None = None,
    so_paid: Decimal = ZERO,
    prior_income: Decimal = ZERO,
    employees: int = 0,
    reduction: Decimal = ZERO,
    own_payments: Sequence[CalcResult] | None = None,
) -> CalcResult:
    """Taxes of form 910.00 for ``half`` (1 or 2) of ``year``.

    ``income`` — the half-year's income (may be left out when ``places`` gives it per place id; if both, they must
    agree). ``place`` — one place id (2026 rate of its maslikhat), or ``rate`` — an explicit share such as
    ``Decimal("0.03")``. ``so_paid`` — СО for the ИП and employees in the half-year (2024–25 social-tax reduction).
    ``prior_income`` — income earlier in the same year (limits, VAT). ``employees`` — average headcount incl. the ИП.
    ``reduction`` — 2024–25: manual line 910.00.006 (C15); 2026: manual payroll reduction of the object (C2),
    split across places by income share. ``own_payments`` — the six ``self_payments`` results of the half's months:
    they fill lines 010–015 (sums; ``extra["monthly"]`` has the six values of each) and their СО is added to
    ``so_paid`` for the 2024–25 social-tax reduction (``so_paid`` then means the employees' СО, line 021).
    """
    period = HalfYear(year, half)
    for name, value in (("so_paid", so_paid), ("prior_income", prior_income), ("reduction", reduction)):
        non_negative(name, value)
    if employees < 0:
        raise CalcInputError("employees must not be negative")
    incomes = _incomes(income, place, rate, places)
    t = Tracer(period.first_day)
    if t.peek("simplified.maslikhat_adjustable"):
        result_lines = _tax_by_place(t, incomes, rate, reduction)
    else:
        if rate is not None:
            raise CalcInputError(f"a maslikhat rate does not apply to 910.00 in {year}")
        result_lines = _tax_flat(t, incomes, reduction)
    total_income = t.lines[line.INCOME]
    own = _check_own(period, own_payments)
    own_so = sum((r.lines["so"] for r in own), ZERO)
    ipn, social = _split(t, so_paid + own_so)
    monthly = _own_lines(t, own)
    _limit_warnings(t, period, total_income, prior_income, employees)
    extra: dict[str, Any] = {
        "year": year,
        "half": half,
        "ipn": ipn,
        "social_tax": social,
        "so_paid": so_paid + own_so,
        "monthly": monthly,
        "places": [p.to_json() for p in result_lines],
        "template": line.TEMPLATE,
    }
    return t.result("910", period.iso(), ipn + social, extra)


def _incomes(
    income: Decimal | None, place: str | None, rate: Decimal | None, places: Mapping[str, Decimal] | None
) -> list[tuple[str | None, Decimal]]:
    if places:
        if place is not None or rate is not None:
            raise CalcInputError("give either per-place incomes or one place/rate, not both")
        pairs: list[tuple[str | None, Decimal]] = [
            (get_place(pid).id, non_negative(f"income of {pid}", amt)) for pid, amt in places.items()
        ]
        if len({pid for pid, _ in pairs}) != len(pairs):
            raise CalcInputError("each place of activity may be given once")
        total = sum((amt for _, amt in pairs), ZERO)
        if income is not None and non_negative("income", income) != total:
            raise CalcInputError(f"income {income} is not the sum of the per-place incomes {total}")
        return pairs
    if income is None:
        raise CalcInputError("income is required")
    if place is not None and rate is not None:
        raise CalcInputError("give either a place or a rate, not both")
    return [(get_place(place).id if place is not None else None, non_negative("income", income))]


def _income_line(t: Tracer, incomes: list[tuple[str | None, Decimal]]) -> Decimal:
    total = sum((amt for _, amt in incomes), ZERO)
    return t.line(line.INCOME, total, "доход за полугодие", "жарты жылдағы табыс", {"places": len(incomes)})


def _tax_flat(t: Tracer, incomes: list[tuple[str | None, Decimal]], reduction: Decimal) -> list[PlaceShare]:
    """2024–25: one rate for the whole income; 006 is a manual reduction (C15)."""
    income = _income_line(t, incomes)
    rate = t.d("simplified.rate")
    tax = t.line(
        line.TAX, income * rate, f"{share(rate)} × доход {amount(income)}", f"{share(rate)} × табыс {amount(income)}"
    )
    if reduction > tax:
        raise CalcInputError(f"reduction {reduction} exceeds the computed tax {tax}")
    t.v("simplified.employee_reduction.automatic")
    t.line(
        line.REDUCTION,
        reduction,
        "уменьшение за работников — вводится вручную (порог C15 не сверен)",
        "қызметкерлер үшін азайту — қолмен енгізіледі (C15 шегі тексерілмеген)",
        {"reduction": reduction},
    )
    t.line(line.TAX_AFTER_REDUCTION, tax - reduction, "строка 005 − строка 006", "005 жол − 006 жол")
    return [PlaceShare(None, income, Decimal(1), ZERO, income, rate, "simplified.rate", tax)]


def _tax_by_place(
    t: Tracer, incomes: list[tuple[str | None, Decimal]], explicit: Decimal | None, reduction: Decimal
) -> list[PlaceShare]:
    """2026: each place at its maslikhat rate (or the base rate); the manual reduction is split by income share."""
    income = _income_line(t, incomes)
    if reduction > income:
        raise CalcInputError(f"reduction {reduction} exceeds the income {income}")
    t.v("simplified.payroll_reduction.automatic")
    rows: list[PlaceShare] = []
    left = reduction
    for index, (pid, amt) in enumerate(incomes):
        part = amt / income if income else Decimal(1) / len(incomes)
        cut = left if index == len(incomes) - 1 else min(left, whole_tenge(reduction * part))
        left -= cut
        rate, source = _rate(t, pid, explicit)
        base = max(ZERO, amt - cut)
        rows.append(PlaceShare(pid, amt, part, cut, base, rate, source, whole_tenge(base * rate)))
    tax = sum((r.ipn for r in rows), ZERO)
    detail_ru = "; ".join(f"{_name(r.place, 'ru')}: {share(r.rate)} × {amount(r.base)}" for r in rows)
    detail_kk = "; ".join(f"{_name(r.place, 'kk')}: {share(r.rate)} × {amount(r.base)}" for r in rows)
    t.line(line.TAX, tax, f"сумма по местам деятельности ({detail_ru})", f"қызмет орындары бойынша ({detail_kk})")
    t.line(
        line.REDUCTION,
        ZERO,
        f"уменьшение объекта на ФОТ {amount(reduction)} учтено в базах мест (вручную, C2)",
        f"объектіні ЕТҚ-ға {amount(reduction)} азайту орындар базаларында ескерілді (қолмен, C2)",
        {"reduction": reduction},
    )
    t.line(line.TAX_AFTER_REDUCTION, tax, "строка 005 − строка 006", "005 жол − 006 жол")
    return rows


def _name(pid: str | None, lang: str) -> str:
    if pid is None:
        return "место не указано" if lang == "ru" else "орын көрсетілмеген"
    return get_place(pid).name(lang)


def _rate(t: Tracer, pid: str | None, explicit: Decimal | None) -> tuple[Decimal, str]:
    if explicit is not None:
        low, high = t.d("simplified.rate_min"), t.d("simplified.rate_max")
        if not low <= explicit <= high:
            raise CalcInputError(f"rate {share(explicit)} is outside {share(low)}–{share(high)}")
        return explicit, "explicit"
    base = t.d("simplified.rate")
    if pid is None:
        t.warn(notices.no_place(base))
        return base, "simplified.rate"
    place = get_place(pid)
    known = place.rate_at(t.on)
    if known is None:
        t.warn(notices.default_rate_used(place.name_ru, place.name_kk, base))
        return base, "simplified.rate"
    ref = known.reference
    title = f"{ref.title}, {ref.article}" if ref.article else ref.title
    t.use(ParamUse(f"places.{place.id}.rate", known.value, known.since, ref.cite(), False, title))
    return known.value, ref.cite()


def _check_own(period: HalfYear, own: Sequence[CalcResult] | None) -> list[CalcResult]:
    if not own:
        return []
    expected = [month.iso() for month in period.months()]
    if [r.kind for r in own] != ["self"] * len(own) or [r.period for r in own] != expected:
        raise CalcInputError(f"own payments must be the self_payments of {', '.join(expected)}")
    return list(own)


def _base(result: CalcResult, key: str) -> Decimal:
    value = result.step(key).inputs.get("base")
    return value if isinstance(value, Decimal) else ZERO


# form line → (how a month's value is read, ru, kk)
_OWN_LINES: tuple[tuple[str, str, str, str], ...] = (
    (line.OWN_SO_BASE, "base:so", "база СО ИП за месяцы полугодия", "ЖК ӘА базасы"),
    (line.OWN_SO, "so", "СО ИП за себя", "ЖК-нің өзі үшін ӘА"),
    (line.OWN_OPV_BASE, "base:opv", "база ОПВ и ОПВР ИП", "ЖК МЗЖ мен МЗЖЖ базасы"),
    (line.OWN_OPV, "opv", "ОПВ ИП за себя", "ЖК-нің өзі үшін МЗЖ"),
    (line.OWN_OPVR, "opvr", "ОПВР ИП за себя", "ЖК-нің өзі үшін МЗЖЖ"),
    (line.OWN_VOSMS, "vosms", "ВОСМС ИП за себя", "ЖК-нің өзі үшін МӘМС"),
)


def _own_lines(t: Tracer, own: list[CalcResult]) -> dict[str, list[Decimal]]:
    """Lines 010–015: the sums of the six months, each month's parameters attached to the line's step."""
    monthly: dict[str, list[Decimal]] = {}
    for key, source, ru, kk in _OWN_LINES:
        if not own:
            break
        name = source.split(":")[-1]
        values = [_base(r, name) if source.startswith("base:") else r.lines[name] for r in own]
        for r in own:
            for use in r.step(name).params:
                t.use(use)
        monthly[key] = values
        t.line(key, sum(values, ZERO), f"{ru}: сумма 6 месяцев", f"{kk}: 6 айдың сомасы")
    return monthly


def _split(t: Tracer, so_paid: Decimal) -> tuple[Decimal, Decimal]:
    tax = t.lines[line.TAX_AFTER_REDUCTION]
    ipn_share = t.d("simplified.ipn_share")
    ipn = t.line(line.IPN, tax * ipn_share, f"{share(ipn_share)} строки 007", f"007 жолдың {share(ipn_share)}")
    st_share = t.d("simplified.social_tax_share")
    raw = min(whole_tenge(tax * st_share), tax - ipn)  # two rounded halves never exceed line 007
    if t.v("simplified.social_tax_minus_so"):
        value = max(ZERO, raw - so_paid)
        rule_ru = f"{share(st_share)} строки 007 = {amount(raw)} − СО за полугодие {amount(so_paid)}, не ниже 0"
        rule_kk = f"007 жолдың {share(st_share)} = {amount(raw)} − жарты жылдағы ӘА {amount(so_paid)}, 0-ден кем емес"
    else:
        value = raw
        rule_ru = "плательщики упрощёнки не платят соцналог"
        rule_kk = "оңайлатылған төлеушілер әлеуметтік салық төлемейді"
    social = t.line(line.SOCIAL_TAX, value, rule_ru, rule_kk, {"so_paid": so_paid})
    return ipn, social


def _limit_warnings(t: Tracer, period: HalfYear, income: Decimal, prior: Decimal, employees: int) -> None:
    limit, per = limits.simplified_limit(period.year)
    used = income if per == "half_year" else prior + income
    t.warn(limits.limit_warning("simplified", used, limit, period.january_first))
    t.warn(limits.vat_warning(period.year, prior + income, special_regime=True))
    cap = t.v("simplified.max_employees")
    if cap is not None and employees > int(cap):
        t.warn(notices.employees_exceeded(employees, int(cap)))
