"""The reminder scheduler: 7 days before, the day before, on the day, overdue — each once; never at night."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from core.calendar import social_payments_due
from core.storage import Database, Obligation, OutboxMessage, Reminder
from dialogs.clock import KZ_TZ
from dialogs.contract import Reply
from dialogs.engine import Engine
from dialogs.memory import MemoryDatabase
from dialogs.ports import Services
from dialogs.reminders import daytime, reminder_kind, run_tick, scheduler_tick
from dialogs.services import CoreCalendar
from dialogs.sql_store import SqlStores
from dialogs.testing import onboarding_scenario
from tests.dialogs.conftest import SECRET, chat_for

DUE = social_payments_due(2026, 11)  # social payments for November: the first obligation after onboarding


def at_local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=KZ_TZ).astimezone(dt.UTC)


def test_reminder_kinds() -> None:
    due = dt.date(2026, 12, 25)
    kinds = {d: reminder_kind(due, due - dt.timedelta(days=d)) for d in (10, 8, 7, 3, 2, 1, 0, -1, -30, -31)}
    assert kinds == {10: None, 8: None, 7: "d7", 3: "d7", 2: "d7", 1: "d1", 0: "d0", -1: "overdue", -30: "overdue",
                     -31: None}  # fmt: skip


@pytest.mark.parametrize(
    ("local_hour", "expected_local"),
    [(11, (0, 11)), (20, (0, 20)), (21, (1, 9)), (23, (1, 9)), (3, (0, 9)), (8, (0, 9)), (9, (0, 9))],
)
def test_never_at_night(local_hour: int, expected_local: tuple[int, int]) -> None:
    day = dt.date(2026, 12, 18)
    result = daytime(at_local(day, local_hour)).astimezone(KZ_TZ)
    assert (result.date() - day).days == expected_local[0]
    assert result.hour == expected_local[1]
    assert result.minute == 0


async def onboarded_memory(services: Services) -> MemoryDatabase:
    db = MemoryDatabase()
    chat = chat_for(Engine(db.session, services, SECRET), "kk")
    await onboarding_scenario(chat, "kk")
    return db


async def tick(db: MemoryDatabase, now: dt.datetime) -> int:
    async with db.session() as store:
        return (await run_tick(store, CoreCalendar(), now)).reminders


def november_social(db: MemoryDatabase) -> list[dict[str, object]]:
    """Outbox rows about November's social payments (the kk text names them)."""
    return [r for r in db.data.outbox if "11.2026" in r["reply"]["text"] and "әлеуметтік" in r["reply"]["text"]]


async def test_each_kind_once(services: Services) -> None:
    db = await onboarded_memory(services)
    assert await tick(db, at_local(DUE - dt.timedelta(days=9), 11)) == 0
    for days_before, kind in ((7, "d7"), (1, "d1"), (0, "d0"), (-1, "overdue")):
        now = at_local(DUE - dt.timedelta(days=days_before), 11)
        assert await tick(db, now) >= 1
        assert await tick(db, now) == 0  # the next tick the same day adds nothing
        november = [
            r for r in db.data.outbox if "11.2026" in r["reply"]["text"] and "әлеуметтік" in r["reply"]["text"]
        ]
        assert sum(row["dedupe_key"].endswith(f":{kind}") for row in november) == 1
    social = [
        row for row in db.data.outbox if "әлеуметтік" in row["reply"]["text"] and "11.2026" in row["reply"]["text"]
    ]
    assert len(social) == 4
    reply = Reply.from_dict(social[0]["reply"])
    assert reply.template is not None
    assert reply.template[0] == "reminder_d7"
    assert "Еске салу" in reply.text
    assert "әлеуметтік" in reply.text


async def test_night_tick_waits_for_morning(services: Services) -> None:
    db = await onboarded_memory(services)
    await tick(db, at_local(DUE - dt.timedelta(days=7), 23))
    assert db.data.outbox
    for row in db.data.outbox:
        local = row["not_before"].astimezone(KZ_TZ)
        assert local.hour == 9
        assert local.date() == DUE - dt.timedelta(days=6)


async def test_done_obligation_gets_no_reminder(services: Services) -> None:
    db = await onboarded_memory(services)
    user_id = next(iter(db.data.profiles))
    obligation_id = db.data.obligation_ids[(user_id, "social_payments:pay:2026-11")]
    db.data.done_obligations.add(obligation_id)
    await tick(db, at_local(DUE, 11))
    assert not [row for row in db.data.outbox if row["dedupe_key"].startswith(f"reminder:{obligation_id}:")]


async def test_scheduler_tick_on_storage(database: Database, services: Services) -> None:
    chat = chat_for(Engine(SqlStores(database), services, SECRET), "ru")
    await onboarding_scenario(chat, "ru")
    now = at_local(DUE - dt.timedelta(days=1), 22)
    for _ in range(2):
        async with database.transaction() as session:
            await scheduler_tick(session, now, payload_secret=SECRET)
    async with database.session() as session:
        reminders = (await session.execute(select(func.count()).select_from(Reminder))).scalar_one()
        rows = list((await session.scalars(select(OutboxMessage))).all())
    assert reminders == len(rows) >= 1
    assert len({r.dedupe_key for r in rows}) == len(rows)
    for row in rows:
        assert row.channel == "telegram"
        assert row.chat_id == "1001"
        assert row.not_before is not None
        assert row.not_before.astimezone(KZ_TZ).hour == 9
        assert Reply.from_dict(row.payload).template is not None
    done = Reply.from_dict(rows[0].payload).buttons[0][0]
    await chat.press_payload(done.payload)
    chat.expect("больше не напоминаю")
    async with database.session() as session:
        statuses = {o.status for o in (await session.scalars(select(Obligation))).all()}
    assert "done" in statuses


async def test_no_reminders_without_consent(services: Services) -> None:
    db = MemoryDatabase()
    chat = chat_for(Engine(db.session, services, SECRET), "ru")
    await chat.say("/start")
    await chat.press("Русский")
    await chat.say("900101300007")
    await chat.press("Самозанятый")
    await chat.press("1990")
    await chat.press("Нет, спасибо")
    chat.expect("Профиль сохранён")
    for days_before in (7, 1, 0, -1):
        assert await tick(db, at_local(DUE - dt.timedelta(days=days_before), 11)) == 0
    assert db.data.outbox == []


async def test_already_done_stops_reminders(services: Services) -> None:
    from dialogs.payloads import PayloadCodec

    db = MemoryDatabase()
    engine = Engine(db.session, services, SECRET)
    chat = chat_for(engine, "kk")
    await onboarding_scenario(chat, "kk")
    async with db.session() as store:
        await run_tick(store, CoreCalendar(), at_local(DUE - dt.timedelta(days=7), 11), PayloadCodec(SECRET))
    reply = Reply.from_dict(next(r["reply"] for r in db.data.outbox if "әлеуметтік" in r["reply"]["text"]))
    done = reply.buttons[0][0]
    assert done.text == "Орындадым"
    stranger = chat_for(engine, "ru", "2")
    await stranger.say("/help")
    assert await stranger.press_payload(done.payload) == []
    await chat.press_payload(done.payload)
    chat.expect("енді еске салмаймын")
    assert await tick(db, at_local(DUE - dt.timedelta(days=1), 11)) == 0
    assert await tick(db, at_local(DUE, 11)) == 0
    await chat.press_payload(done.payload)
    chat.expect("жұмыс істемейді")  # already done: the button is no longer active


def test_a_period_before_the_registration_owes_nothing() -> None:
    """An ИП registered through us on 1 December owes no November social payments (due 25 December); one who came
    to us already registered (no ``registered_on``) does."""
    from dialogs.ports import ProfileData
    from dialogs.services import CoreCalendar

    start, end = dt.date(2026, 12, 1), dt.date(2026, 12, 31)
    existing = ProfileData(iin="900101300007", regime="simplified", onboarded=True)
    registered = ProfileData(
        iin="900101300007", regime="simplified", onboarded=True, registered_on=dt.date(2026, 12, 1)
    )
    assert "2026-11" in {o.period for o in CoreCalendar().obligations(existing, start, end)}
    periods = {o.period for o in CoreCalendar().obligations(registered, start, end)}
    assert "2026-11" not in periods
