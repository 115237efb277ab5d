"""Regime income limits and the VAT threshold (предельный доход режима, порог НДС)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.calc import notices
from core.explain import CalcWarning
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
