"""``asistent regime compare`` and ``asistent oked search``: the stable CLI contract (issue 9 item 5)."""

from __future__ import annotations

import json

import pytest

from bot.cli import main


def test_regime_compare_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["regime", "compare", "--income", "24000000", "--place", "astana", "--year", "2026", "--json"])
    out, _ = capsys.readouterr()
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"year", "income", "place", "employees", "activity", "cheapest", "options"}
    assert data["cheapest"] == "simplified"
    first = data["options"][0]
    assert set(first) >= {"regime", "name", "eligible", "cheapest", "total", "lines", "reasons", "trace"}
    assert first["total"] == 980100
    assert [o["regime"] for o in data["options"]] == ["simplified", "general", "self_employed"]


def test_regime_compare_text_kk(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["regime", "compare", "--income", "12000000", "--employees", "1", "--year", "2026", "--lang", "kk"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "Оңайлатылған декларация" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["regime", "compare", "--income", "abc"],
        ["regime", "compare", "--income", "-5"],
        ["regime", "compare", "--income", "100", "--place", "mars"],
        ["regime", "compare", "--income", "100", "--employees", "x"],
        ["regime", "compare", "--income", "100", "--year", "2031"],
        ["regime", "compare", "--income", "100", "--activity", "zz"],
        ["regime", "compare"],
    ],
)
def test_regime_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("asistent: ")
