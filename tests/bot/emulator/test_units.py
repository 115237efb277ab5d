"""Pure pieces: image sizes, HTML checks, the update queue's offsets and redelivery, reply keyboards, captions."""

from __future__ import annotations

import struct

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.emulator import TelegramEmulator
from bot.emulator.telegram.errors import BotApiError
from bot.emulator.telegram.files import image_size
from bot.emulator.telegram.formatting import visible_text
from bot.emulator.telegram.updates import UpdateQueue
from tests.bot.emulator.helpers import PNG_1x1


def test_image_sizes() -> None:
    assert image_size(PNG_1x1) == (1, 1)
    assert image_size(b"GIF89a" + struct.pack("<HH", 640, 480) + b"\0" * 8) == (640, 480)
    sof = b"\xff\xc0" + struct.pack(">HBHH", 17, 8, 300, 400) + b"\0" * 12
    assert image_size(b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 4) + b"\0\0" + sof) == (400, 300)
    assert image_size(b"%PDF-1.4") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("<b>a</b> &amp; <i>b</i>", "a & b"), ('<a href="https://x.kz">сайт</a>', "сайт"), ("нет тегов", "нет тегов")],
)
def test_html_visible_text(text: str, expected: str) -> None:
    assert visible_text(text, "HTML") == expected


@pytest.mark.parametrize("text", ["<b>открыт", "<i>a</b>", "<script>x</script>", "1 < 2"])
def test_bad_html_is_refused(text: str) -> None:
    with pytest.raises(BotApiError, match="can't parse entities"):
        visible_text(text, "HTML")
    assert visible_text(text, None) == text  # without parse_mode nothing is parsed


def test_queue_offsets_and_redelivery() -> None:
    queue = UpdateQueue()
    first = queue.add("message", {"text": "a"})
    second = queue.add("message", {"text": "b"})
    assert queue.take(100) == [first, second]
    queue.confirm(second["update_id"] + 1)
    assert len(queue) == 0
    queue.redeliver(first["update_id"])
    queue.confirm(second["update_id"] + 1)  # an offset past it does not drop a copy never delivered
    assert queue.take(100) == [first]
    queue.confirm(first["update_id"] + 1)
    assert len(queue) == 0
    third, fourth = queue.add("message", {}), queue.add("message", {})
    queue.confirm(-1)  # negative offset: keep the last one
    assert queue.take(100) == [fourth]
    assert third["update_id"] < fourth["update_id"]


async def test_reply_keyboard_and_removal(emulator: TelegramEmulator, bot: Bot) -> None:
    user = emulator.create_user()
    markup = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Упрощёнка")]], one_time_keyboard=True)
    await bot.send_message(user.id, "Режим?", reply_markup=markup)
    assert emulator.chats[user.id].reply_keyboard is not None
    emulator.send_text(user.id, "Упрощёнка")
    assert emulator.chats[user.id].reply_keyboard is None  # one-time keyboards hide after use
    await bot.send_message(user.id, "Ещё?", reply_markup=markup.model_copy(update={"one_time_keyboard": False}))
    await bot.send_message(user.id, "Готово", reply_markup=ReplyKeyboardRemove())
    assert emulator.chats[user.id].reply_keyboard is None


async def test_caption_edit(emulator: TelegramEmulator, bot: Bot) -> None:
    user = emulator.create_user()
    sent = await bot.send_document(user.id, BufferedInputFile(b"x", "a.txt"), caption="старая")
    edited = await bot.edit_message_caption(chat_id=user.id, message_id=sent.message_id, caption="новая")
    assert not isinstance(edited, bool)
    assert edited.caption == "новая"
    with pytest.raises(TelegramBadRequest, match="there is no text in the message to edit"):
        await bot.edit_message_text("текст", chat_id=user.id, message_id=sent.message_id)


async def test_users_own_message_cannot_be_edited(emulator: TelegramEmulator, bot: Bot) -> None:
    user = emulator.create_user()
    update = emulator.send_text(user.id, "моё")
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("чужое", chat_id=user.id, message_id=update["message"]["message_id"])


def test_pressing_as_another_user_or_forged_data(emulator: TelegramEmulator) -> None:
    from bot.emulator.telegram import UserSideError

    owner, other = emulator.create_user("Владелец"), emulator.create_user("Чужой")
    chat = emulator.chats[owner.id]
    message = emulator.post_message(chat, {"text": "?"}, {"inline_keyboard": [[{"text": "Да", "callback_data": "y"}]]})
    update = emulator.press_button(owner.id, message["message_id"], "y", as_user=other.id)
    assert update["callback_query"]["from"]["id"] == other.id
    assert update["callback_query"]["message"]["chat"]["id"] == owner.id
    with pytest.raises(UserSideError, match="no such button"):
        emulator.press_button(owner.id, message["message_id"], "delete:all")
    forged = emulator.press_button(owner.id, message["message_id"], "delete:all", forge=True)
    assert forged["callback_query"]["data"] == "delete:all"


def test_html_entities_in_utf16_offsets() -> None:
    from bot.emulator.telegram.formatting import parse_text

    text, entities = parse_text('💰 <b>Налог: <i>12 000</i> ₸</b> <a href="https://kgd.gov.kz">КГД</a>', "HTML")
    assert text == "💰 Налог: 12 000 ₸ КГД"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 15},
        {"type": "italic", "offset": 10, "length": 6},
        {"type": "text_link", "offset": 19, "length": 3, "url": "https://kgd.gov.kz"},
    ]
    _, [pre] = parse_text('<pre><code class="language-python">x = 1</code></pre>', "HTML")
    assert pre == {"type": "pre", "offset": 0, "length": 5, "language": "python"}


async def test_sent_and_edited_messages_carry_entities(emulator: TelegramEmulator, bot: Bot) -> None:
    user = emulator.create_user()
    sent = await bot.send_message(user.id, "<b>Итого</b>: 5", parse_mode="HTML")
    assert sent.entities is not None
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 5)]
    edited = await bot.edit_message_text("Итого: 6", chat_id=user.id, message_id=sent.message_id)
    assert not isinstance(edited, bool)
    assert edited.entities is None
    doc = await bot.send_document(user.id, BufferedInputFile(b"x", "a.txt"), caption="<i>акт</i>", parse_mode="HTML")
    assert doc.caption_entities is not None
    assert doc.caption_entities[0].type == "italic"


async def test_reply_to_a_message(emulator: TelegramEmulator, bot: Bot) -> None:
    from aiogram.types import ReplyParameters

    user = emulator.create_user()
    question = emulator.send_text(user.id, "Сколько налог?")["message"]
    answer = await bot.send_message(
        user.id, "12 000 ₸", reply_parameters=ReplyParameters(message_id=question["message_id"])
    )
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "Сколько налог?"
