"""WhatsApp fixtures: the stack (emulator + webhook + engine over memory) on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.bot.whatsapp.harness import WhatsAppStack


@pytest.fixture
async def stack() -> AsyncIterator[WhatsAppStack]:
    running = await WhatsAppStack.start()
    try:
        yield running
    finally:
        await running.close()
