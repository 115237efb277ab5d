"""Regime income limits and the VAT threshold (предельный доход режима, порог НДС)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.calc import notices
from core.calc._common import ZERO
from core.calc._trace import Tracer
from core.calc.errors import CalcInputError, UnsupportedPeriodError
from core.calc.periods import check_year, non_negative
from core.explain import CalcResult, CalcWarning
from core.rules import parameters

_REGIME_NAMES = {
    "simplified": ("упрощённая декларация", "оңайлатылған декларация"),
    "self_employed": ("самозанятые", "өзін-өзі жұмыспен қамтығандар"),
}


def limit_level(used: Decimal, limit: Decimal, on: dt.date) -> int | None:
    """The highest warning level (``limits.warning_levels``, percent) ``used`` reaches (100: exceeds), or ``None``."""
    if limit <= 0:
        return None
    levels = [int(level) for level in parameters().value("limits.warning_levels", on)]
    reached = [level for level in levels if _reaches(used * 100, limit * level, level)]
    return max(reached) if reached else None


def _reaches(used_pct: Decimal, level_amount: Decimal, level: int) -> bool:
    # the 100 % level means "exceeded": income equal to the limit is still allowed
    return used_pct > level_amount if level >= 100 else used_pct >= level_amount


def limit_warning(regime: str, used: Decimal, limit: Decimal, on: dt.date) -> CalcWarning | None:
    """``limit_50`` … ``limit_exceeded`` for ``used`` of ``limit``, or ``None`` below the first level."""
    level = limit_level(used, limit, on)
    if level is None:
        return None
    ru, kk = _REGIME_NAMES.get(regime, (regime, regime))
    return notices.limit_usage(level, used, limit, ru, kk)


def simplified_limit(year: int) -> tuple[Decimal, str]:
    """910.00 income limit in tenge (МРП of 1 January) and its period, ``"half_year"`` or ``"year"``."""
    jan1 = dt.date(year, 1, 1)
    tree = parameters()
    limit = tree.decimal("simplified.limit_mrp", jan1) * tree.decimal("base.mrp", jan1)
    return limit, str(tree.value("simplified.limit_period", jan1))


def vat_threshold(year: int) -> Decimal:
    """VAT registration threshold for a calendar year's turnover, in tenge (МРП of 1 January)."""
    jan1 = dt.date(year, 1, 1)
    tree = parameters()
    return tree.decimal("vat.threshold_mrp", jan1) * tree.decimal("base.mrp", jan1)


def vat_warning(year: int, turnover: Decimal, *, special_regime: bool) -> CalcWarning | None:
    """``vat_threshold`` when the year's turnover reaches the threshold and the payer can be a VAT payer at all."""
    jan1 = dt.date(year, 1, 1)
    if special_regime and not parameters().value("vat.special_regime_can_register", jan1):
        return None  # 2026: special-regime payers cannot register; the regime limit warns instead
    threshold = vat_threshold(year)
    return notices.vat_threshold(turnover, threshold) if turnover >= threshold else None


def limit_usage(regime: str, year: int, used: Decimal, *, month: int | None = None) -> CalcResult:
    """How much of a regime's income limit ``used`` takes, with the limit and VAT warnings.

    ``regime``: ``simplified`` (``used`` = the half-year's income before 2026, the year's income from 2026),
    ``self_employed`` (``used`` = the month's income; ``month`` required) or ``general`` (no regime limit, VAT only).
    Lines: ``limit``, ``used``, ``remaining`` (0 for ``general``).
    """
    check_year(year)
    used = non_negative("income", used)
    on = dt.date(year, month or 1, 1)
    t = Tracer(on)
    if regime == "simplified":
        limit = t.mrp("simplified.limit_mrp", dt.date(year, 1, 1))
        per_ru, per_kk = (
            ("полугодие", "жарты жыл") if t.v("simplified.limit_period") == "half_year" else ("год", "жыл")
        )
        rule_ru, rule_kk = (
            f"{t.d('simplified.limit_mrp')} МРП за {per_ru}",
            f"{per_kk} үшін {t.d('simplified.limit_mrp')} АЕК",
        )
    elif regime == "self_employed":
        if month is None:
            raise CalcInputError("the self-employed limit is monthly: give the month")
        if not t.peek("self_employed.available"):
            raise UnsupportedPeriodError(f"the self-employed regime does not exist in {year}")
        limit = t.mrp("self_employed.limit_mrp_month")
        rule_ru, rule_kk = (
            f"{t.d('self_employed.limit_mrp_month')} МРП в месяц",
            f"айына {t.d('self_employed.limit_mrp_month')} АЕК",
        )
    elif regime == "general":
        limit, rule_ru, rule_kk = ZERO, "у ОУР нет предела дохода", "ЖБТ-да табыс шегі жоқ"
    else:
        raise CalcInputError(f"regime must be simplified, self_employed or general, got {regime!r}")
    t.line("limit", limit, rule_ru, rule_kk)
    t.line("used", used, "доход за период", "кезеңдегі табыс")
    t.line("remaining", max(ZERO, limit - used), "предел − доход, не ниже 0", "шек − табыс, 0-ден кем емес")
    t.warn(limit_warning(regime, used, limit, on))
    if regime != "self_employed":
        t.warn(vat_warning(year, used, special_regime=regime == "simplified"))
    period = f"{year:04d}-{month:02d}" if month else f"{year:04d}"
    return t.result("limits", period, used, {"regime": regime})
