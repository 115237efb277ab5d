"""``asistent document invoice|act|waybill``: a PDF from JSON; bad input exits 2 with one line on stderr."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from tests.core.documents.samples import document_data, pypdf_text


def _input(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "doc.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("kind", "lang", "title"), [("invoice", "ru", "Счёт на оплату № 12"),
                                                     ("act", "kk", "ОРЫНДАЛҒАН ЖҰМЫСТАР"),
                                                     ("waybill", None, "НАКЛАДНАЯ НА ОТПУСК ЗАПАСОВ")])  # fmt: skip
def test_renders(tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, lang: str | None, title: str) -> None:
    out = tmp_path / "out.pdf"
    data = document_data()
    data["items"][1]["price"] = 1250.50  # a JSON number with a fraction is read as Decimal, not float
    argv = ["document", kind, "--input", str(_input(tmp_path, data)), "--out", str(out)]
    assert main([*argv, "--lang", lang] if lang else argv) == 0
    text = pypdf_text(out.read_bytes())
    assert title in text
    assert "1 250,50" in text
    assert str(out) in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        ("{not json", [], "is not JSON"),
        (document_data(seller={"name": "ИП X", "bin_iin": "900101300008"}), [], "seller.bin_iin: not a valid"),
        (document_data(items=[]), [], "items: at least one"),
        (document_data(date="2020-01-01", seller={**document_data()["seller"], "vat_payer": True}), [],
         "date: no VAT rate is known on 2020-01-01"),
        (document_data(), ["--lang", "en"], "invalid choice"),
        (document_data(), ["--out", "/nonexistent-dir/x.pdf"], "cannot write"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: Any, extra: list[str], message: str
) -> None:
    argv = ["document", "invoice", "--input", str(_input(tmp_path, content)), "--out", str(tmp_path / "o.pdf")]
    assert main([*argv, *extra]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_missing_input_and_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["document", "act", "--input", str(tmp_path / "none.json"), "--out", str(tmp_path / "o.pdf")]) == 2
    assert "cannot read input file" in capsys.readouterr().err
    assert main(["document", "receipt", "--input", "x", "--out", "y"]) == 2
    assert main(["document", "invoice", "--out", "y"]) == 2
