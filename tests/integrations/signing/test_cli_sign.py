import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.integrations.signing.keys import GOST_2015, GOST_2015_PASSWORD, RSA_PASSWORD, TEST_IIN, VALID_SIGN


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "d.xml"
    path.write_text('<fno code="910.00"><a>1</a></fno>', encoding="utf-8")
    return path


def _sign(doc: Path, out: Path, *extra: str, key: Path = VALID_SIGN) -> int:
    return main(["sign", str(doc), "--key", str(key), "--password-env", "KEY_PW", "--out", str(out), *extra])


def test_sign_then_verify_json(
    doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KEY_PW", RSA_PASSWORD)
    out = tmp_path / "signed.xml"
    assert _sign(doc, out, "--allow-test-keys") == 0
    capsys.readouterr()
    assert main(["verify", str(out), "--allow-test-keys", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["valid"] is True
    assert result["errors"] == []
    assert set(result["signer"]) == {"iin", "name", "serial", "not_after"}
    assert result["signer"]["iin"] == TEST_IIN
    # production mode: a result, not an error
    assert main(["verify", str(out), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["valid"] is False
    assert result["errors"]


def test_password_is_never_on_the_command_line(doc: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _sign(doc, tmp_path / "s.xml", "--allow-test-keys", "--password", RSA_PASSWORD) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("env", "extra", "key", "fragment"),
    [
        (None, ["--allow-test-keys"], VALID_SIGN, "KEY_PW"),
        ("wrong", ["--allow-test-keys"], VALID_SIGN, "bad_password"),
        (RSA_PASSWORD, [], VALID_SIGN, "test_key"),
        (GOST_2015_PASSWORD, ["--allow-test-keys"], GOST_2015, "gost_key"),
        (RSA_PASSWORD, ["--allow-test-keys"], Path("/nonexistent.p12"), "cannot read"),
    ],
)
def test_sign_bad_input_exits_2(
    doc: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: str | None,
    extra: list[str],
    key: Path,
    fragment: str,
) -> None:
    if env is None:
        monkeypatch.delenv("KEY_PW", raising=False)
    else:
        monkeypatch.setenv("KEY_PW", env)
    out = tmp_path / "s.xml"
    assert _sign(doc, out, *extra, key=key) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert fragment in err[0]
    assert not out.exists()
    if env:
        assert env not in err[0]


def test_verify_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<a>", encoding="utf-8")
    assert main(["verify", str(bad), "--json"]) == 2
    assert main(["verify", str(tmp_path / "missing.xml"), "--json"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 2


def test_verify_unsigned_is_invalid(doc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(doc), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["valid"] is False
