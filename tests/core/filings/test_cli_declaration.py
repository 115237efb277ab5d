"""``asistent declaration 910`` (stable contract): writes the XML; bad input exits 2 with one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from core.filings import check_910, parse_910

IIN = "900101300007"
BASE = ["declaration", "910", "--year", "2026", "--half", "1", "--iin", IIN, "--name", "Иванов Иван"]


def _run(tmp_path: Path, *extra: str) -> tuple[int, Path]:
    out = tmp_path / "f910.xml"
    return main([*BASE, *extra, "--out", str(out)]), out


def test_writes_the_xml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(tmp_path, "--income", "12000000", "--place", "astana", "--submit-date", "2026-08-01")
    assert code == 0
    xml = out.read_bytes()
    assert check_910(xml) == []
    parsed, _ = parse_910(xml)
    assert parsed is not None
    assert parsed.amount("field_910_00_008") == 360_000
    assert parsed.text("submit_date", "page_910_00_04") == "01.08.2026"
    assert "ИПН 360000" in capsys.readouterr().out


def test_places_and_so_paid(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "--place-income", "astana=8000000", "--place-income", "karasai=4000000")
    assert code == 0
    parsed, _ = parse_910(out.read_bytes())
    assert parsed is not None
    assert parsed.amount("field_910_00_005") == 320_000
    assert [p.place for p in parsed.places] == ["astana", "karasai"]
    out_2025 = tmp_path / "2025.xml"
    args = ["declaration", "910", "--year", "2025", "--half", "1", "--iin", IIN, "--name", "И", "--income", "10000000"]
    assert main([*args, "--so-paid", "25500", "--out", str(out_2025)]) == 0
    parsed, _ = parse_910(out_2025.read_bytes())
    assert parsed is not None
    assert parsed.amount("field_910_00_009") == 124_500


def test_stdout(capsys: pytest.CaptureFixture[bytes]) -> None:
    assert main([*BASE, "--income", "1000", "--out", "-"]) == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--iin", "900101300008", "--income", "1"], "invalid ИИН"),
        (["--iin", "123456789011", "--income", "1"], "invalid ИИН"),
        (["--income", "-5"], "negative"),
        (["--income", "abc"], "not an amount"),
        (["--year", "2030", "--income", "1"], "not supported"),
        (["--half", "3", "--income", "1"], "half"),
        (["--income", "1", "--place", "mars"], "unknown place"),
        (["--place-income", "astana=1", "--place-income", "astana=2"], "once"),
        ([], "--income"),
        (["--income", "1", "--tax-office", "62"], "tax office"),
        (["--income", "1", "--name", "Я" * 120], "does not fit"),
        (["--income", "1", "--submit-date", "01.08.2026"], "not a date"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    code, out = _run(tmp_path, *extra)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1
    assert message in err
    assert not out.exists()


def test_test_iin_only_with_the_flag(tmp_path: Path) -> None:
    args = ["--iin", "123456789011", "--income", "1000", "--allow-test-iin"]
    code, out = _run(tmp_path, *args)
    assert code == 0
    assert check_910(out.read_bytes(), allow_test_iin=True) == []


def test_unwritable_out(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main([*BASE, "--income", "1", "--out", str(tmp_path / "no" / "such" / "f.xml")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_additional_declaration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, original = _run(tmp_path, "--income", "12000000", "--place", "astana", "--submit-date", "2026-08-01")
    assert code == 0
    out = tmp_path / "additional.xml"
    extra = ["--income", "13000000", "--place", "astana", "--additional-to", "SB1", "--original", str(original)]
    assert main([*BASE, *extra, "--out", str(out)]) == 0
    assert "дополнительная к рег. № SB1" in capsys.readouterr().out
    xml = out.read_bytes()
    parsed, _ = parse_910(xml)
    assert parsed is not None
    assert parsed.kind() == "additional"
    assert parsed.original == "SB1"
    assert parsed.amount("field_910_00_008") == 30_000
    assert check_910(xml, original=original.read_bytes()) == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--additional-to", "SB1"], "go together"),
        (["--additional-to", "SB1", "--original", "/nonexistent.xml"], "cannot read"),
        (["--additional-to", "SB1", "--original", "{same}"], "nothing changed"),
        (["--additional-to", "SB1", "--original", "{other}"], "the original is for ИИН 123456789011"),
    ],
)
def test_additional_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    code, original = _run(tmp_path, "--income", "1000")
    assert code == 0
    other = tmp_path / "other.xml"
    args = ["declaration", "910", "--year", "2026", "--half", "1", "--iin", "123456789011", "--allow-test-iin"]
    assert main([*args, "--name", "Т", "--income", "1000", "--out", str(other)]) == 0
    capsys.readouterr()
    extra = [e.replace("{same}", str(original)).replace("{other}", str(other)) for e in extra]
    assert main([*BASE, "--income", "1000", "--allow-test-iin", *extra, "--out", str(tmp_path / "a.xml")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert message in err
