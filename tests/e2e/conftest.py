"""End-to-end fixtures: the Telegram stack over loopback HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.storage import Database
from tests.e2e.harness import TelegramStack


@pytest.fixture
async def stack(database: Database) -> AsyncIterator[TelegramStack]:
    running = await TelegramStack.start(database)
    try:
        yield running
    finally:
        await running.close()
