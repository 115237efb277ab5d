"""``asistent esf build`` / ``asistent esf check``: the stable CLI contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.integrations.esf.documents import NON_VAT, VAT_2026, edit, write_json


def test_build_then_check_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "esf.xml"
    assert main(["esf", "build", "--input", str(write_json(tmp_path, VAT_2026)), "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"<?xml")
    capsys.readouterr()
    assert main(["esf", "check", str(out), "--json", "--today", "2026-12-01"]) == 0
    assert json.loads(capsys.readouterr().out) == {"valid": True, "errors": []}


def test_check_invalid_exits_1_with_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "esf.xml"
    assert main(["esf", "build", "--input", str(write_json(tmp_path, NON_VAT)), "--out", str(out)]) == 0
    out.write_bytes(edit(out.read_bytes(), "productSet/totalPriceWithTax", "1"))
    capsys.readouterr()
    assert main(["esf", "check", str(out), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["valid"] is False
    assert result["errors"] == [
        {
            "property": "productSet.totalPriceWithTax",
            "errorCode": "INCORRECT_TOTAL_SUM",
            "text": result["errors"][0]["text"],
        }
    ]
    assert main(["esf", "check", str(out)]) == 1
    assert "INCORRECT_TOTAL_SUM" in capsys.readouterr().out


def _fails_with_one_line(argv: list[str], capsys: pytest.CaptureFixture[str], needle: str) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("asistent: ")
    assert needle in lines[0]
    assert "Traceback" not in captured.err


def test_bad_input_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "x.xml")
    _fails_with_one_line(
        ["esf", "build", "--input", str(tmp_path / "missing.json"), "--out", out], capsys, "cannot read"
    )
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    _fails_with_one_line(["esf", "build", "--input", str(bad), "--out", out], capsys, "not JSON")
    no_items = write_json(tmp_path, {**NON_VAT, "items": []}, "n.json")
    _fails_with_one_line(["esf", "build", "--input", str(no_items), "--out", out], capsys, "items")
    bad_tin = write_json(tmp_path, {**NON_VAT, "buyer": {"name": "b", "tin": "123"}}, "t.json")
    _fails_with_one_line(["esf", "build", "--input", str(bad_tin), "--out", out], capsys, "INVALID_CUSTOMER_TIN")
    assert not Path(out).exists()
    notxml = tmp_path / "n.xml"
    notxml.write_text("hello", encoding="utf-8")
    _fails_with_one_line(["esf", "check", str(notxml), "--json"], capsys, "not an XML file")
    _fails_with_one_line(["esf", "check", str(tmp_path / "none.xml")], capsys, "cannot read")
    _fails_with_one_line(["esf", "check", str(notxml), "--today", "soon"], capsys, "not a date")
    _fails_with_one_line(["esf"], capsys, "")


def test_the_documented_example_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "esf.md"
    example = docs.read_text(encoding="utf-8").split("```json\n", 1)[1].split("```", 1)[0]
    source = tmp_path / "example.json"
    source.write_text(example, encoding="utf-8")
    out = tmp_path / "example.xml"
    assert main(["esf", "build", "--input", str(source), "--out", str(out)]) == 0
    assert "ESF № 1 от 20.11.2026" in capsys.readouterr().out
