"""``asistent run`` / ``worker`` warn at startup when no НУЦ РК trust anchor is configured."""

from __future__ import annotations

import logging

import pytest
from pydantic import SecretStr

from bot.app import check
from core.settings import Settings


def test_startup_warns_without_trust_anchors(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(NCA_TRUST_DIR=None, TELEGRAM_BOT_TOKEN=SecretStr("123:abc"))
    with caplog.at_level(logging.INFO, logger="asistent.app"):
        check(settings)
    assert any("NCA_TRUST_DIR" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


def test_local_mode_only_notes_it(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="asistent.app"):
        check(Settings(NCA_TRUST_DIR=None, TELEGRAM_BOT_TOKEN=None))
    notes = [r for r in caplog.records if "NCA_TRUST_DIR" in r.getMessage()]
    assert notes
    assert all(r.levelno == logging.INFO for r in notes)


def test_startup_quiet_with_trust_anchors(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings()  # the tests' NCA_TRUST_DIR (tests/fixtures/nca.py) holds a CA certificate
    with caplog.at_level(logging.INFO, logger="asistent.app"):
        check(settings)
    assert not any("NCA_TRUST_DIR" in r.getMessage() for r in caplog.records)
