"""setWebhook: updates are POSTed to the bot's aiohttp app (aiogram's SimpleRequestHandler) with the secret header."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.exceptions import TelegramConflictError
from aiogram.methods import SendMessage
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.emulator import RunningServer, TelegramEmulator, serve
from tests.bot.emulator.helpers import echo_router

SECRET = "s3cret-token_1"


async def _bot_app(dp: Dispatcher, bot: Bot, *, in_background: bool = True) -> RunningServer:
    app = web.Application()
    SimpleRequestHandler(dp, bot, secret_token=SECRET, handle_in_background=in_background).register(app, "/hook")
    return await serve(app)


@pytest.fixture
async def echo_hook(bot: Bot) -> AsyncIterator[tuple[RunningServer, list[int]]]:
    seen: list[int] = []
    dp = Dispatcher()
    dp.include_router(echo_router(seen))
    hook = await _bot_app(dp, bot)
    yield hook, seen
    await hook.close()


async def _wait_until(emulator: TelegramEmulator, predicate: object) -> None:
    async with asyncio.timeout(5):
        while not predicate():  # type: ignore[operator]
            await emulator.update_arrived.wait(emulator.update_arrived.version, 0.05)


async def test_updates_arrive_by_webhook_and_polling_conflicts(
    emulator: TelegramEmulator, bot: Bot, echo_hook: tuple[RunningServer, list[int]]
) -> None:
    hook, seen = echo_hook
    assert await bot.set_webhook(f"{hook.url}/hook", secret_token=SECRET)
    user = emulator.create_user()
    first = emulator.send_text(user.id, "по вебхуку")
    [reply] = await emulator.wait_for_bot_messages(user.id, 1)
    assert reply["text"] == "эхо: по вебхуку"
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()
    emulator.redeliver(first["update_id"])
    await emulator.wait_for_bot_messages(user.id, 2)
    assert seen == [first["update_id"], first["update_id"]]
    info = await bot.get_webhook_info()
    assert info.url == f"{hook.url}/hook"
    assert info.pending_update_count == 0
    assert await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == []


async def test_wrong_secret_is_recorded_and_retried(
    emulator: TelegramEmulator, bot: Bot, echo_hook: tuple[RunningServer, list[int]]
) -> None:
    hook, _ = echo_hook
    await bot.set_webhook(f"{hook.url}/hook", secret_token="not-the-secret")
    user = emulator.create_user()
    emulator.send_text(user.id, "первое")
    webhook = emulator.updates.webhook
    assert webhook is not None
    await _wait_until(emulator, lambda: webhook.last_error_message is not None)
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1
    assert info.last_error_message == "Wrong response from the webhook: 401 Unauthorized"
    await bot.set_webhook(f"{hook.url}/hook", secret_token=SECRET)  # fixed: the kept update now goes through
    [reply] = await emulator.wait_for_bot_messages(user.id, 1)
    assert reply["text"] == "эхо: первое"


async def test_method_in_webhook_response_is_executed(emulator: TelegramEmulator, bot: Bot) -> None:
    router = Router()

    @router.message(F.text)
    async def answer_in_body(message: Message) -> SendMessage:
        return message.answer(f"в ответе: {message.text}")

    dp = Dispatcher()
    dp.include_router(router)
    hook = await _bot_app(dp, bot, in_background=False)
    try:
        await bot.set_webhook(f"{hook.url}/hook", secret_token=SECRET, drop_pending_updates=True)
        user = emulator.create_user()
        emulator.send_text(user.id, "тест")
        [reply] = await emulator.wait_for_bot_messages(user.id, 1)
    finally:
        await hook.close()
    assert reply["text"] == "в ответе: тест"


async def test_bad_webhook_settings(bot: Bot) -> None:
    from aiogram.exceptions import TelegramBadRequest

    with pytest.raises(TelegramBadRequest, match="secret token contains unallowed characters"):
        await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="пароль")
    with pytest.raises(TelegramBadRequest, match="bad webhook"):
        await bot.set_webhook("ftp://127.0.0.1/hook")
