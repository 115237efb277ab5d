"""Additional declaration: marked дополнительная, lines as differences, referencing the original."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

from core.calc import declaration_910
from core.filings import (
    FilingInputError,
    Taxpayer,
    additional_910,
    apply_additional,
    build_910,
    check_910,
    declaration_from_result,
    parse_910,
)

IIN = "900101300007"
D = Decimal
NS = "{urn:asistent:filings:910}"


def _original(year: int = 2026, **kwargs: object):  # type: ignore[no-untyped-def]
    kwargs = kwargs or {"income": D(12_000_000), "place": "astana"}
    result = declaration_910(year, 1, **kwargs)  # type: ignore[arg-type]
    return declaration_from_result(result, Taxpayer(IIN, "ИВАНОВ ИВАН"), submit_date=dt.date(year, 8, 1))


def test_additional_carries_differences_and_the_reference() -> None:
    original = _original()
    fix = additional_910(
        original,
        "6205-0001",
        declaration_910(2026, 1, income=D(13_000_000), place="astana"),
        submit_date=dt.date(2026, 9, 1),
    )
    xml = build_910(fix)
    root = etree.fromstring(xml)
    fields = {f.get("name"): f.text for f in root.iter("field")}
    assert fields["dt_additional"] == "true"
    assert "dt_regular" not in fields
    assert fields["field_910_00_001"] == "1000000"
    assert fields["field_910_00_008"] == "30000"
    ext = root.find(f"{NS}asistent")
    assert ext is not None
    assert ext.get("original") == "6205-0001"
    assert check_910(xml) == []  # structural checks without the original
    assert check_910(xml, original=build_910(original)) == []


def test_lower_income_gives_negative_differences() -> None:
    original = _original(2025, income=D(10_000_000), so_paid=D(25_500))
    fix = additional_910(
        original,
        "R1",
        declaration_910(2025, 1, income=D(9_000_000), so_paid=D(25_500)),
        submit_date=dt.date(2025, 9, 1),
    )
    xml = build_910(fix)
    fields = {f.get("name"): f.text for f in etree.fromstring(xml).iter("field")}
    assert fields["field_910_00_008"] == "-15000"
    assert check_910(xml, original=build_910(original)) == []


def test_wrong_difference_is_caught_against_the_original() -> None:
    original = _original()
    fix = additional_910(
        original, "R1", declaration_910(2026, 1, income=D(13_000_000), place="astana"), submit_date=dt.date(2026, 9, 1)
    )
    xml = build_910(fix).replace(b'name="field_910_00_008">30000', b'name="field_910_00_008">31000')
    issues = check_910(xml, original=build_910(original))
    assert [(i.code, i.field) for i in issues] == [("line_mismatch", "field_910_00_008")]


def test_chain_of_additionals() -> None:
    original = _original()
    first = additional_910(
        original, "R1", declaration_910(2026, 1, income=D(13_000_000), place="astana"), submit_date=dt.date(2026, 9, 1)
    )
    second = additional_910(
        first, "R2", declaration_910(2026, 1, income=D(14_000_000), place="astana"), submit_date=dt.date(2026, 10, 1)
    )
    base, _ = parse_910(build_910(original))
    step, _ = parse_910(build_910(first))
    assert base is not None
    assert step is not None
    state = apply_additional(base, step)
    assert state.amount("field_910_00_001") == D(13_000_000)
    assert check_910(build_910(second), original=state) == []


def test_missing_reference_and_no_change() -> None:
    original = _original()
    with pytest.raises(FilingInputError, match="nothing changed"):
        additional_910(
            original,
            "R1",
            declaration_910(2026, 1, income=D(12_000_000), place="astana"),
            submit_date=dt.date(2026, 9, 1),
        )
    with pytest.raises(FilingInputError, match="registration"):
        additional_910(
            original, " ", declaration_910(2026, 1, income=D(1), place="astana"), submit_date=dt.date(2026, 9, 1)
        )
    with pytest.raises(FilingInputError, match="2026-H2"):
        additional_910(
            original, "R1", declaration_910(2026, 2, income=D(1), place="astana"), submit_date=dt.date(2026, 9, 1)
        )
    fix = additional_910(
        original, "R1", declaration_910(2026, 1, income=D(1), place="astana"), submit_date=dt.date(2026, 9, 1)
    )
    no_ref = build_910(fix).replace(b'original="R1"', b'original=""')
    assert [i.code for i in check_910(no_ref)] == ["original"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"income": D(12_000_000), "place": "astana"},
        {"places": {"astana": D(8_000_000), "karasai": D(4_000_000)}},
        {"income": D(5_000_000), "rate": D("0.02")},
    ],
)
def test_declaration_read_back_from_its_xml(kwargs: dict[str, object]) -> None:
    from core.filings import declaration_from_xml

    original = _original(**kwargs)
    restored = declaration_from_xml(build_910(original))
    assert restored.lines == original.lines
    assert restored.places == original.places
    assert (restored.taxpayer, restored.submit_date, restored.so_paid) == (
        original.taxpayer,
        original.submit_date,
        original.so_paid,
    )
    fix = additional_910(
        restored, "R1", declaration_910(2026, 1, income=D(13_000_000), place="astana"), submit_date=dt.date(2026, 9, 1)
    )
    assert check_910(build_910(fix), original=build_910(original)) == []


def test_read_back_refuses_broken_and_additional() -> None:
    from core.filings import declaration_from_xml

    original = _original(2025, income=D(10_000_000), so_paid=D(25_500))
    assert declaration_from_xml(build_910(original)).so_paid == D(25_500)
    with pytest.raises(FilingInputError, match="checks"):
        declaration_from_xml(build_910(original).replace(b">150000<", b">1<"))
    fix = additional_910(
        original,
        "R1",
        declaration_910(2025, 1, income=D(9_000_000), so_paid=D(25_500)),
        submit_date=dt.date(2025, 9, 1),
    )
    with pytest.raises(FilingInputError, match="regular"):
        declaration_from_xml(build_910(fix))
