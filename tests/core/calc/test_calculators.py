"""Behaviour that the golden cases do not cover: bad input, traces, places, limits, JSON shape."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from core.calc import (
    CalcInputError,
    UnknownPlaceError,
    UnsupportedPeriodError,
    declaration_910,
    limit_usage,
    payroll,
    self_employed,
    self_payments,
    supported_years,
)
from core.calc.periods import Month
from core.explain import render_explanation


def test_supported_years_follow_the_mrp_parameter() -> None:
    assert list(supported_years()) == [2024, 2025, 2026]


@pytest.mark.parametrize("text", ["2026-3", "2026/03", "march", "", "2026-00", "2026-13"])
def test_malformed_period(text: str) -> None:
    with pytest.raises(CalcInputError):
        Month.parse(text)


def test_unsupported_year() -> None:
    with pytest.raises(UnsupportedPeriodError):
        self_payments("2023-12", Decimal(1))
    with pytest.raises(UnsupportedPeriodError):
        self_employed("2025-05", Decimal(1))


def test_negative_income() -> None:
    with pytest.raises(CalcInputError):
        self_payments("2026-01", Decimal(-1))
    with pytest.raises(CalcInputError):
        payroll("2026-01", Decimal("-0.01"))


def test_unknown_place_is_typed_bad_input() -> None:
    with pytest.raises(UnknownPlaceError) as err:
        declaration_910(2026, 1, income=Decimal(1), place="atlantis")
    assert err.value.place_id == "atlantis"
    assert isinstance(err.value, ValueError)


def test_910_income_must_equal_places_sum() -> None:
    with pytest.raises(CalcInputError):
        declaration_910(2026, 1, income=Decimal(5), places={"astana": Decimal(1), "karasai": Decimal(1)})
    result = declaration_910(2026, 1, income=Decimal(2), places={"astana": Decimal(1), "karasai": Decimal(1)})
    assert result.lines["910.00.001"] == 2


def test_910_rate_bounds_and_years() -> None:
    with pytest.raises(CalcInputError):
        declaration_910(2026, 1, income=Decimal(1000), rate=Decimal("0.07"))
    with pytest.raises(CalcInputError):
        declaration_910(2025, 1, income=Decimal(1000), rate=Decimal("0.03"))
    with pytest.raises(CalcInputError):
        declaration_910(2026, 3, income=Decimal(1000))


def test_910_without_place_warns_default_rate() -> None:
    result = declaration_910(2026, 1, income=Decimal(1_000_000))
    assert [w.code for w in result.warnings] == ["default_rate_used"]
    assert result.lines["910.00.008"] == 40_000


def test_910_reduction_split_keeps_the_sum() -> None:
    result = declaration_910(
        2026, 1, places={"astana": Decimal(1_000_001), "tayynsha": Decimal(2_000_000)}, reduction=Decimal(1000)
    )
    rows = result.extra["places"]
    assert sum(r["reduction"] for r in rows) == 1000
    assert result.lines["910.00.005"] == sum(r["ipn"] for r in rows)


def test_910_2024_has_no_place_rate() -> None:
    result = declaration_910(2024, 1, income=Decimal(1_000_000), place="astana")
    assert result.lines["910.00.005"] == 30_000


def test_payroll_2026_high_rate_above_annual_threshold() -> None:
    # 8 500 МРП × 4 325 = 36 762 500; everything above it at 15 %
    result = payroll("2026-12", Decimal(1_000_000), ipn_base_before=Decimal(40_000_000))
    base = Decimal(1_000_000) - 100_000 - 20_000 - 129_750
    assert result.lines["ipn"] == (base * Decimal("0.15")).quantize(Decimal(1))


def test_payroll_zero_salary_is_all_zero() -> None:
    result = payroll("2026-04", Decimal(0), employer="legal_entity")
    assert all(v == 0 for v in result.lines.values())


def test_payroll_rejects_unknown_employer() -> None:
    with pytest.raises(CalcInputError):
        payroll("2026-04", Decimal(1), employer="bank")  # type: ignore[arg-type]


def test_trace_has_rules_params_and_references() -> None:
    result = self_payments("2026-03", Decimal(300_000), born=dt.date(1980, 5, 1))
    for step in result.trace:
        assert step.rule_ru
        assert step.rule_kk
    opv = result.step("opv")
    paths = {p.path for p in opv.params}
    assert {"social.opv.rate", "base.mzp"} <= paths
    assert all(p.cite for p in opv.params)
    so = result.step("so")
    c1 = next(p for p in so.params if p.path == "social.so.self_base_minus_opv")
    assert c1.verify is True


def test_render_explanation_ru_and_kk() -> None:
    result = self_payments("2026-03", Decimal(85_000))
    ru = render_explanation(result, "ru")
    kk = render_explanation(result, "kk")
    assert "8 500 ₸" in ru
    assert "Итого: 21 675 ₸" in ru
    assert "Барлығы: 21 675 ₸" in kk
    assert "МЗЖ" in kk
    assert "\n" in ru
    assert len(ru.splitlines()) < 20


def test_to_json_is_serialisable_with_integers() -> None:
    payload = declaration_910(2026, 1, places={"astana": Decimal(8_000_000), "oiyl": Decimal(4_000_000)}).to_json("kk")
    text = json.dumps(payload, ensure_ascii=False)
    assert payload["lines"]["910.00.008"] == 320_000
    assert isinstance(payload["total"], int)
    assert isinstance(payload["warnings"], list)
    assert isinstance(payload["trace"], list)
    assert "Астана" in text


def test_self_employed_exempt_pensioner() -> None:
    result = self_employed("2026-02", Decimal(100_000), pensioner=True)
    assert result.total == 0
    assert result.extra["eligible"] is True


@pytest.mark.parametrize(
    ("regime", "year", "used", "month", "codes"),
    [
        ("simplified", 2026, 1_297_500_000, None, ["limit_50"]),  # 50 % of 600 000 МРП × 4 325
        ("simplified", 2026, 2_466_000_000, None, ["limit_95"]),
        ("simplified", 2026, 2_595_000_001, None, ["limit_exceeded"]),
        ("simplified", 2024, 70_000_000, None, ["limit_50"]),  # 24 038 × 3 692 = 88 748 296 per half-year
        ("simplified", 2025, 80_000_000, None, ["limit_80", "vat_threshold"]),  # 20 000 × 3 932 = 78 640 000
        ("general", 2026, 43_250_000, None, ["vat_threshold"]),  # 10 000 × 4 325
        ("general", 2026, 43_249_999, None, []),
        ("general", 2025, 78_640_000, None, ["vat_threshold"]),
        ("self_employed", 2026, 1_038_000, 5, ["limit_80"]),
    ],
)
def test_limit_usage(regime: str, year: int, used: int, month: int | None, codes: list[str]) -> None:
    result = limit_usage(regime, year, Decimal(used), month=month)
    assert [w.code for w in result.warnings] == codes
    assert result.lines["remaining"] == max(0, result.lines["limit"] - used)


def test_limit_usage_bad_input() -> None:
    with pytest.raises(CalcInputError):
        limit_usage("patent", 2025, Decimal(1))
    with pytest.raises(CalcInputError):
        limit_usage("self_employed", 2026, Decimal(1))
    with pytest.raises(UnsupportedPeriodError):
        limit_usage("self_employed", 2025, Decimal(1), month=3)


def test_910_same_place_twice_is_bad_input() -> None:
    with pytest.raises(CalcInputError):
        declaration_910(2026, 1, places={"astana": Decimal(1), "Astana": Decimal(2)})


def test_910_own_payments_fill_lines_010_to_015_and_reduce_social_tax() -> None:
    own = [self_payments(f"2025-{m:02d}", Decimal(85_000)) for m in range(7, 13)]
    result = declaration_910(2025, 2, income=Decimal(10_000_000), own_payments=own)
    assert result.lines["910.00.011"] == 6 * 4250
    assert result.lines["910.00.013"] == 6 * 8500
    assert result.lines["910.00.015"] == 6 * 5950
    assert result.lines["910.00.010"] == 6 * 85_000
    assert result.lines["910.00.009"] == 150_000 - 25_500  # the own СО reduces the social tax
    assert result.extra["monthly"]["910.00.014"] == [Decimal(2125)] * 6
    assert result.step("910.00.011").params  # each month's parameters are attached


def test_910_own_payments_must_match_the_half() -> None:
    own = [self_payments(f"2025-{m:02d}", Decimal(85_000)) for m in range(1, 7)]
    with pytest.raises(CalcInputError):
        declaration_910(2025, 2, income=Decimal(1), own_payments=own)
    with pytest.raises(CalcInputError):
        declaration_910(2025, 1, income=Decimal(1), own_payments=own[:5])
