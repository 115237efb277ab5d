"""End to end: ``asistent declaration 910`` → ``asistent sign`` (NCA test key) → the sandbox over HTTP → processed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.cli import main
from integrations.tax_cabinet import HttpTaxCabinet, ManualClock, SubmissionState
from tests.integrations.signing.keys import RSA_PASSWORD, TEST_IIN, VALID_SIGN


async def test_cli_xml_signed_and_processed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cabinet: HttpTaxCabinet, clock: ManualClock
) -> None:
    xml, signed = tmp_path / "f910.xml", tmp_path / "f910.signed.xml"
    args = ["declaration", "910", "--year", "2026", "--half", "1", "--iin", TEST_IIN, "--name", "ТЕСТОВ ТЕСТ"]
    assert (
        main(
            [
                *args,
                "--income",
                "12000000",
                "--place",
                "astana",
                "--allow-test-iin",
                "--submit-date",
                "2026-08-03",
                "--out",
                str(xml),
            ]
        )
        == 0
    )
    monkeypatch.setenv("NCA_TEST_PASSWORD", RSA_PASSWORD)
    sign = ["sign", str(xml), "--key", str(VALID_SIGN), "--password-env", "NCA_TEST_PASSWORD"]
    assert main([*sign, "--allow-test-keys", "--out", str(signed)]) == 0
    submission = await cabinet.submit(signed.read_bytes(), "cli-e2e")
    assert submission.status is SubmissionState.ACCEPTED, submission.reasons
    clock.advance(dt.timedelta(hours=1))
    assert (await cabinet.status(submission.registration_number)).status is SubmissionState.PROCESSED
