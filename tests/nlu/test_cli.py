"""``asistent nlu parse`` / ``asistent nlu eval``: the stable command-line contract."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import main
from nlu.data import HELDOUT_FILE


def test_parse_one_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nlu", "parse", "пришло 200к от Альфы", "--today", "2026-11-25", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["intent"]["name"] == "record_income"
    assert result["entities"][0]["value"] == "200000"


def test_parse_jsonl(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("за прошлый месяц сколько налогов\n\n👍\n"))
    assert main(["nlu", "parse", "--jsonl", "--today", "2026-11-25"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["text"] for line in lines] == ["за прошлый месяц сколько налогов", "", "👍"]
    assert lines[0]["entities"][0]["value"] == "2026-10"
    assert lines[2]["intent"]["name"] == "affirm"


@pytest.mark.parametrize(
    "argv",
    [
        ["nlu", "parse"],
        ["nlu", "parse", "текст", "--jsonl"],
        ["nlu", "parse", "текст", "--today", "25.11.2026"],
        ["nlu", "eval", "/nonexistent/file.yml"],
        ["nlu", "bogus"],
    ],
)
def test_bad_input_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_eval_bad_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("nlu: 3\n", encoding="utf-8")
    assert main(["nlu", "eval", str(bad)]) == 2
    assert "nlu:" in capsys.readouterr().err


def test_eval_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nlu", "eval", str(HELDOUT_FILE)]) == 0
    text = capsys.readouterr().out
    assert "intent accuracy:" in text
    assert "record_income" in text
    assert "amount" in text
    assert main(["nlu", "eval", str(HELDOUT_FILE), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["intent_accuracy"] >= 0.95
    assert set(report["entities"]["amount"]) == {"precision", "recall", "f1", "support"}
