"""``check_910``: format, template fields, mandatory fields, recomputed lines — each problem an ``Issue``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calc import declaration_910
from core.filings import Taxpayer, build_910, check_910, declaration_from_result

IIN = "900101300007"
D = Decimal


def _xml(year: int = 2026, **kwargs: object) -> bytes:
    kwargs = kwargs or {"income": D(12_000_000), "place": "astana"}
    result = declaration_910(year, 1, **kwargs)  # type: ignore[arg-type]
    return build_910(declaration_from_result(result, Taxpayer(IIN, "ИВАНОВ ИВАН"), submit_date=dt.date(2026, 8, 1)))


def _codes(xml: bytes) -> list[str]:
    return [i.code for i in check_910(xml)]


def _field(name: str, value: str) -> bytes:
    return f'<field name="{name}">{value}</field>'.encode()


def test_not_xml_and_wrong_root() -> None:
    assert _codes(b"<fno") == ["format"]
    assert _codes(b"<declaration/>") == ["format"]
    assert "format" in _codes(_xml().replace(b'version="27"', b'version="26"'))


def test_unknown_field_and_sheet() -> None:
    xml = _xml().replace(_field("currency_code", "KZT"), _field("currency_code", "KZT") + _field("bogus", "1"))
    issues = check_910(xml)
    assert [(i.code, i.field) for i in issues] == [("unknown_field", "bogus")]
    assert "unknown_sheet" in _codes(_xml().replace(b"page_910_00_03", b"page_910_00_09"))


def test_lengths_and_types() -> None:
    assert "field_format" in _codes(_xml().replace(_field("currency_code", "KZT"), _field("currency_code", "KZTT")))
    assert "field_format" in _codes(_xml().replace(_field("period_half_year", "1"), _field("period_half_year", "3")))
    too_long = _xml().replace(b">12000000<", b">1234567890123<")
    assert "field_format" in _codes(too_long)
    assert "field_format" in _codes(_xml().replace(b">01.08.2026<", b">2026-08-01<"))
    assert "field_format" in _codes(_xml().replace(b">360000<", b">-360000<", 1))
    assert "field_format" in _codes(_xml().replace(_field("dt_regular", "true"), _field("dt_regular", "X")))


def test_mandatory_fields_and_sheets() -> None:
    issues = check_910(_xml().replace(_field("currency_code", "KZT"), b""))
    assert [(i.code, i.field) for i in issues] == [("missing", "currency_code")]
    head = '<field name="head_name">ИВАНОВ ИВАН</field>'.encode()
    assert [i.field for i in check_910(_xml().replace(head, b""))] == ["head_name"]
    assert "missing_sheet" in _codes(_xml().replace(b'name="page_910_00_03"', b'name="page_910_00_02"'))


def test_kind_exactly_one() -> None:
    both = _xml().replace(_field("dt_regular", "true"), _field("dt_regular", "true") + _field("dt_main", "true"))
    assert _codes(both) == ["kind"]
    assert _codes(_xml().replace(_field("dt_regular", "true"), b"")) == ["kind"]


def test_recomputed_lines() -> None:
    issues = check_910(_xml().replace(b'name="field_910_00_008">360000', b'name="field_910_00_008">350000'))
    assert [(i.code, i.field) for i in issues] == [("line_mismatch", "field_910_00_008")]
    xml_2025 = _xml(2025, income=D(10_000_000), so_paid=D(25_500))
    assert check_910(xml_2025) == []
    wrong_so = xml_2025.replace(b'name="field_910_00_011">25500', b'name="field_910_00_011">30000')
    assert [i.field for i in check_910(wrong_so)] == ["field_910_00_009"]


def test_place_breakdown_is_recomputed() -> None:
    xml = _xml(places={"astana": D(8_000_000), "karasai": D(4_000_000)})
    wrong_rate = xml.replace(b'tax="80000" rate="0.02"', b'tax="160000" rate="0.04"')
    assert "place_mismatch" in _codes(wrong_rate)
    no_breakdown = xml.split(b"<asistent:asistent")[0] + b"</fno>"
    assert _codes(no_breakdown) == ["extension"]
    income_off = xml.replace(b'income="4000000"', b'income="4000001"')
    assert "recompute" in _codes(income_off)


def test_signature_is_ignored_here() -> None:
    sig = b'<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/></fno>'
    assert check_910(_xml().replace(b"</fno>", sig)) == []


@settings(max_examples=40, deadline=None)
@given(
    income=st.integers(min_value=0, max_value=2_000_000_000),
    so=st.integers(min_value=0, max_value=500_000),
    year=st.sampled_from([2024, 2025]),
)
def test_any_engine_result_passes_its_own_check(income: int, so: int, year: int) -> None:
    assert check_910(_xml(year, income=D(income), so_paid=D(so))) == []


@pytest.mark.parametrize("place", ["astana", "almaty", "shymkent", "karasai"])
def test_2026_places_pass(place: str) -> None:
    assert check_910(_xml(income=D(7_654_321), place=place)) == []


def test_stray_element_in_a_sheet() -> None:
    xml = _xml().replace(_field("currency_code", "KZT"), _field("currency_code", "KZT") + b"<note>x</note>")
    assert _codes(xml) == ["format"]
