import json

import pytest

from bot.cli import main


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["deadlines", "--regime", "simplified", "--from", "2026-07-01", "--to", "2026-12-31", "--json"])
    assert code == 0
    items = json.loads(capsys.readouterr().out)
    assert items[1] == items[1] | {"obligation": "910.00", "action": "file", "period": "2026-H1", "due": "2026-08-17"}
    assert [i["due"] for i in items] == sorted(i["due"] for i in items)
    assert all({"obligation", "action", "period", "due"} <= set(i) for i in items)


def test_employees_flag(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["deadlines", "--regime", "general", "--employees", "2", "--from", "2026-11-01", "--to", "2026-11-30"]
    assert main([*args, "--json"]) == 0
    codes = {i["obligation"] for i in json.loads(capsys.readouterr().out)}
    assert codes == {"200.00", "social_payments", "payroll_payments"}


def test_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deadlines", "--regime", "simplified", "--from", "2026-08-01", "--to", "2026-08-20"]) == 0
    assert "2026-08-17" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["--regime", "patent", "--from", "2026-07-01", "--to", "2026-12-31"],
        ["--regime", "simplified", "--from", "2026-07-32", "--to", "2026-12-31"],
        ["--regime", "simplified", "--from", "2026-12-31", "--to", "2026-07-01"],
        ["--regime", "general", "--employees", "-1", "--from", "2026-07-01", "--to", "2026-12-31"],
        ["--regime", "general", "--employees", "two", "--from", "2026-07-01", "--to", "2026-12-31"],
        ["--regime", "general", "--from", "2026-07-01"],
        ["--regime", "self_employed", "--employees", "1", "--from", "2026-07-01", "--to", "2026-12-31"],
    ],
)
def test_bad_input_exits_2_with_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deadlines", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
