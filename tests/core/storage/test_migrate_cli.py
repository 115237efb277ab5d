"""``asistent migrate``: upgrades the database at DATABASE_URL (creating a SQLite file's directory); bad input → 2."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from core.settings import get_settings
from core.storage import current_revision, head_revision


def test_migrate_sqlite_from_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'var' / 'asistent.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        assert main(["migrate"]) == 0
    finally:
        get_settings.cache_clear()
    assert asyncio.run(current_revision(url)) == head_revision()
    assert head_revision() in capsys.readouterr().out
    assert main(["migrate", "--url", url]) == 0  # idempotent


def test_bad_url_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "--url", "not a url"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "not a database URL" in err


def test_unreachable_server_is_one_line_without_password(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "--url", "postgresql+asyncpg://u:hunter2@127.0.0.1:1/x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "hunter2" not in err
