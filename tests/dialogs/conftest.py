"""Dialog engine fixtures: an engine over memory, SQLite or PostgreSQL, and scripted chats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache

import pytest

from core.storage import Database
from dialogs.engine import Engine
from dialogs.memory import MemoryDatabase
from dialogs.ports import Services
from dialogs.services import CoreCalendar, CoreConsultant, CorePlaces, CoreTaxes, default_interpreter
from dialogs.sql_store import SqlStores
from dialogs.testing import ScriptedChat

SECRET = b"test-payload-secret"
NOW = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)  # 11:00 in Kazakhstan


@lru_cache(maxsize=1)
def _services() -> Services:
    return Services(
        interpreter=default_interpreter(),
        taxes=CoreTaxes(),
        places=CorePlaces(),
        calendar=CoreCalendar(),
        consultant=CoreConsultant(),
    )


@pytest.fixture
def services() -> Services:
    return _services()


@pytest.fixture
def memory_engine(services: Services) -> Engine:
    return Engine(MemoryDatabase().session, services, SECRET)


@pytest.fixture
def sql_engine_factory(database: Database, services: Services) -> Callable[[], Engine]:
    """A new engine over the same database each call (a restart)."""
    return lambda: Engine(SqlStores(database), services, SECRET)


@pytest.fixture
def sql_engine(sql_engine_factory: Callable[[], Engine]) -> Engine:
    return sql_engine_factory()


def chat_for(engine: Engine, lang: str, chat_id: str = "1001", channel: str = "telegram") -> ScriptedChat:
    return ScriptedChat(engine.handle, chat_id=chat_id, channel=channel, language_code=lang, now=NOW)  # type: ignore[arg-type]
