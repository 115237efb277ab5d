"""Run the golden cases in core/rules/cases/*.yaml (published examples, each naming its source)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from core.calc import CalcResult, declaration_910, payroll, self_employed, self_payments
from core.rules.loader import read_yaml

CASES_DIR = Path(__file__).parents[3] / "core" / "rules" / "cases"
CALCS = {
    "self_payments": self_payments,
    "payroll": payroll,
    "declaration_910": declaration_910,
    "self_employed": self_employed,
}
AMOUNTS = {"income", "salary", "so_paid", "prior_income", "reduction", "rate", "ipn_base_before"}


def _cases() -> list[Any]:
    out = []
    for file in sorted(CASES_DIR.glob("*.yaml")):
        for case in read_yaml(file):
            out.append(pytest.param(case, id=f"{file.stem}: {case['name']}"))
    return out


def _args(raw: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        if key in AMOUNTS:
            kwargs[key] = Decimal(str(value))
        elif key == "places":
            kwargs[key] = {k: Decimal(str(v)) for k, v in value.items()}
        else:
            kwargs[key] = value
    positional = [kwargs.pop(k) for k in ("year", "half", "period") if k in kwargs]
    if "period" in raw and "income" in kwargs:
        positional.append(kwargs.pop("income"))
    if "salary" in kwargs:
        positional.append(kwargs.pop("salary"))
    return positional, kwargs


def test_there_are_cases_for_every_calculator() -> None:
    names = {case.values[0]["calc"] for case in _cases()}
    assert names == set(CALCS)


@pytest.mark.parametrize("case", _cases())
def test_golden_case(case: dict[str, Any]) -> None:
    assert case.get("source"), "every golden case names its source"
    args, kwargs = _args(case["args"])
    result: CalcResult = CALCS[case["calc"]](*args, **kwargs)
    expect = case["expect"]
    for key, value in expect.get("lines", {}).items():
        assert result.lines[key] == Decimal(value), key
    if "total" in expect:
        assert result.total == Decimal(expect["total"])
    for key, value in expect.get("extra", {}).items():
        assert result.extra[key] == (
            Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value
        )
    if "warnings" in expect:
        assert [w.code for w in result.warnings] == expect["warnings"]


def test_cases_dates_are_parsed_as_dates() -> None:
    born = [c.values[0]["args"]["born"] for c in _cases() if "born" in c.values[0]["args"]]
    assert born
    assert all(isinstance(b, dt.date) for b in born)
