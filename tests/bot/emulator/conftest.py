"""Fixtures: an emulator with a manual clock served on 127.0.0.1 (port 0), and a real aiogram Bot talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot

from bot.emulator import ManualClock, RunningServer, TelegramEmulator, create_telegram_emulator, serve
from tests.bot.emulator.helpers import TOKEN, close_bot, make_bot


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def emulator(clock: ManualClock) -> TelegramEmulator:
    return TelegramEmulator(token=TOKEN, clock=clock)


@pytest.fixture
async def server(emulator: TelegramEmulator) -> AsyncIterator[RunningServer]:
    running = await serve(create_telegram_emulator(emulator, webhook_retry_seconds=0.05))
    yield running
    await running.close()


@pytest.fixture
async def bot(server: RunningServer) -> AsyncIterator[Bot]:
    bot = make_bot(server.url)
    yield bot
    await close_bot(bot)
