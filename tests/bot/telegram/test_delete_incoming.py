"""``Reply.delete_incoming`` on Telegram: the user's message (a key file, a password) is deleted before the replies
go out; when Telegram refuses, the user is asked to delete it; a button press has no message of the user's."""

from __future__ import annotations

from collections.abc import Sequence

from bot.telegram import build_dispatcher
from dialogs.contract import InputEvent, Reply
from tests.bot.telegram.fakes import FakeEngine, callback_update, fake_bot_api, message_update


def secret(event: InputEvent) -> Sequence[Reply]:
    return [Reply(text="Пароль принят, сообщение удалено.", delete_incoming=True)]


async def test_the_users_message_is_deleted_first() -> None:
    async with fake_bot_api() as (api, bot):
        await build_dispatcher(FakeEngine(secret)).feed_raw_update(bot, message_update(20, text="Qwerty12"))
    methods = [m for m, _ in api.calls if m in ("deleteMessage", "sendMessage")]
    assert methods == ["deleteMessage", "sendMessage"]
    (deleted,) = api.sent("deleteMessage")
    assert (int(deleted["chat_id"]), int(deleted["message_id"])) == (7, 520)
    assert api.texts() == ["Пароль принят, сообщение удалено."]


async def test_a_command_and_a_document_are_deleted_too() -> None:
    async with fake_bot_api() as (api, bot):
        api.files["f1"] = b"\x30\x82key"
        dp = build_dispatcher(FakeEngine(secret))
        await dp.feed_raw_update(bot, message_update(21, text="/cancel"))
        document = {"file_id": "f1", "file_unique_id": "u1", "file_name": "RSA256_a.p12", "file_size": 4}
        await dp.feed_raw_update(bot, message_update(22, document=document))
    assert [int(p["message_id"]) for p in api.sent("deleteMessage")] == [521, 522]


async def test_no_deletion_unless_asked() -> None:
    async with fake_bot_api() as (api, bot):
        await build_dispatcher(FakeEngine()).feed_raw_update(bot, message_update(23, text="привет"))
    assert api.sent("deleteMessage") == []


async def test_when_telegram_refuses_the_user_is_asked_to_delete_it() -> None:
    async with fake_bot_api() as (api, bot):
        api.failures["deleteMessage"] = [(400, 0)]
        await build_dispatcher(FakeEngine(secret)).feed_raw_update(bot, message_update(24, lang="kk", text="pw"))
    texts = api.texts()
    assert texts[0] == "Пароль принят, сообщение удалено."
    assert "өзіңіз өшіріңізші" in texts[1]


async def test_a_button_press_deletes_nothing() -> None:
    async with fake_bot_api() as (api, bot):
        await build_dispatcher(FakeEngine(secret)).feed_raw_update(bot, callback_update(25, data="key:ack::x"))
    assert api.sent("deleteMessage") == []
