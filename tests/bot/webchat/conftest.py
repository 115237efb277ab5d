"""Fixtures: the combined app (Bot API + web chat) on 127.0.0.1 with a polling aiogram echo bot behind it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Dispatcher

from bot.emulator import Limits, RunningServer, TelegramEmulator, serve
from bot.webchat import create_webchat_app
from tests.bot.emulator.helpers import TOKEN, close_bot, echo_router, make_bot, polling


@pytest.fixture
def emulator() -> TelegramEmulator:
    return TelegramEmulator(token=TOKEN, limits=Limits.relaxed())


@pytest.fixture
async def chat_server(emulator: TelegramEmulator) -> AsyncIterator[RunningServer]:
    """The page and the Bot API on one port, and a real aiogram bot polling it."""
    running = await serve(create_webchat_app(emulator))
    bot = make_bot(running.url)
    dp = Dispatcher()
    dp.include_router(echo_router())
    async with polling(dp, bot):
        yield running
    await close_bot(bot)
    await running.close()
