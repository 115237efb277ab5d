"""deleteMessage on the user's own messages: a bot may delete incoming messages of its private chat for 48 hours
(how the kept-key flow removes a key file and a password); the web chat then shows no bubble for it."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from bot.emulator import ManualClock, TelegramEmulator
from bot.webchat.telegram_channel import TelegramWebChannel


async def test_the_bot_deletes_a_users_message(emulator: TelegramEmulator, bot: Bot) -> None:
    user = emulator.create_user()
    update = emulator.send_text(user.id, "Qwerty12")
    message_id = update["message"]["message_id"]
    view = TelegramWebChannel(emulator)
    assert [e["text"] for e in view.history(str(user.id))["entries"]] == ["Qwerty12"]
    assert await bot.delete_message(user.id, message_id)
    assert view.history(str(user.id))["entries"] == []  # the bubble is gone
    with pytest.raises(TelegramBadRequest, match="not found"):
        await bot.delete_message(user.id, message_id)


async def test_after_48_hours_a_message_cannot_be_deleted(
    emulator: TelegramEmulator, bot: Bot, clock: ManualClock
) -> None:
    user = emulator.create_user()
    update = emulator.send_file(user.id, "RSA256_key.p12", b"\x30\x82key", "application/x-pkcs12")
    clock.advance(48 * 3600)
    with pytest.raises(TelegramBadRequest, match="can't be deleted"):
        await bot.delete_message(user.id, update["message"]["message_id"])
