"""Пеня from dated parameters (base-rate history × multiplier / day count), against hand-computed cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calc import CalcInputError
from core.notices import penalty_interest, render_penalty
from core.rules import parameters

D = Decimal


def test_across_a_base_rate_change() -> None:
    """Debt 100 000 due 25.02.2025, paid 20.03.2025: days 26.02–20.03 inclusive = 23.

    26.02–09.03 (12 days) at 15,25 %: 100 000 × 1,25 × 0,1525 / 365 × 12 = 626,71 → 627.
    10.03–20.03 (11 days) at 16,5 % (from 10.03.2025): 100 000 × 1,25 × 0,165 / 365 × 11 = 621,58 → 622.
    Total 1 249.
    """
    result = penalty_interest(D(100_000), dt.date(2025, 2, 25), dt.date(2025, 3, 20))
    assert result.lines == {"from:2025-02-26": 627, "from:2025-03-10": 622}
    assert result.total == 1249
    assert result.extra["days"] == 23
    first = result.step("from:2025-02-26")
    assert {p.path for p in first.params} >= {"nbrk_base_rate", "penalties_interest.tax.multiplier"}
    assert first.inputs["days"] == 12


def test_one_stretch_social() -> None:
    """СО 4 250 due 27.04.2026 (25 April is a Saturday), paid 04.05.2026: 28.04–04.05 = 7 days at 18 %:
    4 250 × 1,25 × 0,18 / 365 × 7 = 18,34 → 18."""
    result = penalty_interest(D(4250), dt.date(2026, 4, 27), dt.date(2026, 5, 4), kind="social")
    assert result.total == 18
    assert result.extra["days"] == 7
    assert "penalties_interest.social.multiplier" in {p.path for p in result.trace[0].params}


def test_paid_on_time_has_no_penalty() -> None:
    result = penalty_interest(D(100_000), dt.date(2026, 2, 25), dt.date(2026, 2, 25))
    assert result.total == 0
    assert result.lines == {}
    assert result.extra["days"] == 0


def test_the_payment_day_counts() -> None:
    """One day late: 1 000 000 × 1,25 × 0,18 / 365 × 1 = 616,44 → 616."""
    assert penalty_interest(D(1_000_000), dt.date(2026, 8, 25), dt.date(2026, 8, 26)).total == 616


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_explained(lang: str) -> None:
    result = penalty_interest(D(100_000), dt.date(2025, 2, 25), dt.date(2025, 3, 20))
    text = render_penalty(result, lang)  # type: ignore[arg-type]
    assert "1 249 ₸" in text
    assert "15,25 %" in text
    assert "16,5 %" in text
    assert ("Пеня" if lang == "ru" else "Өсімпұл") in text.splitlines()[0]


def test_bad_input() -> None:
    with pytest.raises(CalcInputError):
        penalty_interest(D(-1), dt.date(2026, 1, 1), dt.date(2026, 2, 1))
    with pytest.raises(CalcInputError):
        penalty_interest(D(1), dt.date(2026, 1, 1), dt.date(2026, 2, 1), kind="fine")  # type: ignore[arg-type]


def test_days_after_the_checked_base_rate_history_warn() -> None:
    checked = parameters().value("penalties_interest.base_rate_checked_until", dt.date(2026, 1, 1))
    before = penalty_interest(D(1000), checked - dt.timedelta(days=10), checked)
    after = penalty_interest(D(1000), checked, checked + dt.timedelta(days=3))
    assert before.warnings == []
    assert [w.code for w in after.warnings] == ["base_rate_unverified"]
    assert "сверьте" in render_penalty(after, "ru")


@settings(max_examples=60, deadline=None)
@given(
    debt=st.integers(min_value=0, max_value=50_000_000),
    start=st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2026, 6, 30)),
    first=st.integers(min_value=0, max_value=400),
    second=st.integers(min_value=0, max_value=400),
)
def test_splitting_the_period_changes_only_rounding(debt: int, start: dt.date, first: int, second: int) -> None:
    """Пеня over [due, paid] equals the sum over [due, mid] and [mid, paid] up to one tenge per line."""
    mid = start + dt.timedelta(days=first)
    end = mid + dt.timedelta(days=second)
    whole = penalty_interest(D(debt), start, end)
    parts = penalty_interest(D(debt), start, mid).total + penalty_interest(D(debt), mid, end).total
    lines = len(whole.lines) + 2
    assert abs(whole.total - parts) <= lines
    assert whole.extra["days"] == first + second
    assert whole.total >= penalty_interest(D(debt), start, mid).total  # more days never cost less
