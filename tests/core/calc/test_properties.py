"""Property tests: never negative, whole tenge, monotonic in income, caps respected."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from core.calc import CalcResult, declaration_910, payroll, self_employed, self_payments
from core.rules import parameters

MONTHS = st.sampled_from(["2024-02", "2024-11", "2025-01", "2025-07", "2026-03", "2026-12"])
AMOUNTS = st.decimals(min_value=0, max_value=20_000_000, places=2, allow_nan=False, allow_infinity=False)
EMPLOYERS = st.sampled_from(["ip_general", "ip_simplified", "legal_entity"])
FAST = settings(max_examples=60, deadline=None, derandomize=True, database=None)
ROUNDED_LINES_IN_NET = 3


def _whole_and_non_negative(result: CalcResult) -> None:
    for key, value in result.lines.items():
        assert value >= 0, key
        assert value == value.to_integral_value(), key
    assert result.total >= 0
    assert result.total == result.total.to_integral_value()
    assert all(step.result == result.lines[step.line] for step in result.trace)


def _mzp(month: str, path: str) -> Decimal:
    on = dt.date.fromisoformat(f"{month}-01")
    tree = parameters()
    return tree.decimal(path, on) * tree.decimal("base.mzp", on)


@FAST
@given(MONTHS, AMOUNTS, AMOUNTS)
def test_self_payments_monotonic_and_capped(month: str, a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    r_low, r_high = self_payments(month, low), self_payments(month, high)
    _whole_and_non_negative(r_low)
    _whole_and_non_negative(r_high)
    assert all(r_low.lines[k] <= r_high.lines[k] for k in r_low.lines)
    on = dt.date.fromisoformat(f"{month}-01")
    rate = parameters().decimal("social.opv.rate", on)
    assert r_high.lines["opv"] <= _mzp(month, "social.opv.base_max_mzp") * rate
    assert r_high.lines["so"] <= _mzp(month, "social.so.base_max_mzp") * parameters().decimal("social.so.rate", on)


@FAST
@given(MONTHS, AMOUNTS, AMOUNTS, EMPLOYERS)
def test_payroll_monotonic_and_capped(month: str, a: Decimal, b: Decimal, employer: str) -> None:
    low, high = sorted((a, b))
    r_low = payroll(month, low, employer=employer)  # type: ignore[arg-type]
    r_high = payroll(month, high, employer=employer)  # type: ignore[arg-type]
    _whole_and_non_negative(r_low)
    _whole_and_non_negative(r_high)
    for key in ("opv", "vosms", "ipn", "oosms"):
        assert r_low.lines[key] <= r_high.lines[key], key
    # net = salary − three separately rounded lines, so it may dip by at most 1 ₸ per rounded line
    assert r_low.lines["net"] <= r_high.lines["net"] + ROUNDED_LINES_IN_NET
    assert r_high.lines["net"] <= high.quantize(Decimal(1), rounding="ROUND_HALF_UP")
    on = dt.date.fromisoformat(f"{month}-01")
    rate = parameters().decimal("social.vosms_employee.rate", on)
    assert r_high.lines["vosms"] <= _mzp(month, "social.vosms_employee.base_max_mzp") * rate


@FAST
@given(st.sampled_from([2024, 2025, 2026]), st.sampled_from([1, 2]), AMOUNTS, AMOUNTS, AMOUNTS)
def test_910_monotonic(year: int, half: int, a: Decimal, b: Decimal, so_paid: Decimal) -> None:
    low, high = sorted((a, b))
    r_low = declaration_910(year, half, income=low, so_paid=so_paid, place="astana")
    r_high = declaration_910(year, half, income=high, so_paid=so_paid, place="astana")
    _whole_and_non_negative(r_low)
    _whole_and_non_negative(r_high)
    assert r_low.total <= r_high.total
    assert r_high.total <= r_high.lines["910.00.005"]


@FAST
@given(AMOUNTS, AMOUNTS)
def test_self_employed_eligible_monotonic(a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    r_low, r_high = self_employed("2026-05", low), self_employed("2026-05", high)
    _whole_and_non_negative(r_low)
    _whole_and_non_negative(r_high)
    if r_high.extra["eligible"]:
        assert r_low.extra["eligible"]
        assert r_low.total <= r_high.total
