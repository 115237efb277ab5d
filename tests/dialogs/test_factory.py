"""The app's wiring: a stable payload secret, and an engine over a real database."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from core.settings import Settings
from core.storage import Database
from dialogs.factory import build_engine, payload_secret
from dialogs.ports import Services
from tests.dialogs.conftest import chat_for


def test_secret_is_stable_and_private(tmp_path: Path) -> None:
    settings = Settings(DATA_DIR=tmp_path / "data")
    first = payload_secret(settings)
    assert payload_secret(settings) == first
    assert ((tmp_path / "data" / "payload-secret").stat().st_mode & 0o077) == 0
    keyed = Settings(DATA_DIR=tmp_path, MASTER_KEY=SecretStr("m" * 32))
    assert payload_secret(keyed) == payload_secret(keyed) != first
    assert "m" * 32 not in repr(keyed)


async def test_built_engine_talks(sqlite_db: Database, tmp_path: Path, services: Services) -> None:
    engine = build_engine(sqlite_db, Settings(DATA_DIR=tmp_path), services)
    chat = chat_for(engine, "kk")
    await chat.say("/start")
    chat.expect("Сәлеметсіз бе")
