"""Obligations upsert and reminders sent once per obligation and kind."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from core.storage import (
    Database,
    enqueue,
    get_or_create_user_for_chat,
    insert_reminder_once,
    obligations_of,
    open_obligations,
    set_obligation_status,
    upsert_obligation,
)


async def _user(db: Database) -> int:
    async with db.session() as s:
        user, _, _ = await get_or_create_user_for_chat(s, "telegram", "1")
        await s.commit()
        return user.id


async def test_upsert_keeps_one_row_and_its_status(database: Database) -> None:
    uid = await _user(database)
    async with database.session() as s:
        ob = await upsert_obligation(s, uid, "910.00", "file", "2026-H1", dt.date(2026, 8, 15))
        await set_obligation_status(s, ob.id, "done")
        again = await upsert_obligation(s, uid, "910.00", "file", "2026-H1", dt.date(2026, 8, 17), amount=Decimal(5))
        await upsert_obligation(s, uid, "opv", "pay", "2026-07", dt.date(2026, 8, 25))
        await s.commit()
    assert again.id == ob.id
    async with database.session() as s:
        rows = await obligations_of(s, uid)
        assert [(o.obligation, o.due, o.status) for o in rows] == [
            ("910.00", dt.date(2026, 8, 17), "done"),
            ("opv", dt.date(2026, 8, 25), "open"),
        ]
        assert [o.obligation for o in await open_obligations(s, dt.date(2026, 9, 1))] == ["opv"]
        assert await open_obligations(s, dt.date(2026, 8, 24)) == []
        with pytest.raises(ValueError, match="action"):
            await upsert_obligation(s, uid, "opv", "sign", "2026-07", dt.date(2026, 8, 25))


async def test_reminder_once_per_kind(database: Database) -> None:
    uid = await _user(database)
    async with database.session() as s:
        ob = await upsert_obligation(s, uid, "opv", "pay", "2026-07", dt.date(2026, 8, 25))
        message, _ = await enqueue(s, "telegram", "1", {"text": "скоро ОПВ"}, f"reminder:{ob.id}:d7")
        first = await insert_reminder_once(s, ob.id, "d7", message.id)
        assert first is not None
        assert await insert_reminder_once(s, ob.id, "d7") is None
        assert await insert_reminder_once(s, ob.id, "d1") is not None
        await s.commit()
    assert first.outbox_id == message.id


async def test_concurrent_schedulers_insert_one_reminder(database: Database) -> None:
    uid = await _user(database)
    async with database.session() as s:
        ob = await upsert_obligation(s, uid, "opv", "pay", "2026-07", dt.date(2026, 8, 25))
        await s.commit()

    async def schedule() -> bool:
        async with database.session() as s:
            row = await insert_reminder_once(s, ob.id, "d0")
            await s.commit()
            return row is not None

    assert sorted(await asyncio.gather(*(schedule() for _ in range(5)))) == [False] * 4 + [True]


async def test_reminder_for_a_missing_obligation_is_an_error_not_a_repeat(database: Database) -> None:
    async with database.session() as s:
        with pytest.raises(IntegrityError):
            await insert_reminder_once(s, 424242, "d7")


async def test_outbox_for_a_missing_user_is_an_error_not_a_repeat(database: Database) -> None:
    async with database.session() as s:
        with pytest.raises(IntegrityError):
            await enqueue(s, "telegram", "1", {}, "k", user_id=424242)
