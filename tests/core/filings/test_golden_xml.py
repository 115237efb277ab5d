"""Every golden 910.00 case of the tax engine (core/rules/cases/declaration_910.yaml) as XML: its lines on the form,
and the document passes ``check_910``; any line moved by one tenge is caught."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calc import declaration_910
from core.filings import Taxpayer, build_910, check_910, declaration_from_result, mapping_910
from core.rules.loader import read_yaml

CASES = Path(__file__).parents[3] / "core" / "rules" / "cases" / "declaration_910.yaml"
AMOUNTS = {"income", "so_paid", "prior_income", "reduction", "rate"}
TAXPAYER = Taxpayer("900101300007", "ИВАНОВ ИВАН")


def _kwargs(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in AMOUNTS:
            out[key] = Decimal(str(value))
        elif key == "places":
            out[key] = {k: Decimal(str(v)) for k, v in value.items()}
        else:
            out[key] = value
    return out


def _golden() -> list[Any]:
    return [pytest.param(c, id=c["name"]) for c in read_yaml(CASES)]


@pytest.mark.parametrize("case", _golden())
def test_golden_case_as_xml(case: dict[str, Any]) -> None:
    kwargs = _kwargs(case["args"])
    result = declaration_910(kwargs.pop("year"), kwargs.pop("half"), **kwargs)
    xml = build_910(declaration_from_result(result, TAXPAYER, submit_date=dt.date(2026, 8, 1)))
    assert check_910(xml) == []
    for key, value in case["expect"].get("lines", {}).items():
        field = mapping_910().lines[key]
        assert f'<field name="{field}">{value}</field>'.encode() in xml


PLACES = ["astana", "almaty", "shymkent", "karasai"]


@settings(max_examples=40, deadline=None)
@given(
    incomes=st.lists(st.integers(min_value=0, max_value=500_000_000), min_size=1, max_size=3),
    places=st.lists(st.sampled_from(PLACES), min_size=3, max_size=3, unique=True),
    line=st.sampled_from(["910.00.005", "910.00.007", "910.00.008"]),
)
def test_2026_places_pass_and_a_moved_line_is_caught(incomes: list[int], places: list[str], line: str) -> None:
    by_place = {p: Decimal(i) for p, i in zip(places, incomes, strict=False)}
    result = declaration_910(2026, 2, places=by_place)
    xml = build_910(declaration_from_result(result, TAXPAYER, submit_date=dt.date(2026, 8, 1)))
    assert check_910(xml) == []
    field = mapping_910().lines[line]
    value = result.lines[line]
    moved = xml.replace(f'"{field}">{value}<'.encode(), f'"{field}">{value + 1}<'.encode())
    assert any(i.code == "line_mismatch" and i.field == field for i in check_910(moved))
