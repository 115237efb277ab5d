"""Reminders end to end: the scheduler queues them, the sender delivers them through the emulator once, and the
«Уже сделал» button under a reminder works in the chat."""

from __future__ import annotations

import datetime as dt

from bot.outbox import OutboxSender, TokenBucket
from bot.outbox.sql import SqlOutbox
from bot.outbox.telegram import TelegramChannelSender
from core.storage import Database, outbox_counts
from dialogs.reminders import scheduler_tick
from dialogs.testing import onboarding_scenario
from tests.e2e.harness import SECRET, TelegramStack

WEEK_BEFORE = dt.datetime(2026, 12, 18, 6, 0, tzinfo=dt.UTC)  # 11:00 in Kazakhstan, 7 days before 25.12.2026


async def test_scheduler_reminder_reaches_the_chat_once_and_its_button_works(
    stack: TelegramStack, database: Database
) -> None:
    person = stack.person("ru")
    chat = stack.chat(person)
    await onboarding_scenario(chat, "ru")
    for _ in range(2):  # two ticks (two workers, or a restart): one reminder per obligation and kind
        async with database.transaction() as session:
            await scheduler_tick(session, WEEK_BEFORE, payload_secret=SECRET)
    async with database.session() as session:
        queued = (await outbox_counts(session)).get("pending", 0)
    assert queued >= 1
    before = len(stack.emulator.bot_messages(person.user.id))
    sender = OutboxSender(
        SqlOutbox(database),
        [TelegramChannelSender(stack.bot)],
        {"telegram": TokenBucket(1000, burst=1000)},
        now=lambda: WEEK_BEFORE,
    )
    assert await sender.drain_once() == queued
    assert await sender.drain_once() == 0
    reminders = stack.emulator.bot_messages(person.user.id)[before:]
    assert len(reminders) == queued
    assert any("25.12.2026" in m["text"] for m in reminders)
    async with database.session() as session:
        assert await outbox_counts(session) == {"sent": queued}
    # «Уже сделал» under the reminder is a button of this user's: pressing it gets an answer
    done = next(b for m in reminders for row in m["reply_markup"]["inline_keyboard"] for b in row)
    assert done["text"] == "Уже сделал"
    answer = await chat.press_payload(done["callback_data"])
    assert answer
