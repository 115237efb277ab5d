"""Telegram's limits, enforced with its error texts, seen through aiogram's exceptions."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.emulator import Limits, ManualClock, TelegramEmulator
from bot.emulator.telegram.limits import SendRateLimiter, utf16_length
from tests.bot.emulator.helpers import keyboard


async def test_text_of_4096_characters_passes_and_4097_is_too_long(emulator: TelegramEmulator, bot: Bot) -> None:
    user = emulator.create_user()
    await bot.send_message(user.id, "я" * 4096)
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
        await bot.send_message(user.id, "я" * 4097)


async def test_length_counts_utf16_code_units(emulator: TelegramEmulator, bot: Bot) -> None:
    user = emulator.create_user()
    assert utf16_length("💰") == 2
    await bot.send_message(user.id, "💰" * 2048)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(user.id, "💰" * 2048 + "x")


async def test_empty_text_and_unknown_chat(emulator: TelegramEmulator, bot: Bot) -> None:
    user = emulator.create_user()
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(user.id, "   ")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(123, "кому?")


async def test_caption_limit(emulator: TelegramEmulator, bot: Bot) -> None:
    from aiogram.types import BufferedInputFile

    user = emulator.create_user()
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_document(user.id, BufferedInputFile(b"x", "a.txt"), caption="c" * 1025)


async def test_callback_data_over_64_bytes_is_button_data_invalid(emulator: TelegramEmulator, bot: Bot) -> None:
    user = emulator.create_user()
    await bot.send_message(user.id, "ok", reply_markup=keyboard(("a", "x" * 64)))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(user.id, "no", reply_markup=keyboard(("a", "x" * 65)))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):  # Cyrillic is 2 bytes a letter
        await bot.send_message(user.id, "no", reply_markup=keyboard(("a", "д" * 33)))


async def test_button_counts(emulator: TelegramEmulator, bot: Bot) -> None:
    user = emulator.create_user()
    wide = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=str(i), callback_data=str(i)) for i in range(9)]]
    )
    with pytest.raises(TelegramBadRequest, match="BUTTONS_TOO_MUCH"):
        await bot.send_message(user.id, "wide", reply_markup=wide)
    many = keyboard(*[(str(i), str(i)) for i in range(101)])
    with pytest.raises(TelegramBadRequest, match="BUTTONS_TOO_MUCH"):
        await bot.send_message(user.id, "many", reply_markup=many)


async def test_per_chat_rate_answers_429_with_retry_after(
    emulator: TelegramEmulator, bot: Bot, clock: ManualClock
) -> None:
    user = emulator.create_user()
    for i in range(emulator.limits.chat_burst):
        await bot.send_message(user.id, f"burst {i}")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(user.id, "one too many")
    assert caught.value.retry_after == 1
    assert "Too Many Requests: retry after 1" in caught.value.message
    clock.advance(1.0)
    await bot.send_message(user.id, "after the wait")
    assert len(emulator.bot_messages(user.id)) == emulator.limits.chat_burst + 1  # the refused one is not kept


async def test_global_rate_over_all_chats(emulator: TelegramEmulator, bot: Bot, clock: ManualClock) -> None:
    users = [emulator.create_user(f"u{i}") for i in range(emulator.limits.global_burst + 1)]
    for user in users[:-1]:
        await bot.send_message(user.id, "рассылка")
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(users[-1].id, "рассылка")
    clock.advance(0.1)  # 30/s refills 3 sends in 100 ms
    await bot.send_message(users[-1].id, "рассылка")


def test_retry_after_is_the_wait_for_the_next_token_rounded_up() -> None:
    clock = ManualClock()
    limiter = SendRateLimiter(Limits(chat_rate_per_second=0.25, chat_burst=1), clock)
    limiter.acquire(1)
    with pytest.raises(Exception, match="retry after 4"):
        limiter.acquire(1)
    clock.advance(3.5)
    with pytest.raises(Exception, match="retry after 1"):
        limiter.acquire(1)


def test_relaxed_limits_have_no_rates() -> None:
    clock = ManualClock()
    limiter = SendRateLimiter(Limits.relaxed(), clock)
    for _ in range(1000):
        limiter.acquire(1)
    assert Limits.relaxed().max_text == 4096


async def test_edit_with_nothing_new_is_not_modified(emulator: TelegramEmulator, bot: Bot) -> None:
    user = emulator.create_user()
    sent = await bot.send_message(user.id, "итог", reply_markup=keyboard(("Ещё", "more")))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=user.id, message_id=sent.message_id, reply_markup=keyboard(("Ещё", "more"))
        )
    edited = await bot.edit_message_reply_markup(chat_id=user.id, message_id=sent.message_id)
    assert not isinstance(edited, bool)
    assert edited.reply_markup is None
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=user.id, message_id=999)


async def test_html_is_checked_and_stripped(emulator: TelegramEmulator, bot: Bot) -> None:
    user = emulator.create_user()
    sent = await bot.send_message(user.id, "<b>Налог</b> &lt;за полугодие&gt;", parse_mode="HTML")
    assert sent.text == "Налог <за полугодие>"
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(user.id, "ТОО <Альфа>", parse_mode="HTML")
    await bot.send_message(user.id, "<b>" + "я" * 4096 + "</b>", parse_mode="HTML")  # tags do not count


async def test_photo_must_be_an_image(emulator: TelegramEmulator, bot: Bot) -> None:
    from aiogram.types import BufferedInputFile

    user = emulator.create_user()
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(user.id, BufferedInputFile(b"not an image", "x.png"))


async def test_answer_callback_twice_is_invalid(emulator: TelegramEmulator, bot: Bot) -> None:
    user = emulator.create_user()
    sent = await bot.send_message(user.id, "?", reply_markup=keyboard(("Да", "yes")))
    update = emulator.press_button(user.id, sent.message_id, "yes")
    query_id = update["callback_query"]["id"]
    await bot.answer_callback_query(query_id, text="готово")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)
