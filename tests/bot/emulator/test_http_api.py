"""The Bot API over raw HTTP: body encodings, response shapes, tokens, getUpdates semantics, commands, files."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramConflictError, TelegramUnauthorizedError
from aiogram.types import BotCommand, BotCommandScopeDefault, BufferedInputFile

from bot.emulator import RunningServer, TelegramEmulator
from tests.bot.emulator.helpers import TOKEN, close_bot, make_bot


async def _call(server: RunningServer, method: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.post(f"{server.url}/bot{TOKEN}/{method}", **kwargs) as resp:
        return resp.status, await resp.json()


async def test_json_and_form_bodies_give_the_same_message(emulator: TelegramEmulator, server: RunningServer) -> None:
    user = emulator.create_user()
    markup = {"inline_keyboard": [[{"text": "Да", "callback_data": "yes"}]]}
    status, body = await _call(
        server, "sendMessage", json={"chat_id": user.id, "text": "json", "reply_markup": markup}
    )
    assert status == 200
    assert body["ok"] is True
    assert body["result"]["reply_markup"] == markup
    form = {
        "chat_id": str(user.id),
        "text": "form",
        "reply_markup": '{"inline_keyboard": [[{"text": "Да", "callback_data": "yes"}]]}',
    }
    status, body = await _call(server, "sendmessage", data=form)  # method names are case-insensitive
    assert (status, body["result"]["text"], body["result"]["reply_markup"]) == (200, "form", markup)


async def test_error_shape_unknown_method_and_token(emulator: TelegramEmulator, server: RunningServer) -> None:
    status, body = await _call(server, "sendMessage", json={"chat_id": 5, "text": "x"})
    assert (status, body) == (400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
    status, body = await _call(server, "sendTelepathy", json={})
    assert (status, body["error_code"], body["description"]) == (404, 404, "Not Found")
    other = Bot("43:WRONG", session=make_bot(server.url).session)
    with pytest.raises(TelegramUnauthorizedError):
        await other.get_me()
    await close_bot(other)


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (42, True, "asistent_local_bot")


async def test_offset_confirms_and_allowed_updates_filter(emulator: TelegramEmulator, bot: Bot) -> None:
    user = emulator.create_user()
    emulator.send_text(user.id, "a")
    emulator.send_text(user.id, "b")
    first = await bot.get_updates(timeout=0)
    assert [u.message.text for u in first if u.message] == ["a", "b"]
    assert first[1].update_id == first[0].update_id + 1
    again = await bot.get_updates(offset=first[1].update_id, timeout=0)
    assert [u.update_id for u in again] == [first[1].update_id]
    assert await bot.get_updates(offset=first[1].update_id + 1, timeout=0) == []
    sent = await bot.send_message(user.id, "?", reply_markup=_one_button())
    emulator.press_button(user.id, sent.message_id, "go")
    emulator.send_text(user.id, "c")
    only_messages = await bot.get_updates(timeout=0, allowed_updates=["message"])
    assert [u.message.text for u in only_messages if u.message] == ["c"]


def _one_button() -> Any:
    from tests.bot.emulator.helpers import keyboard

    return keyboard(("Go", "go"))


async def test_long_poll_wakes_on_a_new_update(emulator: TelegramEmulator, bot: Bot) -> None:
    user = emulator.create_user()
    generation = emulator.poll_generation
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    async with asyncio.timeout(5):
        while emulator.poll_generation == generation:
            await emulator.update_arrived.wait(emulator.update_arrived.version, 1)
    emulator.send_text(user.id, "разбуди")
    updates = await asyncio.wait_for(poll, 5)
    assert [u.message.text for u in updates if u.message] == ["разбуди"]


async def test_a_second_poller_terminates_the_first(emulator: TelegramEmulator, bot: Bot) -> None:
    generation = emulator.poll_generation
    first = asyncio.create_task(bot.get_updates(timeout=30))
    async with asyncio.timeout(5):
        while emulator.poll_generation == generation:
            await emulator.update_arrived.wait(emulator.update_arrived.version, 1)
    assert await bot.get_updates(timeout=0) == []
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 5)


async def test_commands_by_language(bot: Bot) -> None:
    await bot.set_my_commands([BotCommand(command="start", description="Начать")], language_code="ru")
    await bot.set_my_commands([BotCommand(command="start", description="Бастау")], language_code="kk")
    kk = await bot.get_my_commands(scope=BotCommandScopeDefault(), language_code="kk")
    assert [(c.command, c.description) for c in kk] == [("start", "Бастау")]
    assert await bot.get_my_commands() == []


async def test_get_file_and_download_by_path(emulator: TelegramEmulator, bot: Bot, server: RunningServer) -> None:
    user = emulator.create_user()
    sent = await bot.send_document(user.id, BufferedInputFile(b"hello", "hello.txt"))
    assert sent.document is not None
    again = await bot.send_document(user.id, sent.document.file_id)  # resend by file_id
    assert again.document is not None
    assert again.document.file_id == sent.document.file_id
    file = await bot.get_file(sent.document.file_id)
    assert file.file_path is not None
    async with aiohttp.ClientSession() as http, http.get(f"{server.url}/file/bot{TOKEN}/{file.file_path}") as resp:
        assert await resp.read() == b"hello"


async def test_delete_and_chat_action(emulator: TelegramEmulator, bot: Bot) -> None:
    user = emulator.create_user()
    sent = await bot.send_message(user.id, "временное")
    assert await bot.send_chat_action(user.id, "typing")
    assert await bot.delete_message(user.id, sent.message_id)
    assert emulator.bot_messages(user.id) == []


async def test_access_log_never_shows_the_token(
    bot: Bot, emulator: TelegramEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.emulator import redact_path

    assert redact_path(f"/bot{TOKEN}/getMe") == "/bot<token>/getMe"
    assert redact_path(f"/file/bot{TOKEN}/documents/file_1.pdf") == "/file/bot<token>/documents/file_1.pdf"
    with caplog.at_level("INFO", logger="aiohttp.access"):
        await bot.get_me()
    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert lines
    assert "POST /bot<token>/getMe 200" in lines[0]
    assert all(TOKEN.split(":")[1] not in line for line in lines)
