"""``asistent payments``: the stable CLI contract (issue 6 item 8) — JSON shape, files, exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pypdf
import pytest

from bot.cli import main
from tests.core.payments.test_files import read_mt102, read_onec

BASE = ("payments", "--period", "2026-10", "--iin", "900101300007", "--income", "300000", "--date", "2026-11-20")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    code = main([*BASE, *argv])
    out, err = capsys.readouterr()
    payload = json.loads(out) if code == 0 and "--json" in argv else out
    return code, payload, err


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, err = _run(capsys, "--born", "1980-05-01", "--json")
    assert code == 0, err
    assert set(data) >= {"orders", "total"}
    assert (data["period"], data["due"]) == ("2026-10", "2026-11-25")
    assert data["total"] == 61450
    assert [(o["amount"], o["knp"], o["kbk"]) for o in data["orders"]] == [
        (30000, "010", None), (10500, "089", None), (15000, "012", None), (5950, "122", None),
    ]  # fmt: skip
    for order in data["orders"]:
        assert isinstance(order["purpose"], str)
        assert order["purpose"]
        assert isinstance(order["amount"], int)
        assert set(order["beneficiary"]) >= {"name", "bin", "iban", "bic"}
        assert order["beneficiary"]["bin"] == "160440007161"
        assert order["beneficiary"]["bic"] == "GCVPKZ2A"
    assert data["orders"][2]["beneficiary"]["iban"] == "KZ67009SS00368609110"
    assert sum(o["amount"] for o in data["orders"]) == data["total"]


def test_json_with_employee_fee_and_kazakh(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, err = _run(
        capsys, "--employee", "900101300811,300000,Қасымов Әлихан", "--place", "astana", "--fee", "--lang", "kk",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    kinds = [o["kind"] for o in data["orders"]]
    assert kinds == ["opv", "opvr", "so", "vosms", "oosms", "ipn_withheld", "platform_fee"]
    ipn = data["orders"][5]
    assert (ipn["knp"], ipn["kbk"], ipn["beneficiary"]["bin"]) == ("911", "101201", "081240013779")
    assert data["orders"][-1]["amount"] == 2000
    assert "үшін" in data["orders"][0]["purpose"]
    assert data["total"] == sum(o["amount"] for o in data["orders"])


def test_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys)
    assert code == 0
    assert "Итого: 61 450 ₸" in out


def test_files_are_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    mt, onec, pdfs = tmp_path / "social.mt102", tmp_path / "orders.txt", tmp_path / "pdf"
    code, _, err = _run(
        capsys, "--name", "Иванов Иван Иванович", "--iban", "KZ18722S000012345678", "--bic", "CASPKZKA",
        "--mt102", str(mt), "--onec", str(onec), "--pdf", str(pdfs),
    )  # fmt: skip
    assert code == 0, err
    messages = read_mt102(mt.read_bytes().decode("utf-8"))
    assert len(messages) == 4
    header, docs = read_onec(onec.read_bytes())
    assert header["РасчСчет"] == "KZ18722S000012345678"
    assert [d["Сумма"] for d in docs] == ["30000.00", "10500.00", "15000.00", "5950.00"]
    files = sorted(p.name for p in pdfs.iterdir())
    assert files == ["order-1-opv.pdf", "order-2-opvr.pdf", "order-3-so.pdf", "order-4-vosms.pdf"]
    text = pypdf.PdfReader(pdfs / "order-4-vosms.pdf").pages[0].extract_text()
    assert "Пять тысяч девятьсот пятьдесят тенге" in text


def test_files_without_an_account_use_the_placeholder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, "--mt102", str(tmp_path / "f.mt102"))
    assert code == 0
    assert "placeholder" in err
    assert (tmp_path / "f.mt102").read_text(encoding="utf-8").count("{4:") == 4


BAD = [
    (("--iin", "900101300001"), "ИИН"),
    (("--iin", "123456789012"), "ИИН"),
    (("--income", "abc"), "not an amount"),
    (("--income", "-5"), "negative"),
    (("--period", "2026-13"), "month"),
    (("--period", "1999-01"), "not supported"),
    (("--born", "1980-13-01"), "not a date"),
    (("--iban", "KZ19722S000012345678", "--bic", "CASPKZKA"), "iban_invalid"),
    (("--iban", "KZ18722S000012345678", "--bic", "BAD"), "bic_invalid"),
    (("--iban", "KZ18722S000012345678"), "together"),
    (("--employee", "900101300811,300000"), "IIN,SALARY"),
    (("--employee", "900101300811,300000,Петров Пётр"), "tax office"),
    (("--employee", "900101300811,300000,Петров Пётр", "--place", "mars"), "unknown --place"),
    (("--unknown-flag",), "unrecognized"),
]


@pytest.mark.parametrize(("extra", "message"), BAD, ids=[b[1] + str(i) for i, b in enumerate(BAD)])
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], extra: tuple[str, ...], message: str
) -> None:
    argv = list(BASE)
    for flag, value in zip(extra[::2], extra[1::2], strict=False):
        if flag in argv:
            argv[argv.index(flag) + 1] = value
        else:
            argv += [flag, value]
    if len(extra) % 2:
        argv.append(extra[-1])
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("asistent: ")
    assert message in err
    assert "Traceback" not in err


def test_unwritable_file_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main([*BASE, "--onec", str(tmp_path / "missing" / "x.txt")])
    _, err = capsys.readouterr()
    assert code == 2
    assert "cannot write" in err
    assert err.count("\n") == 1
