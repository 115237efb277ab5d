"""Every flow as a scripted conversation, in Russian and Kazakh, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from core.storage import Database, IncomeEntry, Profile, find_binding
from dialogs.engine import Engine
from dialogs.testing import VALID_IIN, WORDS, erase_scenario, income_scenario, onboarding_scenario, taxes_scenario
from tests.dialogs.conftest import chat_for

LANGS = ("ru", "kk")


@pytest.mark.parametrize("lang", LANGS)
async def test_full_conversation(sql_engine: Engine, lang: str) -> None:
    chat = chat_for(sql_engine, lang)
    await onboarding_scenario(chat, lang)
    await income_scenario(chat, lang)
    await taxes_scenario(chat, lang)
    await chat.say("/deadlines")
    chat.expect("910.00", "25.12.2026")
    await chat.say("/income")
    assert chat.replies[0].attachments[0].content.startswith(b"\x89PNG")
    await erase_scenario(chat, lang)


@pytest.mark.parametrize("lang", LANGS)
async def test_restart_mid_flow_continues(sql_engine_factory: Callable[[], Engine], lang: str) -> None:
    first = chat_for(sql_engine_factory(), lang)
    await first.say("/start")
    await first.press(WORDS[lang]["language"])
    second = chat_for(sql_engine_factory(), lang)  # a new process over the same database
    await second.say("900101300007")
    second.expect(WORDS[lang]["iin_ok"])


async def income_count(database: Database) -> int:
    async with database.session() as session:
        return int((await session.execute(select(func.count()).select_from(IncomeEntry))).scalar_one())


@pytest.mark.parametrize("lang", LANGS)
async def test_restart_between_confirm_and_save(
    sql_engine_factory: Callable[[], Engine], database: Database, lang: str
) -> None:
    chat = chat_for(sql_engine_factory(), lang)
    await onboarding_scenario(chat, lang)
    await chat.say(WORDS[lang]["income"])
    save = next(b for b in chat.buttons if WORDS[lang]["save"] in b.text)
    restarted = chat_for(sql_engine_factory(), lang)
    await restarted.press_payload(save.payload)
    restarted.expect(WORDS[lang]["saved"])
    assert await restarted.redeliver() == []  # the same update again: no second effect
    await restarted.press_payload(save.payload)  # a double tap: answered, not saved again
    assert await income_count(database) == 1


async def test_foreign_button_on_storage(sql_engine: Engine, database: Database) -> None:
    alice = chat_for(sql_engine, "ru", "1")
    await onboarding_scenario(alice, "ru")
    await alice.say(WORDS["ru"]["income"])
    save = next(b for b in alice.buttons if "Сохранить" in b.text)
    bob = chat_for(sql_engine, "kk", "2")
    await bob.say("/start")
    assert await bob.press_payload(save.payload) == []
    assert await income_count(database) == 0


@pytest.mark.parametrize("lang", LANGS)
async def test_erasure_then_start_is_new_user_on_storage(sql_engine: Engine, database: Database, lang: str) -> None:
    chat = chat_for(sql_engine, lang)
    await onboarding_scenario(chat, lang)
    await income_scenario(chat, lang)
    async with database.session() as session:
        old = await find_binding(session, "telegram", "1001")
        assert old is not None
        old_user = old.user_id
    await erase_scenario(chat, lang)
    await chat.say("/start")
    assert [b.text for b in chat.buttons] == ["Русский", "Қазақша"]  # onboarding again
    async with database.session() as session:
        new = await find_binding(session, "telegram", "1001")
        assert new is not None
        assert new.user_id != old_user
        profile = await session.get(Profile, old_user)
        assert profile is None or profile.iin is None
        kept = (await session.scalars(select(IncomeEntry).where(IncomeEntry.user_id == old_user))).all()
        assert [e.counterparty for e in kept] == [None]  # the books stay, without personal data


async def test_bad_input_on_storage_loses_nothing(sql_engine: Engine) -> None:
    chat = chat_for(sql_engine, "kk")
    await chat.say("/start")
    await chat.press("Қазақша")
    await chat.say("🙂")
    await chat.say("x" * 5000)
    await chat.send_file("photo.jpg", "image/jpeg")
    chat.expect("ЖСН")
    await chat.say(VALID_IIN)
    chat.expect("ЖСН дұрыс")


async def test_concurrent_events_of_one_user(sql_engine_factory: Callable[[], Engine]) -> None:
    """Events of one chat at once, from two processes and within one: no apology, nothing lost."""
    import asyncio

    from dialogs.contract import TextEvent
    from tests.dialogs.conftest import NOW

    first, second = sql_engine_factory(), sql_engine_factory()
    chat = chat_for(first, "ru")
    await onboarding_scenario(chat, "ru")
    # two processes at once: at most one stale write, re-run once
    events = [TextEvent(chat.chat, text, f"race-{i}", NOW) for i, text in enumerate(("/help", "/deadlines"))]
    results = await asyncio.gather(first.handle(events[0]), second.handle(events[1]))
    # one process, many events of one chat: serialised in order
    events = [TextEvent(chat.chat, text, f"queue-{i}", NOW) for i, text in enumerate(("/help", "/taxes", "/help"))]
    results += await asyncio.gather(*(first.handle(e) for e in events))
    for replies in results:
        assert replies
        assert all("Извините" not in r.text for r in replies)
