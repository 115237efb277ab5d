"""A real aiogram Bot + Dispatcher talking to the emulator by long polling over loopback HTTP."""

from __future__ import annotations

import asyncio

from aiogram import Bot, Dispatcher

from bot.emulator import TelegramEmulator
from tests.bot.emulator.helpers import PNG_1x1, echo_router, polling


async def test_text_is_echoed(emulator: TelegramEmulator, bot: Bot) -> None:
    dp = Dispatcher()
    dp.include_router(echo_router())
    user = emulator.create_user("Айгерим", "kk")
    async with polling(dp, bot):
        emulator.send_text(user.id, "привет")
        [reply] = await emulator.wait_for_bot_messages(user.id, 1)
    assert reply["text"] == "эхо: привет"
    assert reply["chat"]["id"] == user.id
    assert reply["from"]["is_bot"] is True


async def test_button_press_edits_message_and_shows_toast(emulator: TelegramEmulator, bot: Bot) -> None:
    dp = Dispatcher()
    dp.include_router(echo_router())
    user = emulator.create_user()
    async with polling(dp, bot):
        emulator.send_text(user.id, "/kb")
        [menu] = await emulator.wait_for_bot_messages(user.id, 1)
        assert [row[0]["callback_data"] for row in menu["reply_markup"]["inline_keyboard"]] == ["yes", "no"]
        emulator.press_button(user.id, menu["message_id"], "yes")
        await _wait_for_toast(emulator, user.id)
    [edited] = emulator.bot_messages(user.id)
    assert edited["text"] == "Вы выбрали: yes"
    assert "reply_markup" not in edited  # editMessageText without reply_markup drops the keyboard, as on Telegram
    assert "edit_date" in edited
    toasts = [e.toast for e in emulator.history(user.id) if e.kind == "toast"]
    assert toasts == [{"text": "ok yes", "show_alert": False, "url": None, "message_id": menu["message_id"]}]


async def _wait_for_toast(emulator: TelegramEmulator, chat_id: int) -> None:
    async with asyncio.timeout(5):
        while not any(e.kind == "toast" for e in emulator.history(chat_id)):
            await emulator.changes.wait(emulator.changes.version, 5)


async def test_bot_sends_document_and_photo(emulator: TelegramEmulator, bot: Bot) -> None:
    dp = Dispatcher()
    dp.include_router(echo_router())
    user = emulator.create_user()
    async with polling(dp, bot):
        emulator.send_text(user.id, "/doc")
        await emulator.wait_for_bot_messages(user.id, 1)
        emulator.send_text(user.id, "/photo")
        document, photo = await emulator.wait_for_bot_messages(user.id, 2)
    assert document["document"]["file_name"] == "report.pdf"
    assert document["caption"] == "Отчёт"
    stored = emulator.stored_file(document["document"]["file_id"])
    assert stored is not None
    assert stored.content == b"%PDF-1.4 test"
    assert photo["photo"][0]["width"] == 1
    assert photo["caption"] == "График"


async def test_user_files_reach_the_bot_and_download(emulator: TelegramEmulator, bot: Bot) -> None:
    dp = Dispatcher()
    dp.include_router(echo_router())
    user = emulator.create_user()
    async with polling(dp, bot):
        emulator.send_file(user.id, "выписка.csv", b"date;amount\n2026-01-05;150000\n", "text/csv")
        await emulator.wait_for_bot_messages(user.id, 1)
        emulator.send_file(user.id, "check.png", PNG_1x1, "image/png")
        first, second = await emulator.wait_for_bot_messages(user.id, 2)
    assert first["text"] == "получил 30 байт"
    assert second["text"] == f"получил {len(PNG_1x1)} байт"


async def test_redelivered_update_keeps_its_update_id(emulator: TelegramEmulator, bot: Bot) -> None:
    seen: list[int] = []
    dp = Dispatcher()
    dp.include_router(echo_router(seen))
    user = emulator.create_user()
    async with polling(dp, bot):
        first = emulator.send_text(user.id, "раз")
        await emulator.wait_for_bot_messages(user.id, 1)
        emulator.send_text(user.id, "два")
        await emulator.wait_for_bot_messages(user.id, 2)
        emulator.redeliver(first["update_id"])
        await emulator.wait_for_bot_messages(user.id, 3)
        emulator.send_text(user.id, "три")
        await emulator.wait_for_bot_messages(user.id, 4)
    assert seen == [first["update_id"], first["update_id"] + 1, first["update_id"], first["update_id"] + 2]
