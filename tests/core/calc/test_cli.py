"""``asistent calc …``: the stable CLI contract (issue 3 item 6)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    code = main(["calc", *argv])
    out, err = capsys.readouterr()
    payload = json.loads(out) if code == 0 and "--json" in argv else out
    return code, payload, err


def test_self(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = _run(capsys, "self", "--period", "2026-03", "--income", "300000", "--born", "1980-05-01", "--json")
    assert code == 0
    assert data["period"] == "2026-03"
    assert data["lines"] == {"opv": 30000, "opvr": 10500, "so": 15000, "vosms": 5950}
    assert data["total"] == 61450
    assert data["due"] == "2026-04-27"  # 25 April 2026 is a Saturday
    assert data["warnings"] == []
    assert isinstance(data["trace"], list)
    assert data["trace"]
    assert all(isinstance(v, int) for v in data["lines"].values())


def test_self_flags(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = _run(
        capsys, "self", "--period", "2025-03", "--income", "300000", "--pensioner", "--no-income-prev-month", "--json"
    )
    assert code == 0
    assert data["lines"]["opvr"] == 0


def test_payroll(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = _run(
        capsys, "payroll", "--period", "2026-03", "--salary", "300000", "--employer", "legal_entity", "--json"
    )
    assert code == 0
    assert set(data["lines"]) == {"opv", "vosms", "deduction", "ipn", "net", "opvr", "so", "oosms", "social_tax"}
    assert data["lines"]["ipn"] == 13425
    assert data["lines"]["social_tax"] == 15840
    assert "warnings" in data


def test_910_single_place(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = _run(
        capsys, "910", "--year", "2026", "--half", "1", "--income", "12000000", "--place", "astana", "--json"
    )
    assert code == 0
    assert data["lines"]["910.00.001"] == 12000000
    assert data["ipn"] == 360000
    assert data["social_tax"] == 0
    assert data["total"] == 360000
    assert data["file_by"] == "2026-08-17"
    assert data["pay_by"] == "2026-08-25"


def test_910_rate_and_so_paid_2025(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = _run(
        capsys, "910", "--year", "2025", "--half", "2", "--income", "10000000", "--so-paid", "25500", "--json"
    )
    assert code == 0
    assert data["ipn"] == 150000
    assert data["social_tax"] == 124500
    assert data["file_by"] == "2026-02-16"
    code, data, _ = _run(
        capsys, "910", "--year", "2026", "--half", "1", "--income", "1000000", "--rate", "3", "--json"
    )
    assert code == 0
    assert data["ipn"] == 30000


def test_910_several_places(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["910", "--year", "2026", "--half", "2", "--place-income", "astana=8000000", "--place-income"]
    code, data, _ = _run(capsys, *argv, "shymkent=4000000", "--json")
    assert code == 0
    assert data["ipn"] == 240000 + 160000
    assert [w["code"] for w in data["warnings"]] == ["default_rate_used"]
    assert {"code", "text"} == set(data["warnings"][0])
    code, _, err = _run(capsys, *argv, "shymkent=4000000", "--income", "1", "--json")
    assert code == 2
    assert len(err.strip().splitlines()) == 1


def test_self_employed(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = _run(capsys, "self-employed", "--period", "2026-03", "--income", "500000", "--json")
    assert code == 0
    assert data["lines"] == {"opv": 5000, "opvr": 5000, "so": 5000, "osms": 5000}
    assert data["total"] == 20000
    assert data["eligible"] is True
    code, data, _ = _run(capsys, "self-employed", "--period", "2026-03", "--income", "1500000", "--json")
    assert code == 0
    assert data["eligible"] is False
    assert data["reason"]
    assert [w["code"] for w in data["warnings"]] == ["limit_exceeded"]


def test_text_output_and_kazakh(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "self", "--period", "2026-03", "--income", "85000", "--lang", "kk")
    assert code == 0
    assert "Барлығы: 21 675 ₸" in out


BAD = [
    ["self", "--period", "2026-03", "--income", "-1", "--json"],
    ["self", "--period", "2026-03", "--income", "abc", "--json"],
    ["self", "--period", "2027-03", "--income", "1", "--json"],
    ["self", "--period", "2026-3", "--income", "1", "--json"],
    ["self", "--period", "2026-13", "--income", "1", "--json"],
    ["payroll", "--period", "2026-03", "--salary", "1", "--employer", "bank", "--json"],
    ["910", "--year", "2026", "--half", "1", "--income", "1", "--place", "atlantis", "--json"],
    ["910", "--year", "2026", "--half", "3", "--income", "1", "--json"],
    ["910", "--year", "twenty", "--half", "1", "--income", "1", "--json"],
    ["910", "--year", "2023", "--half", "1", "--income", "1", "--json"],
    ["910", "--year", "2026", "--half", "1", "--json"],
    ["910", "--year", "2026", "--half", "1", "--income", "1", "--place", "astana", "--rate", "3", "--json"],
    ["910", "--year", "2026", "--half", "1", "--income", "1", "--rate", "9", "--json"],
    ["910", "--year", "2026", "--half", "1", "--place-income", "astana", "--json"],
    ["self-employed", "--period", "2025-03", "--income", "1", "--json"],
]


@pytest.mark.parametrize("argv", BAD, ids=[" ".join(a) for a in BAD])
def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code = main(["calc", *argv])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_910_own_monthly_income(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["910", "--year", "2026", "--half", "1", "--income", "6000000", "--place", "almaty"]
    code, data, _ = _run(capsys, *argv, "--own-monthly-income", "85000,85000,85000,85000,85000,300000", "--json")
    assert code == 0
    assert data["lines"]["910.00.013"] == 5 * 8500 + 30000
    assert data["lines"]["910.00.015"] == 6 * 5950
    assert data["total"] == 180000  # 3 % of 6 000 000; no social tax in 2026
    code, _, err = _run(capsys, *argv, "--own-monthly-income", "1,2", "--json")
    assert code == 2
    assert "6 comma-separated" in err
