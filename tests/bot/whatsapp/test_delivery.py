"""Proactive messages and the Cloud API's error codes: the window decides text or template; 130429 waits, 131047
switches to the template, 131056 slows that user only, 131026 marks the chat, an auth error stops loudly."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

import pytest
from sqlalchemy import select

from bot.emulator.whatsapp import WaLimits
from bot.outbox import OutboxSender, TokenBucket
from bot.outbox.memory import MemoryOutbox
from bot.outbox.protocol import PermanentSendError, RetryAfter
from bot.outbox.sql import SqlOutbox
from bot.whatsapp.stores import MemoryWindows
from core.storage import Database, outbox_counts
from core.storage.models import OutboxMessage
from dialogs.contract import Attachment, Button, InputEvent, Reply
from dialogs.engine import Engine
from dialogs.ports import ObligationDue
from dialogs.reminders import reminder_reply, scheduler_tick
from dialogs.sql_store import SqlStores
from dialogs.testing import onboarding_scenario
from tests.bot.whatsapp.harness import NOW, SECRET, WhatsAppPerson, WhatsAppStack, services, to_reply

WEEK_BEFORE = dt.datetime(2026, 12, 18, 6, 0, tzinfo=dt.UTC)  # 7 days before 25.12.2026, 11:00 in Kazakhstan
OBLIGATION = ObligationDue("910.00", "file", "2026-H2", dt.date(2027, 2, 15))


class EchoEngine:
    def __init__(self, replies: Sequence[Reply] | None = None) -> None:
        self.replies = replies

    async def handle(self, event: InputEvent) -> Sequence[Reply]:
        return self.replies or [Reply(text="ок")]


def reminder(lang: str = "ru") -> Reply:
    reply = reminder_reply(OBLIGATION, "d7", lang, dt.date(2027, 2, 8))  # type: ignore[arg-type]
    return Reply(
        text=reply.text,
        buttons=((Button("Уже сделал", "dl:done:1"),),),
        template=reply.template,
        meta=reply.meta,
    )


async def opened(stack: WhatsAppStack, lang: str = "ru") -> WhatsAppPerson:
    person = stack.person(lang)
    await stack.chat(person).say("привет")
    return person


@pytest.fixture
async def wa() -> WhatsAppStack:
    stack = await WhatsAppStack.start(EchoEngine(), windows=MemoryWindows())  # type: ignore[arg-type]
    yield stack  # type: ignore[misc]
    await stack.close()


async def test_scheduler_reminder_outside_the_window_goes_as_its_template_and_its_button_works(
    sqlite_db: Database,
) -> None:
    stack = await WhatsAppStack.start(Engine(SqlStores(sqlite_db), services(), SECRET), database=sqlite_db)
    try:
        person = stack.person("ru")
        chat = stack.chat(person)
        await onboarding_scenario(chat, "ru")
        stack.clock.advance((WEEK_BEFORE - NOW).total_seconds())  # 17 days later: the window closed long ago
        async with sqlite_db.transaction() as session:
            report = await scheduler_tick(session, WEEK_BEFORE, payload_secret=SECRET)
        assert report.reminders >= 1
        before = len(stack.emulator.bot_messages(person.chat_id))
        sender = OutboxSender(
            SqlOutbox(sqlite_db), [stack.channel.sender()], {"whatsapp": TokenBucket(1000, burst=1000)}, now=stack.now
        )
        assert await sender.drain_once() == report.reminders
        sent = stack.emulator.bot_messages(person.chat_id)[before:]
        assert len(sent) == report.reminders
        assert all(e.message["type"] == "template" for e in sent)
        assert {e.message["template"]["name"] for e in sent} <= {"reminder_d7", "reminder_d1", "reminder_d0"}
        async with sqlite_db.session() as session:
            assert await outbox_counts(session) == {"sent": report.reminders}
        # the statuses the emulator sends back are recorded against the outbox row ("sent" may come before the
        # sender has stored the id: it is kept and applied with a later notification)
        await stack.tracker.wait_for(f"status:{sent[-1].wamid}:delivered")
        stack.emulator.read(person.chat_id)
        await stack.tracker.wait_for(f"status:{sent[-1].wamid}:read")
        async with sqlite_db.session() as session:
            rows = (await session.execute(select(OutboxMessage.delivery_status))).scalars().all()
        assert rows == ["read"] * report.reminders
        # «Уже сделал» is the template's quick reply: tapping it reaches the dialog, which answers (window open now)
        shown = to_reply(stack.emulator, sent[-1])
        done = next(b for row in shown.buttons for b in row)
        assert done.text == "Уже сделал"
        assert "25.12.2026" in shown.text
        reply = await chat.press_payload(done.payload)
        assert reply
        assert all(r.meta.get("template") is None for r in reply)
    finally:
        await stack.close()


async def test_a_reminder_inside_the_window_goes_as_text_with_its_button(wa: WhatsAppStack) -> None:
    person = await opened(wa)
    before = len(wa.emulator.bot_messages(person.chat_id))
    await wa.channel.sender().send(person.chat_id, reminder())
    sent = wa.emulator.bot_messages(person.chat_id)[before:]
    assert [e.message["type"] for e in sent] == ["interactive"]
    assert "15.02.2027" in sent[0].message["interactive"]["body"]["text"]


async def test_outside_the_window_without_a_template_nothing_is_sent(wa: WhatsAppStack) -> None:
    person = await opened(wa)
    wa.clock.advance(25 * 3600)
    with pytest.raises(PermanentSendError):
        await wa.channel.sender().send(person.chat_id, Reply(text="free-form"))
    sent = await wa.channel.sender().send(person.chat_id, reminder("kk"))
    entry = wa.emulator.bot_messages(person.chat_id)[-1]
    assert entry.wamid == sent.provider_message_id
    assert entry.message["template"]["language"]["code"] == "kk"


async def test_131047_from_the_api_switches_to_the_template(wa: WhatsAppStack) -> None:
    person = await opened(wa)
    # our record says the window is open, the API says it is not (another process, a clock skew)
    wa.emulator.chat(person.chat_id).last_inbound = wa.clock.unix_time() - 30 * 3600
    await wa.channel.sender().send(person.chat_id, reminder())
    assert wa.emulator.bot_messages(person.chat_id)[-1].message["type"] == "template"


async def test_130429_defers_the_row_and_sends_it_later(wa: WhatsAppStack) -> None:
    person = await opened(wa)
    outbox = MemoryOutbox()
    await outbox.enqueue(
        channel="whatsapp", chat_id=person.chat_id, payload=reminder().to_dict(), not_before=wa.now(), dedupe_key="r1"
    )
    bucket = TokenBucket(1000, burst=1000, monotonic=wa.clock.monotonic)
    sender = OutboxSender(outbox, [wa.channel.sender()], {"whatsapp": bucket}, now=wa.now)
    wa.emulator.fail_next(130429)
    assert await sender.drain_once() == 1
    row = outbox.rows[1]
    assert row.status == "pending"
    assert row.item.attempts == 0  # a wait, not a failure
    assert bucket.paused_for() > 0  # the whole number slows down
    wa.clock.advance(10)
    assert await sender.drain_once() == 1
    assert row.status == "sent"


async def test_130429_part_way_sends_only_the_rest_later(wa: WhatsAppStack) -> None:
    person = await opened(wa)
    chart = Attachment("image", "chart.png", "image/png", b"\x89PNG\r\n\x1a\n")
    wa.emulator.fail_next(130429, after=1)
    with pytest.raises(RetryAfter) as caught:
        await wa.channel.sender().send(person.chat_id, Reply(text="Сводка", attachments=(chart,)))
    assert caught.value.remainder is not None
    assert caught.value.remainder.text == ""
    assert caught.value.remainder.attachments == (chart,)


async def test_130429_on_an_inline_answer_queues_the_rest_in_the_outbox() -> None:
    outbox = MemoryOutbox()
    engine = EchoEngine([Reply(text="первый"), Reply(text="второй")])
    stack = await WhatsAppStack.start(engine, windows=MemoryWindows(), outbox=outbox)  # type: ignore[arg-type]
    try:
        person = stack.person("ru")
        stack.emulator.fail_next(130429, after=1)
        await stack.chat(person).say("привет")
        assert [e.message["text"]["body"] for e in stack.emulator.bot_messages(person.chat_id)] == ["первый"]
        assert [Reply.from_dict(r.item.payload).text for r in outbox.rows.values()] == ["второй"]
        assert all(r.not_before > stack.now() for r in outbox.rows.values())
    finally:
        await stack.close()


async def test_131056_slows_that_user_only_and_retries(wa: WhatsAppStack) -> None:
    person, other = await opened(wa), await opened(wa)
    wa.emulator.fail_next(131056, chat_id=person.chat_id)
    await wa.channel.sender().send(person.chat_id, Reply(text="раз"))
    assert wa.emulator.bot_messages(person.chat_id)[-1].message["text"]["body"] == "раз"
    gate = wa.channel.delivery.gate
    assert gate.is_slowed(person.chat_id)
    assert not gate.is_slowed(other.chat_id)
    assert wa.sleep.slept == [pytest.approx(6.0)]
    await wa.channel.sender().send(person.chat_id, Reply(text="два"))  # spaced by the pair interval
    assert wa.sleep.slept[-1] == pytest.approx(6.0)
    slept = len(wa.sleep.slept)
    await wa.channel.sender().send(other.chat_id, Reply(text="другому"))
    assert len(wa.sleep.slept) == slept


async def test_131026_marks_the_binding_and_fails_the_row(wa: WhatsAppStack) -> None:
    person = await opened(wa)
    wa.emulator.chat(person.chat_id).user.reachable = False
    with pytest.raises(PermanentSendError):
        await wa.channel.sender().send(person.chat_id, Reply(text="алло"))
    windows = wa.channel.delivery.windows
    assert isinstance(windows, MemoryWindows)
    assert person.chat_id in windows.unreachable


async def test_131051_for_an_unsupported_client_marks_the_binding(wa: WhatsAppStack) -> None:
    person = await opened(wa)
    wa.emulator.chat(person.chat_id).user.interactive = False
    with pytest.raises(PermanentSendError):
        await wa.channel.sender().send(person.chat_id, Reply(text="да?", buttons=((Button("Да", "y"),),)))
    windows = wa.channel.delivery.windows
    assert isinstance(windows, MemoryWindows)
    assert person.chat_id in windows.unreachable


async def test_an_auth_error_stops_the_sender_loudly_and_loses_nothing(
    wa: WhatsAppStack, caplog: pytest.LogCaptureFixture
) -> None:
    person = await opened(wa)
    wa.emulator.token = "rotated-token"
    sender = wa.channel.sender()
    with caplog.at_level(logging.CRITICAL, logger="asistent.whatsapp"), pytest.raises(RetryAfter):
        await sender.send(person.chat_id, Reply(text="алло"))
    assert sender.halted
    assert any(r.levelno == logging.CRITICAL and "WHATSAPP_TOKEN" in r.getMessage() for r in caplog.records)
    assert all("EMULATOR-whatsapp-token" not in r.getMessage() for r in caplog.records)
    count = len(wa.emulator.bot_messages(person.chat_id))
    wa.emulator.token = "EMULATOR-whatsapp-token"
    with pytest.raises(RetryAfter):  # still stopped until restarted: nothing goes out behind the operator's back
        await sender.send(person.chat_id, Reply(text="алло"))
    assert len(wa.emulator.bot_messages(person.chat_id)) == count


async def test_the_number_throughput_limit_is_enforced_by_the_emulator() -> None:
    stack = await WhatsAppStack.start(
        EchoEngine(),  # type: ignore[arg-type]
        limits=WaLimits(rate_per_second=1, rate_burst=1, pair_rate_per_second=None),
        windows=MemoryWindows(),
    )
    try:
        person = await opened(stack)  # its answer used the one token
        with pytest.raises(RetryAfter):
            await stack.channel.sender().send(person.chat_id, Reply(text="ещё"))
        stack.clock.advance(1)
        await stack.channel.sender().send(person.chat_id, Reply(text="ещё"))
    finally:
        await stack.close()


async def test_a_late_131047_status_sends_the_message_again_as_its_template(sqlite_db: Database) -> None:
    engine = Engine(SqlStores(sqlite_db), services(), SECRET)
    stack = await WhatsAppStack.start(engine, database=sqlite_db, late_window_errors=True)
    try:
        person = stack.person("ru")
        await stack.chat(person).say("/start")
        first = stack.emulator.bot_messages(person.chat_id)[0]
        # our record: the window is open; Meta's: it closed (it accepts the text, then reports 131047 as a status)
        stack.emulator.chat(person.chat_id).last_inbound = stack.clock.unix_time() - 30 * 3600
        outbox = SqlOutbox(sqlite_db)
        await outbox.enqueue(
            channel="whatsapp",
            chat_id=person.chat_id,
            payload=reminder().to_dict(),
            not_before=stack.now(),
            dedupe_key="reminder:1:d7",
        )
        bucket = {"whatsapp": TokenBucket(1000, burst=1000)}
        sender = OutboxSender(outbox, [stack.channel.sender()], bucket, now=stack.now)
        assert await sender.drain_once() == 1  # accepted…
        failed = stack.emulator.late_failures[-1]
        await stack.tracker.wait_for(f"status:{failed}:failed")  # …then reported failed with 131047
        stack.emulator.read(person.chat_id)  # any later notification applies a status that raced the marking
        await stack.tracker.wait_for(f"status:{first.wamid}:read")
        assert await sender.drain_once() == 1  # the same reminder, as its template
        assert stack.emulator.bot_messages(person.chat_id)[-1].message["type"] == "template"
        await stack.channel.webhook.process(_late_failure(failed, person.chat_id))  # redelivered: no second copy
        assert await sender.drain_once() == 0
        async with sqlite_db.session() as session:
            rows = (await session.execute(select(OutboxMessage.dedupe_key, OutboxMessage.delivery_status))).all()
        by_key = dict(rows)
        assert sorted(by_key) == ["reminder:1:d7", "reminder:1:d7:template"]
        assert by_key["reminder:1:d7"] == "failed"
    finally:
        await stack.close()


def _late_failure(wamid: str, recipient: str) -> dict[str, object]:
    raw = {"id": wamid, "status": "failed", "recipient_user_id": recipient, "errors": [{"code": 131047}]}
    value = {"messaging_product": "whatsapp", "statuses": [raw]}
    return {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": value}]}]}
