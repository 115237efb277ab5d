"""Regime advice against hand-computed cases (the arithmetic is in each docstring)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calc import CalcInputError
from core.registration import compare_regimes
from core.registration.regime import render_comparison

D = Decimal


def test_2026_astana_24_million() -> None:
    """2026, Astana (maslikhat 3 %), no employees, income 24 000 000, own social payments on 1 МЗП = 85 000.

    Social payments a month: ОПВ 10 % × 85 000 = 8 500; ОПВР 3,5 % × 85 000 = 2 975; СО 5 % × 85 000 = 4 250;
    ВОСМС 5 % × 1,4 × 85 000 = 5 950 → 21 675 × 12 = 260 100 a year (ОПВ 102 000, ОПВР 35 700, СО 51 000,
    ВОСМС 71 400).
    Simplified: 2 half-years × 3 % × 12 000 000 = 720 000 ИПН, no social tax → 720 000 + 260 100 = 980 100.
    General: ИПН 10 % × 24 000 000 = 2 400 000 (below 230 000 МРП); social tax 2 МРП × 4 325 = 8 650 × 12 = 103 800
    → 2 400 000 + 103 800 + 260 100 = 2 763 900.
    Self-employed: 2 000 000 a month > 300 МРП × 4 325 = 1 297 500 → not eligible.
    """
    result = compare_regimes(D(24_000_000), "astana", 0, None, 2026)
    simplified = result.option("simplified")
    assert simplified.lines == {
        "ipn": 720_000, "social_tax": 0, "opv": 102_000, "opvr": 35_700, "so": 51_000, "vosms": 71_400,
    }  # fmt: skip
    assert simplified.total == 980_100
    assert simplified.eligible
    assert simplified.cheapest
    general = result.option("general")
    assert general.lines["ipn"] == 2_400_000
    assert general.lines["social_tax"] == 103_800
    assert general.total == 2_763_900
    self_emp = result.option("self_employed")
    assert not self_emp.eligible
    assert {r.code for r in self_emp.reasons} >= {"limit_exceeded", "not_for_ip"}
    assert [o.regime for o in result.options] == ["simplified", "general", "self_employed"]
    assert result.cheapest is simplified
    places = [p.path for p in simplified.trace[0].params]
    assert "places.astana.rate" in places


def test_2026_self_employed_is_cheapest_for_a_taxi_driver() -> None:
    """2026, 12 000 000 a year = 1 000 000 a month ≤ 1 297 500: self-employed 4 × 1 % × 1 000 000 × 12 = 480 000.

    Simplified (Astana 3 %): 3 % × 12 000 000 = 360 000 + 260 100 = 620 100. General: 1 200 000 + 103 800 + 260 100
    = 1 563 900. Taxi (49.32) is named in the self-employed list.
    """
    result = compare_regimes(D(12_000_000), "astana", 0, "49.32.1", 2026)
    assert [o.regime for o in result.options] == ["self_employed", "simplified", "general"]
    assert result.option("self_employed").total == 480_000
    assert result.option("self_employed").lines == {"opv": 120_000, "opvr": 120_000, "so": 120_000, "osms": 120_000}
    assert result.option("simplified").total == 620_100
    assert result.option("general").total == 1_563_900
    assert "activity_allowed" in {r.code for r in result.option("self_employed").reasons}


def test_employees_rule_out_self_employed_and_add_social_tax_on_general() -> None:
    """2026, 2 employees: self-employed not allowed; general social tax (2 + 1 × 2) МРП × 4 325 × 12 = 207 600."""
    result = compare_regimes(D(6_000_000), "karasai", 2, None, 2026)
    assert not result.option("self_employed").eligible
    assert "employees_not_allowed" in {r.code for r in result.option("self_employed").reasons}
    assert result.option("general").lines["social_tax"] == 207_600
    # Karasai 2 %: 2 % × 6 000 000 = 120 000 + 260 100
    assert result.option("simplified").total == 380_100


def test_2025_social_tax_reduced_by_so_and_forbidden_activity() -> None:
    """2025, no place (3 % flat), 2 employees, accounting services (69.20 — forbidden on 910.00 in 2024–25).

    Own payments a month on 85 000: ОПВ 8 500, ОПВР 2,5 % = 2 125, СО 5 % = 4 250, ВОСМС 5 950 → 20 825 × 12 = 249 900.
    Simplified: 3 % × 24 000 000 = 720 000; ИПН half 360 000; social tax half 360 000 − СО 51 000 = 309 000
    → 918 900 but not eligible (activity).
    General: ИПН 2 400 000; social tax (2 + 2) × 3 932 × 12 = 188 736 − СО 51 000 = 137 736 → 2 787 636.
    """
    result = compare_regimes(D(24_000_000), None, 2, "69.20.0", 2025)
    simplified = result.option("simplified")
    assert simplified.lines["ipn"] == 360_000
    assert simplified.lines["social_tax"] == 309_000
    assert simplified.total == 918_900
    assert not simplified.eligible
    assert "activity_forbidden" in {r.code for r in simplified.reasons}
    assert result.option("general").total == 2_787_636
    assert result.cheapest is result.option("general")
    assert not result.option("self_employed").eligible  # no such regime in 2025


def test_vat_threshold_reasons() -> None:
    """2026 VAT threshold 10 000 МРП × 4 325 = 43 250 000: general must register; simplified buyers lose the credit."""
    result = compare_regimes(D(50_000_000), "astana", 0, None, 2026)
    assert "vat_registration_required" in {r.code for r in result.option("general").reasons}
    assert "vat_threshold_special" in {r.code for r in result.option("simplified").reasons}
    assert result.option("simplified").eligible


def test_simplified_limit_and_expenses() -> None:
    """2026 limit 600 000 МРП × 4 325 = 2 595 000 000; general ИПН on 3 000 000 000 − 1 000 000 000 = 2 000 000 000:
    10 % × 994 750 000 + 15 % × 1 005 250 000 = 99 475 000 + 150 787 500 = 250 262 500."""
    result = compare_regimes(D(3_000_000_000), "astana", 0, None, 2026, expenses=D(1_000_000_000))
    assert not result.option("simplified").eligible
    assert result.option("general").lines["ipn"] == 250_262_500
    assert result.cheapest is result.option("general")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"income_year": D(-1)}, "income"),
        ({"place": "mars"}, "unknown place"),
        ({"activity": "abc"}, "ОКЭД"),
        ({"employees": -1}, "employees"),
        ({"on": 2031}, "2031"),
    ],
)
def test_bad_input(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"income_year": D(1_000_000), "place": "astana", "employees": 0, "on": 2026}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        compare_regimes(**args)  # type: ignore[arg-type]


def test_expenses_above_income_is_bad_input() -> None:
    with pytest.raises(CalcInputError):
        compare_regimes(D(100), "astana", 0, None, 2026, expenses=D(200))


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_render_and_json(lang: str) -> None:
    result = compare_regimes(D(24_000_000), "astana", 0, None, 2026)
    text = render_comparison(result, lang)  # type: ignore[arg-type]
    assert "980 100 ₸" in text
    payload = result.to_json(lang)  # type: ignore[arg-type]
    assert payload["cheapest"] == "simplified"
    assert all(isinstance(o["total"], int) for o in payload["options"])


@settings(max_examples=25, deadline=None)
@given(
    income=st.integers(min_value=0, max_value=400_000_000),
    employees=st.integers(min_value=0, max_value=5),
    place=st.sampled_from([None, "astana", "karasai", "shymkent"]),
    year=st.sampled_from([2024, 2025, 2026]),
)
def test_the_cheapest_eligible_option_is_marked(income: int, employees: int, place: str | None, year: int) -> None:
    result = compare_regimes(D(income), place, employees, None, year)
    eligible = [o for o in result.options if o.eligible]
    marked = [o for o in result.options if o.cheapest]
    assert eligible  # the general regime has no limit
    assert len(marked) == 1
    assert marked[0].eligible
    assert marked[0].total == min(o.total for o in eligible)
    assert all(v == v.to_integral_value() for o in result.options for v in o.lines.values())
