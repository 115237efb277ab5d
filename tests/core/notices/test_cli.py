"""``asistent notice read|penalty``: the stable CLI contract (issue 9 item 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.core.notices.pdfs import notice_pdf
from tests.core.notices.samples import SAMPLES

BY_KEY = {s.key: s for s in SAMPLES}
STABLE = {"type", "number", "date", "deadline", "amounts", "explanation"}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_read_pdf_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notice.pdf"
    path.write_bytes(notice_pdf(BY_KEY["desk_audit_ru"].text))
    code, out, _ = _run(capsys, "notice", "read", str(path), "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= STABLE
    assert data["type"] == "desk_audit"
    assert data["number"] == "КК-2026-01234"
    assert data["date"] == "2026-10-05"
    assert data["deadline"] == "2026-11-18"
    assert data["amounts"] == {"declared": 12000000, "third_party": 15400000, "difference": 3400000}
    assert "камеральному контролю" in data["explanation"]


def test_read_text_kk_with_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(BY_KEY["arrears_kk"].text, encoding="utf-8")
    code, out, _ = _run(
        capsys, "notice", "read", str(path), "--json", "--lang", "kk", "--charged", "4250", "--payment", "4250"
    )
    assert code == 0
    data = json.loads(out)
    assert data["type"] == "arrears"
    assert data["amounts"]["debt"] == 4250
    assert "берешек" in data["explanation"]
    assert data["check"]["code"] == "debt_not_confirmed"


def test_read_text_plain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(BY_KEY["non_filing_ru"].text, encoding="utf-8")
    code, out, _ = _run(capsys, "notice", "read", str(path), "--filed", "910.00:2025-H2", "--today", "2026-03-10")
    assert code == 0
    assert "Срок: до 18.03.2026" in out
    assert "сдана" in out


def test_penalty_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "notice", "penalty", "--debt", "100000", "--due", "2025-02-25", "--paid", "2025-03-20", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["total"] == 1249
    assert data["days"] == 23
    assert len(data["trace"]) == 2


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", b"\xff\xd8\xff\xe0 jpeg"),
        ("empty.txt", b""),
        ("chat.txt", "Привет, как дела?".encode()),
        ("broken.pdf", b"%PDF-1.4 broken"),
    ],
)
def test_read_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, out, err = _run(capsys, "notice", "read", str(path), "--json")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("asistent: ")


@pytest.mark.parametrize(
    "argv",
    [
        ["notice", "read", "/nonexistent/notice.pdf"],
        ["notice", "read", "x.txt", "--filed", "910.00"],
        ["notice", "penalty", "--debt", "abc", "--due", "2025-02-25", "--paid", "2025-03-20"],
        ["notice", "penalty", "--debt", "100", "--due", "2025-02-30", "--paid", "2025-03-20"],
        ["notice", "penalty", "--debt", "100", "--due", "2025-03-20", "--paid", "2025-02-20"],
        ["notice"],
    ],
)
def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, _, err = _run(capsys, *argv)
    assert code == 2
    assert err.count("\n") == 1
