"""Delivery through the emulator: webhook mode and its secret, the outbox sender under Telegram's 429, inline
replies that hit 429 (queued, then delivered by the sender), and two sender workers on PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter

import pytest
from aiohttp import ClientSession, web
from sqlalchemy import select

from bot.emulator import ManualClock, serve
from bot.emulator.telegram import DEFAULT_TOKEN, SECRET_HEADER, Limits, TelegramEmulator, create_telegram_emulator
from bot.outbox import OutboxSender, SenderConfig, TokenBucket
from bot.outbox.sql import SqlOutbox
from bot.outbox.telegram import TelegramChannelSender
from bot.telegram import build_dispatcher, make_bot
from bot.telegram.observe import UpdateTracker
from bot.telegram.webhook import mount_webhook, register_webhook
from core.storage import Database, OutboxMessage, outbox_counts
from dialogs.contract import Reply
from tests.e2e.harness import NOW, TelegramStack, sql_engine

SECRET = "whsec_0123456789-abc"


async def test_webhook_mode_serves_updates_and_rejects_a_wrong_secret(database: Database) -> None:
    emulator = TelegramEmulator(limits=Limits.relaxed(), clock=ManualClock(start_unix=NOW.timestamp()))
    api = await serve(create_telegram_emulator(emulator, webhook_retry_seconds=0.05))
    bot = make_bot(DEFAULT_TOKEN, api.url)
    engine = sql_engine(database)
    tracker = UpdateTracker()
    dp = build_dispatcher(engine, outbox=SqlOutbox(database), observers=[tracker])
    app = web.Application()
    mount_webhook(app, dp, bot, path="/telegram/webhook", secret=SECRET)
    ours = await serve(app)
    try:
        await register_webhook(bot, dp, url=f"{ours.url}/telegram/webhook", secret=SECRET)
        user = emulator.create_user("Дана", "kk")
        update = emulator.send_text(user.id, "/start")
        await tracker.wait_for(int(update["update_id"]))
        (welcome,) = emulator.bot_messages(user.id)
        assert "reply_markup" in welcome  # the language choice
        forged = {**update, "update_id": 999_999}
        async with ClientSession() as http:
            for headers in ({SECRET_HEADER: "wrong"}, {}):
                response = await http.post(f"{ours.url}/telegram/webhook", json=forged, headers=headers)
                assert response.status == 401
        assert 999_999 not in tracker.done
        assert len(emulator.bot_messages(user.id)) == 1
    finally:
        await ours.close()
        await bot.session.close()
        await api.close()


async def enqueue(store: SqlOutbox, chat_id: int, texts: list[str], prefix: str) -> None:
    for i, text in enumerate(texts):
        payload = Reply(text=text).to_dict()
        await store.enqueue(
            channel="telegram", chat_id=str(chat_id), payload=payload, not_before=NOW, dedupe_key=f"{prefix}:{i}"
        )


async def test_sender_honours_429_from_the_emulator_and_delivers_everything_once_in_order(database: Database) -> None:
    stack = await TelegramStack.start(database, limits=Limits())  # Telegram's limits: 1 msg/s per chat, burst 5
    try:
        person = stack.person("ru")
        store = SqlOutbox(database)
        texts = [f"Напоминание {i}: срок 25.12.2026" for i in range(8)]
        await enqueue(store, person.user.id, texts, "rem")

        async def no_wait(seconds: float) -> None:
            stack.clock.advance(seconds)

        bucket = TokenBucket(1000, burst=1000, monotonic=stack.clock.monotonic, sleep=no_wait)
        sender = OutboxSender(store, [TelegramChannelSender(stack.bot)], {"telegram": bucket}, now=stack.now)
        assert await sender.drain_once() == 8
        got = [m["text"] for m in stack.emulator.bot_messages(person.user.id)]
        assert got == texts[:5]  # the burst; the 6th got 429 and the rest of the chat waits with it
        async with database.session() as session:
            rows = list((await session.scalars(select(OutboxMessage))).all())
        assert {r.status for r in rows if r.dedupe_key in {"rem:5", "rem:6", "rem:7"}} == {"pending"}
        assert all(r.attempts == 0 for r in rows if r.status == "pending")  # a 429 is not a failed attempt
        for _ in range(20):
            async with database.session() as session:
                if (await outbox_counts(session)).get("pending", 0) == 0:
                    break
            stack.clock.advance(1)
            await sender.drain_once()
        got = [m["text"] for m in stack.emulator.bot_messages(person.user.id)]
        assert got == texts
        async with database.session() as session:
            assert await outbox_counts(session) == {"sent": 8}
    finally:
        await stack.close()


async def test_inline_replies_over_the_limit_are_queued_then_delivered(database: Database) -> None:
    stack = await TelegramStack.start(database, limits=Limits())
    try:
        person = stack.person("ru")
        chat = stack.chat(person)
        for _ in range(7):  # seven quick messages in one chat, with the clock standing still: over 1 msg/s
            await chat.say("/help")
        inline = len(stack.emulator.bot_messages(person.user.id))
        async with database.session() as session:
            queued = (await outbox_counts(session)).get("pending", 0)
        assert queued > 0
        assert inline + queued >= 7
        bucket = TokenBucket(1000, burst=1000, monotonic=stack.clock.monotonic)
        sender = OutboxSender(
            SqlOutbox(database), [TelegramChannelSender(stack.bot)], {"telegram": bucket}, now=stack.now
        )
        for _ in range(30):
            async with database.session() as session:
                if (await outbox_counts(session)).get("pending", 0) == 0:
                    break
            stack.clock.advance(1)
            await sender.drain_once()
        async with database.session() as session:
            counts = await outbox_counts(session)
        assert counts == {"sent": queued}
        assert len(stack.emulator.bot_messages(person.user.id)) == inline + queued
    finally:
        await stack.close()


@pytest.mark.postgres
async def test_two_sender_workers_on_postgres_never_send_a_row_twice(postgres_url: str) -> None:
    emulator = TelegramEmulator(limits=Limits.relaxed())
    api = await serve(create_telegram_emulator(emulator))
    databases = [Database(postgres_url), Database(postgres_url)]  # two pools, as two processes
    bots = [make_bot(DEFAULT_TOKEN, api.url), make_bot(DEFAULT_TOKEN, api.url)]
    try:
        users = [emulator.create_user(f"ИП {i}") for i in range(20)]
        for user in users:
            await enqueue(SqlOutbox(databases[0]), user.id, [f"{user.id}: {i}" for i in range(6)], f"u{user.id}")
        workers = [
            OutboxSender(
                SqlOutbox(db),
                [TelegramChannelSender(bot)],
                {"telegram": TokenBucket(10_000, burst=10_000)},
                config=SenderConfig(batch_size=9),
                worker_id=f"worker-{i}",
            )
            for i, (db, bot) in enumerate(zip(databases, bots, strict=True))
        ]

        async def drain(worker: OutboxSender) -> int:
            total = 0
            while handled := await worker.drain_once():
                total += handled
            return total

        handled = await asyncio.gather(*(drain(w) for w in workers))
        texts = Counter(m["text"] for u in users for m in emulator.bot_messages(u.id))
        assert len(texts) == 120
        assert set(texts.values()) == {1}
        assert sum(handled) == 120
        assert min(handled) > 0
        for user in users:  # each chat's rows in order, though two workers shared the chats
            assert [m["text"] for m in emulator.bot_messages(user.id)] == [f"{user.id}: {i}" for i in range(6)]
        async with databases[0].session() as session:
            assert await outbox_counts(session) == {"sent": 120}
        async with databases[0].session() as session:
            claimed_by = {r.claimed_by for r in (await session.scalars(select(OutboxMessage))).all()}
        assert claimed_by == {None}
    finally:
        for bot in bots:
            await bot.session.close()
        for db in databases:
            await db.dispose()
        await api.close()


def test_now_is_utc() -> None:
    assert NOW.tzinfo is dt.UTC
