"""``asistent ask``: the stable JSON shape; bad input exits 2 with one line."""

from __future__ import annotations

import json

import pytest

from bot.cli import main


def test_json_answer(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["ask", "когда сдавать 910 форму", "--today", "2026-06-01", "--json"])
    out = capsys.readouterr().out
    payload = json.loads(out)
    assert code == 0
    assert payload["article_id"] == "simplified-deadlines"
    assert {"answer", "article_id", "sources", "confidence"} <= set(payload)
    assert isinstance(payload["sources"], list)
    assert payload["sources"]


def test_text_answer_lists_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "ставка ндс", "--lang", "kk", "--today", "2026-06-01"]) == 0
    out = capsys.readouterr().out
    assert "ҚҚС" in out
    assert "\n— " in out


@pytest.mark.parametrize(
    "argv",
    [["ask", "ставка", "--today", "2026-13-01"], ["ask", "  ", "--json"], ["ask", "ставка", "--lang", "en"], ["ask"]],
)
def test_bad_input_exits_2_with_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("asistent: ")
