"""Shared fixtures: database URLs for SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os

import pytest

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
REQUIRE_POSTGRES = os.environ.get("ASISTENT_REQUIRE_POSTGRES") == "1"
REQUIRE_BROWSER = os.environ.get("ASISTENT_REQUIRE_BROWSER") == "1"
REQUIRE_OCR = os.environ.get("ASISTENT_REQUIRE_OCR") == "1"


def postgres_url_or_skip() -> str:
    """The PostgreSQL test URL; skip with a reason when unset (fail when CI requires it)."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("ASISTENT_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)")
    return POSTGRES_URL


def ocr_or_skip() -> None:
    """Skip an OCR test when Tesseract (rus+kaz) is missing; fail loudly when CI requires it."""
    from core.notices import ocr

    try:
        ocr.tesseract_binary()
    except ocr.OcrUnavailable as exc:
        if REQUIRE_OCR:
            pytest.fail(f"ASISTENT_REQUIRE_OCR=1 but {exc}", pytrace=False)
        pytest.skip(f"OCR tests need Tesseract: {exc} (run: bash scripts/test-env.sh true)")


pytest_plugins = ["tests.fixtures.db", "tests.fixtures.nca"]
