"""Form 910.00 XML: built from the tax engine's lines, checked against the template's field table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

from core.calc import declaration_910
from core.filings import (
    Declaration910,
    DeclarationKind,
    FilingInputError,
    Taxpayer,
    build_910,
    check_910,
    declaration_from_result,
    load_template,
    mapping_910,
    parse_910,
    prepare_910,
    split_name,
)

IIN = "900101300007"
TEST_IIN = "123456789011"
NAME = "ИВАНОВ ИВАН ИВАНОВИЧ"
SUBMIT = dt.date(2026, 8, 1)
D = Decimal


def _decl(year: int = 2026, half: int = 1, **kwargs: object) -> Declaration910:
    result = declaration_910(year, half, **kwargs)  # type: ignore[arg-type]
    return declaration_from_result(result, Taxpayer(IIN, NAME), submit_date=SUBMIT)


def _fields(xml: bytes) -> dict[tuple[str, str], str]:
    parsed, issues = parse_910(xml)
    assert parsed is not None
    assert issues == []
    return parsed.values


CASES = [
    (2025, 1, {"income": D(10_000_000), "so_paid": D(25_500)}),
    (2024, 2, {"income": D(10_000_000), "so_paid": D(17_850)}),
    (2025, 1, {"income": D(1_000_000), "so_paid": D(30_000)}),
    (2026, 1, {"income": D(12_000_000), "place": "astana"}),
    (2026, 1, {"income": D(12_000_000), "place": "shymkent"}),
    (2026, 2, {"places": {"astana": D(8_000_000), "karasai": D(4_000_000)}}),
    (2026, 1, {"income": D(5_000_000), "rate": D("0.02")}),
    (2026, 1, {"income": D(5_000_000)}),
    (2026, 2, {"places": {"astana": D(8_000_000), "karasai": D(4_000_000)}, "reduction": D(1_000_000)}),
]


@pytest.mark.parametrize(("year", "half", "kwargs"), CASES)
def test_lines_equal_the_engine_and_the_document_passes(year: int, half: int, kwargs: dict[str, object]) -> None:
    result = declaration_910(year, half, **kwargs)  # type: ignore[arg-type]
    xml = build_910(declaration_from_result(result, Taxpayer(IIN, NAME), submit_date=SUBMIT))
    fields = _fields(xml)
    for key, name in mapping_910().lines.items():
        assert D(fields["page_910_00_01", name]) == result.lines[key], key
    assert check_910(xml) == []


def test_engine_golden_values_reach_the_form() -> None:
    fields = _fields(build_910(_decl(2025, 1, income=D(10_000_000), so_paid=D(25_500))))
    assert fields["page_910_00_01", "field_910_00_005"] == "300000"
    assert fields["page_910_00_01", "field_910_00_008"] == "150000"
    assert fields["page_910_00_01", "field_910_00_009"] == "124500"
    assert fields["page_910_00_02", "field_910_00_011"] == "25500"
    fields = _fields(build_910(_decl(2026, 1, income=D(12_000_000), place="astana")))
    assert fields["page_910_00_01", "field_910_00_008"] == "360000"
    assert fields["page_910_00_01", "field_910_00_009"] == "0"


def test_every_field_is_in_the_template_with_its_length_and_every_mandatory_field_is_there() -> None:
    template, m = load_template(), mapping_910()
    fields = _fields(build_910(_decl(income=D(12_000_000), place="astana")))
    for (sheet, name), text in fields.items():
        spec = template.field(sheet, name)
        assert spec is not None, name
        if spec.length is not None:
            assert len(text.lstrip("-")) <= spec.length, name
            if spec.fixed_length:
                assert len(text) == spec.length, name
    for sheet in template.forms["form_910_00"]:
        for name, spec in template.sheets[sheet].fields.items():
            if (spec.mandatory and name not in m.authority_fields) or name in m.required:
                assert fields.get((sheet, name)), f"{sheet}.{name}"


def test_field_table_is_the_template() -> None:
    t = load_template()
    assert (t.code, t.version, t.revision) == ("910.00", "27", "133")
    assert list(t.forms) == ["form_910_00", "form_910_01", "form_910_02", "form_910_03"]
    iin = t.field("page_910_00_01", "iin")
    assert iin is not None
    assert (iin.type, iin.length) == ("numeric", 12)
    half = t.field("page_910_00_01", "period_half_year")
    assert half is not None
    assert (half.mandatory, half.fixed_length, half.min, half.max) == (True, True, 1, 2)
    assert t.field("page_910_01_01", "field_910_01_A") is not None
    assert "kgd.gov.kz" in t.source["href"]


def test_wire_shape() -> None:
    root = etree.fromstring(build_910(_decl(places={"astana": D(8_000_000), "karasai": D(4_000_000)})))
    assert (root.tag, root.get("code"), root.get("version"), root.get("formatVersion")) == ("fno", "910.00", "27", "1")
    assert [s.get("name") for s in root.iterfind("form/sheetGroup/sheet")] == [
        "page_910_00_01",
        "page_910_00_02",
        "page_910_00_03",
        "page_910_00_04",
    ]
    places = root.findall("{urn:asistent:filings:910}asistent/{urn:asistent:filings:910}place")
    assert [(p.get("id"), p.get("rate"), p.get("tax")) for p in places] == [
        ("astana", "0.03", "240000"),
        ("karasai", "0.02", "80000"),
    ]


def test_2025_has_no_extension() -> None:
    root = etree.fromstring(build_910(_decl(2025, 1, income=D(10_000_000))))
    assert root.find("{urn:asistent:filings:910}asistent") is None


def test_name_is_split_over_the_comb_lines() -> None:
    assert split_name("ИВАНОВ ИВАН") == ["ИВАНОВ ИВАН"]
    parts = split_name("КОНСТАНТИНОПОЛЬСКИЙ-ВЕЛИКИЙ АЛЕКСАНДР ВЛАДИМИРОВИЧ ПЕРВЫЙ")
    assert len(parts) == 2
    assert len(parts[0]) <= 27
    assert len(parts[1]) <= 35
    with pytest.raises(FilingInputError):
        split_name("Я" * 120)


def test_bad_taxpayer_input() -> None:
    result = declaration_910(2026, 1, income=D(1_000_000))
    with pytest.raises(FilingInputError, match="ИИН"):
        declaration_from_result(result, Taxpayer("900101300008", NAME), submit_date=SUBMIT)
    with pytest.raises(FilingInputError, match="ИИН"):
        declaration_from_result(result, Taxpayer(TEST_IIN, NAME), submit_date=SUBMIT)
    decl = declaration_from_result(result, Taxpayer(TEST_IIN, NAME), submit_date=SUBMIT, allow_test_iin=True)
    xml = build_910(decl)
    assert [i.code for i in check_910(xml)] == ["invalid_iin"]
    assert check_910(xml, allow_test_iin=True) == []
    with pytest.raises(FilingInputError, match="tax office"):
        declaration_from_result(result, Taxpayer(IIN, NAME, tax_office="62"), submit_date=SUBMIT)
    with pytest.raises(FilingInputError, match="additional"):
        declaration_from_result(result, Taxpayer(IIN, NAME), submit_date=SUBMIT, kind=DeclarationKind.ADDITIONAL)


def test_prepare_runs_the_engine() -> None:
    decl = prepare_910(
        2026, 1, Taxpayer(IIN, NAME, tax_office="6205"), submit_date=SUBMIT, income=D(12_000_000), place="astana"
    )
    assert decl.lines["910.00.008"] == D(360_000)
    fields = _fields(build_910(decl))
    assert fields["page_910_00_04", "rating_auth_code"] == "6205"
    assert fields["page_910_00_04", "submit_date"] == "01.08.2026"
    assert fields["page_910_00_01", "dt_regular"] == "true"


def test_submission_key_is_stable_and_follows_the_figures() -> None:
    from core.filings import submission_key

    one = _decl(income=D(12_000_000), place="astana")
    later = declaration_from_result(
        declaration_910(2026, 1, income=D(12_000_000), place="astana"),
        Taxpayer(IIN, NAME),
        submit_date=dt.date(2026, 8, 20),
    )
    changed = _decl(income=D(12_000_001), place="astana")
    assert submission_key("u1", one) == submission_key("u1", later)
    assert submission_key("u1", one).startswith("910:u1:2026-H1:regular:")
    assert submission_key("u1", one) != submission_key("u1", changed)
    assert submission_key("u1", one) != submission_key("u2", one)
    assert submission_key("u1", one, attempt=2) != submission_key("u1", one)
    with pytest.raises(FilingInputError):
        submission_key("u1", one, attempt=0)
