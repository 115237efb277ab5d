"""VAT rates an ESF line may carry on a turnover date, read from the dated parameters (``core/rules``, ``vat.*``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.rules import ParameterError, parameters

_STANDARD = "vat.rate"
_REDUCED = ("vat.reduced_rate_medical", "vat.reduced_rate_periodicals")


def _percent(share: Decimal) -> int:
    percent = share * 100
    if percent != percent.to_integral_value():
        raise ParameterError(f"VAT rate {share} is not a whole percent")
    return int(percent)


def standard_vat_rate(on: dt.date) -> int:
    """The standard VAT rate in percent in force on ``on`` (12 before 2026, 16 from 2026)."""
    return _percent(parameters().decimal(_STANDARD, on))


def allowed_vat_rates(on: dt.date) -> frozenset[int]:
    """Percentages an ESF line may carry on ``on``: 0 (export), the standard rate and any reduced rate in force."""
    rates = {0, standard_vat_rate(on)}
    tree = parameters()
    for path in _REDUCED:
        try:
            rates.add(_percent(tree.decimal(path, on)))
        except ParameterError:
            continue  # not in force yet on this date
    return frozenset(rates)
