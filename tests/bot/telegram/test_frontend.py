"""The Telegram front end through real aiogram and a real HTTP session against a loopback fake Bot API."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Sequence

import pytest

from bot.outbox.memory import MemoryOutbox
from bot.telegram import build_dispatcher, mask_token
from bot.telegram.render import split_text
from dialogs.contract import Attachment, Button, ButtonEvent, FileEvent, InputEvent, Reply, TextEvent
from tests.bot.telegram.fakes import FakeEngine, callback_update, fake_bot_api, message_update

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


async def test_text_goes_to_the_engine_and_the_reply_has_an_inline_keyboard() -> None:
    def script(event: InputEvent) -> Sequence[Reply]:
        return [Reply(text="Выберите язык", buttons=((Button("Русский", "lang:ru"), Button("Қазақша", "lang:kk")),))]

    engine = FakeEngine(script)
    async with fake_bot_api() as (api, bot):
        await build_dispatcher(engine).feed_raw_update(bot, message_update(10, lang="kk", text="сәлем"))
    (event,) = engine.events
    assert isinstance(event, TextEvent)
    assert (event.text, event.event_id, event.chat.chat_id, event.chat.language_code) == ("сәлем", "10", "7", "kk")
    (sent,) = api.sent("sendMessage")
    assert sent["text"] == "Выберите язык"
    markup = json.loads(sent["reply_markup"])
    assert [b["callback_data"] for b in markup["inline_keyboard"][0]] == ["lang:ru", "lang:kk"]


async def test_command_loses_the_bot_suffix() -> None:
    engine = FakeEngine()
    async with fake_bot_api() as (_api, bot):
        await build_dispatcher(engine).feed_raw_update(bot, message_update(11, text="/start@fake_bot ref1"))
    assert isinstance(engine.events[0], TextEvent)
    assert engine.events[0].text == "/start ref1"


async def test_redelivered_update_has_no_second_effect() -> None:
    engine = FakeEngine()
    async with fake_bot_api() as (api, bot):
        dp = build_dispatcher(engine)
        for _ in range(3):
            await dp.feed_raw_update(bot, message_update(12, text="получил 1000"))
        # a fresh dispatcher (a restart) gets it once more: the engine's dedupe answers nothing
        await build_dispatcher(engine).feed_raw_update(bot, message_update(12, text="получил 1000"))
    assert len(engine.events) == 1
    assert api.texts() == ["echo: получил 1000"]


async def test_button_press_answers_the_callback_with_the_notice_and_edits_the_message() -> None:
    engine = FakeEngine()
    async with fake_bot_api() as (api, bot):
        await build_dispatcher(engine).feed_raw_update(bot, callback_update(13, "tax:explain", mid=77))
    (event,) = engine.events
    assert isinstance(event, ButtonEvent)
    assert (event.payload, event.message_ref, event.event_id) == ("tax:explain", "77", "13")
    (answer,) = api.sent("answerCallbackQuery")
    assert (answer["callback_query_id"], answer["text"]) == ("cb13", "ok")
    (edit,) = api.sent("editMessageText")
    assert (edit["message_id"], edit["text"]) == ("77", "pressed tax:explain")
    assert api.sent("sendMessage") == []


async def test_button_the_engine_ignores_only_stops_the_spinner() -> None:
    engine = FakeEngine(lambda event: [])
    async with fake_bot_api() as (api, bot):
        # a press by user 8 on a message in user 7's chat
        await build_dispatcher(engine).feed_raw_update(bot, callback_update(14, "del:yes", uid=8, chat_id=7))
    assert [m for m, _ in api.calls] == ["answerCallbackQuery"]
    assert engine.events[0].chat.chat_id == "8"


async def test_edit_of_a_message_in_another_chat_becomes_a_new_message_to_the_presser() -> None:
    engine = FakeEngine()
    async with fake_bot_api() as (api, bot):
        await build_dispatcher(engine).feed_raw_update(bot, callback_update(15, "x", uid=8, chat_id=7))
    assert api.sent("editMessageText") == []
    assert api.sent("sendMessage")[0]["chat_id"] == "8"


async def test_document_is_downloaded_and_handed_over_as_a_file_event() -> None:
    engine = FakeEngine()
    async with fake_bot_api() as (api, bot):
        api.files["doc1"] = b"%PDF-1.4 statement"
        document = {
            "file_id": "doc1",
            "file_unique_id": "u1",
            "file_name": "выписка.pdf",
            "mime_type": "application/pdf",
            "file_size": 18,
        }
        await build_dispatcher(engine).feed_raw_update(bot, message_update(16, document=document, caption="за май"))
    (event,) = engine.events
    assert isinstance(event, FileEvent)
    assert (event.file_name, event.mime_type, event.content, event.caption) == (
        "выписка.pdf",
        "application/pdf",
        b"%PDF-1.4 statement",
        "за май",
    )


async def test_photo_arrives_as_a_jpeg_file_event() -> None:
    engine = FakeEngine()
    async with fake_bot_api() as (api, bot):
        api.files["big"] = b"\xff\xd8jpeg"
        sizes = [
            {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90},
            {"file_id": "big", "file_unique_id": "b", "width": 900, "height": 900},
        ]
        await build_dispatcher(engine).feed_raw_update(bot, message_update(17, photo=sizes))
    (event,) = engine.events
    assert isinstance(event, FileEvent)
    assert (event.mime_type, event.content) == ("image/jpeg", b"\xff\xd8jpeg")


async def test_file_over_the_cap_is_refused_in_the_users_language_without_download() -> None:
    engine = FakeEngine()
    async with fake_bot_api() as (api, bot):
        document = {"file_id": "huge", "file_unique_id": "h", "file_name": "a.zip", "file_size": 50 * 1024 * 1024}
        dp = build_dispatcher(engine, max_file_bytes=1024 * 1024)
        await dp.feed_raw_update(bot, message_update(18, lang="kk", document=document))
    assert engine.events == []
    assert "getFile" not in [m for m, _ in api.calls]
    assert api.texts() == ["Файл тым үлкен: 1 МБ-қа дейін болады. Кішірек файл жіберіңіз."]


async def test_file_larger_than_it_claimed_stops_at_the_cap() -> None:
    engine = FakeEngine()
    async with fake_bot_api() as (api, bot):
        api.files["liar"] = b"x" * 4096
        document = {"file_id": "liar", "file_unique_id": "l", "file_name": "a.bin", "file_size": 10}
        await build_dispatcher(engine, max_file_bytes=1024).feed_raw_update(bot, message_update(19, document=document))
    assert engine.events == []
    assert api.texts()[0].startswith("Файл слишком большой")


async def test_attachments_go_out_as_photo_and_document() -> None:
    def script(event: InputEvent) -> Sequence[Reply]:
        return [
            Reply(
                text="Доход по месяцам",
                attachments=(
                    Attachment("image", "chart.png", "image/png", PNG, caption="2026"),
                    Attachment("document", "form910.xml", "application/xml", b"<form/>"),
                ),
            )
        ]

    async with fake_bot_api() as (api, bot):
        await build_dispatcher(FakeEngine(script)).feed_raw_update(bot, message_update(20, text="график"))
    assert [m for m, _ in api.calls] == ["sendMessage", "sendPhoto", "sendDocument"]
    assert api.sent("sendPhoto")[0]["photo"] == PNG
    assert api.sent("sendPhoto")[0]["caption"] == "2026"
    assert api.sent("sendDocument")[0]["document"] == b"<form/>"


async def test_long_text_is_split_and_the_keyboard_rides_on_the_last_chunk() -> None:
    long = ("абзац " * 400 + "\n\n") * 3

    def script(event: InputEvent) -> Sequence[Reply]:
        return [Reply(text=long, buttons=((Button("OK", "ok"),),))]

    async with fake_bot_api() as (api, bot):
        await build_dispatcher(FakeEngine(script)).feed_raw_update(bot, message_update(21, text="?"))
    sent = api.sent("sendMessage")
    assert len(sent) > 1
    assert all(len(p["text"]) <= 4096 for p in sent)
    assert ["reply_markup" in p for p in sent] == [False] * (len(sent) - 1) + [True]
    assert split_text("a" * 5000) == ["a" * 4096, "a" * 904]


async def test_a_failure_becomes_an_apology_in_kazakh_and_a_log_line_with_a_correlation_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(event: InputEvent) -> Sequence[Reply]:
        raise RuntimeError("secret internals")

    caplog.set_level(logging.ERROR)
    async with fake_bot_api() as (api, bot):
        await build_dispatcher(FakeEngine(broken)).feed_raw_update(bot, message_update(22, lang="kk", text="салық"))
    (apology,) = api.texts()
    assert apology.startswith("Кешіріңіз")
    assert "secret internals" not in apology
    assert "Traceback" not in apology
    cid = re.search(r"\b[0-9a-f]{12}\b", apology).group(0)  # type: ignore[union-attr]
    assert any(cid in record.getMessage() for record in caplog.records)


async def test_429_on_an_inline_reply_queues_the_rest_in_the_outbox() -> None:
    def script(event: InputEvent) -> Sequence[Reply]:
        return [Reply(text="первый"), Reply(text="второй", buttons=((Button("Да", "y"),),))]

    outbox = MemoryOutbox()
    async with fake_bot_api() as (api, bot):
        api.failures["sendMessage"] = [(429, 7)]
        before = dt.datetime.now(dt.UTC)
        dp = build_dispatcher(FakeEngine(script), outbox=outbox)
        await dp.feed_raw_update(bot, message_update(23, text="?"))
        await build_dispatcher(FakeEngine(script), outbox=outbox).feed_raw_update(bot, message_update(23, text="?"))
    rows = sorted(outbox.rows.values(), key=lambda r: r.item.id)
    assert [Reply.from_dict(r.item.payload).text for r in rows] == ["первый", "второй"]
    assert [r.item.dedupe_key for r in rows] == ["tg-reply:23:0", "tg-reply:23:1"]
    assert all(r.item.chat_id == "7" and r.item.channel == "telegram" for r in rows)
    assert all(r.not_before >= before + dt.timedelta(seconds=7) for r in rows)
    assert Reply.from_dict(rows[1].item.payload).buttons[0][0].payload == "y"


async def test_location_gets_a_note_on_what_the_bot_reads_and_groups_are_ignored() -> None:
    engine = FakeEngine()
    async with fake_bot_api() as (api, bot):
        dp = build_dispatcher(engine)
        await dp.feed_raw_update(bot, message_update(24, location={"latitude": 43.2, "longitude": 76.9}))
        group = message_update(25, text="всем привет")
        group["message"]["chat"] = {"id": -100, "type": "group", "title": "ИП"}
        await dp.feed_raw_update(bot, group)
    assert api.texts() == ["Я понимаю текст, кнопки, документы и фото. Напишите, пожалуйста, словами."]
    assert engine.events == []


async def test_sticker_and_emoji_only_reach_the_engine_as_text() -> None:
    engine = FakeEngine()
    async with fake_bot_api() as (_api, bot):
        sticker = {
            "file_id": "s",
            "file_unique_id": "s",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        dp = build_dispatcher(engine)
        await dp.feed_raw_update(bot, message_update(26, sticker=sticker))
        await dp.feed_raw_update(bot, message_update(27, text="🎉🎉🎉"))
    assert [e.text for e in engine.events if isinstance(e, TextEvent)] == ["👍", "🎉🎉🎉"]


async def test_command_menu_is_published_in_russian_and_kazakh() -> None:
    async with fake_bot_api() as (api, bot):
        await build_dispatcher(FakeEngine()).emit_startup(bot=bot)
    ru, kk = api.sent("setMyCommands")
    assert "language_code" not in ru
    assert kk["language_code"] == "kk"
    assert json.loads(kk["commands"])[0] == {"command": "start", "description": "Бастау"}


def test_tokens_are_masked_in_urls_and_text() -> None:
    assert mask_token("POST http://x/bot123456:AAE-abc_DEF/sendMessage") == "POST http://x/bot***/sendMessage"
    assert mask_token("token 123456:AAEabcdefDEF here") == "token *** here"


async def test_webhook_rejects_a_wrong_secret_and_feeds_a_right_one() -> None:
    import asyncio

    from aiohttp import ClientSession, web
    from aiohttp.test_utils import TestServer

    from bot.telegram.webhook import mount_webhook, webhook_path

    engine = FakeEngine()
    async with fake_bot_api() as (api, bot):
        app = web.Application()
        path = webhook_path("https://example.kz/hooks/tg")
        handler = mount_webhook(app, build_dispatcher(engine), bot, path=path, secret="s3cr3t-Token_1")
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        update = message_update(30, text="привет")
        try:
            async with ClientSession() as http:
                url = str(server.make_url(path))
                bad = await http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
                missing = await http.post(url, json=update)
                good = await http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cr3t-Token_1"})
            await asyncio.gather(*handler._background_feed_update_tasks)
        finally:
            await server.close()
    assert (bad.status, missing.status, good.status) == (401, 401, 200)
    assert [e.event_id for e in engine.events] == ["30"]
    assert api.texts() == ["echo: привет"]
    assert webhook_path("https://example.kz") == "/telegram/webhook"


async def test_telegram_unreachable_queues_the_reply_instead_of_apologising() -> None:
    outbox = MemoryOutbox()
    async with fake_bot_api() as (api, bot):
        api.failures["sendMessage"] = [(502, 0)]
        await build_dispatcher(FakeEngine(), outbox=outbox).feed_raw_update(bot, message_update(40, text="привет"))
    assert api.texts() == ["echo: привет"]  # the one attempt, answered 502; no apology after it
    (row,) = outbox.rows.values()
    assert Reply.from_dict(row.item.payload).text == "echo: привет"
    assert row.item.dedupe_key == "tg-reply:40:0"


async def test_a_user_who_blocked_the_bot_is_left_alone(caplog: pytest.LogCaptureFixture) -> None:
    outbox = MemoryOutbox()
    caplog.set_level(logging.WARNING)
    async with fake_bot_api() as (api, bot):
        api.failures["sendMessage"] = [(403, 0)]
        await build_dispatcher(FakeEngine(), outbox=outbox).feed_raw_update(bot, message_update(41, text="привет"))
    assert len(api.sent("sendMessage")) == 1
    assert outbox.rows == {}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
