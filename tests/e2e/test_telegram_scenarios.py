"""Scripted conversations through real aiogram against the emulator over loopback HTTP, as a Telegram user would
have them — the dialogs' own scenarios (``dialogs.testing``), so the same words run on every channel."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.storage import Database, IncomeEntry
from dialogs.testing import VALID_IIN, WORDS, erase_scenario, income_scenario, onboarding_scenario, taxes_scenario
from tests.e2e.harness import TelegramStack

LANGS = ("ru", "kk")


async def income_count(database: Database) -> int:
    async with database.session() as session:
        return int((await session.execute(select(func.count()).select_from(IncomeEntry))).scalar_one())


@pytest.mark.parametrize("lang", LANGS)
async def test_full_conversation_through_telegram(stack: TelegramStack, database: Database, lang: str) -> None:
    person = stack.person(lang)
    chat = stack.chat(person)
    await onboarding_scenario(chat, lang)
    await income_scenario(chat, lang)
    assert await income_count(database) == 1
    await taxes_scenario(chat, lang)
    assert chat.replies  # the explanation arrived
    await chat.say("/deadlines")
    chat.expect("910.00", "25.12.2026")
    await chat.say("/income")
    photos = [a for r in chat.replies for a in r.attachments if a.kind == "image"]
    assert photos, "the chart arrives as a photo"
    assert photos[0].content.startswith(b"\x89PNG")
    sent_photo = [m for m in stack.emulator.bot_messages(person.user.id) if "photo" in m]
    assert sent_photo
    await erase_scenario(chat, lang)
    # the command menu was published in both languages
    assert ("default", "kk") in stack.emulator.commands


@pytest.mark.parametrize("lang", LANGS)
async def test_restart_mid_flow_resumes(stack: TelegramStack, lang: str) -> None:
    chat = stack.chat(stack.person(lang))
    await chat.say("/start")
    await chat.press(WORDS[lang]["language"])
    await stack.restart()
    await chat.say(VALID_IIN)
    chat.expect(WORDS[lang]["iin_ok"])


async def test_redelivered_update_has_no_second_effect_even_after_a_restart(
    stack: TelegramStack, database: Database
) -> None:
    lang = "ru"
    person = stack.person(lang)
    chat = stack.chat(person)
    await onboarding_scenario(chat, lang)
    await chat.say(WORDS[lang]["income"])
    await chat.press(WORDS[lang]["save"])
    chat.expect(WORDS[lang]["saved"])
    messages = len(stack.emulator.bot_messages(person.user.id))
    assert await chat.redeliver() == []  # the emulator sends the same update_id again
    await stack.restart()  # a new process has no memory of recent update ids: the engine's dedupe answers
    assert await chat.redeliver() == []
    assert len(stack.emulator.bot_messages(person.user.id)) == messages
    assert await income_count(database) == 1


async def test_another_users_button_does_nothing(stack: TelegramStack, database: Database) -> None:
    owner, stranger = stack.person("ru", "Айгүл"), stack.person("ru", "Болат")
    chat = stack.chat(owner)
    await onboarding_scenario(chat, "ru")
    await chat.say(WORDS["ru"]["income"])
    save = next(b for b in chat.buttons if WORDS["ru"]["save"] in b.text)
    holder = stack.emulator.bot_messages(owner.user.id)[-1]
    # the stranger's client sends a press of the owner's button (a forwarded or forged callback)
    update = owner.forge_press(holder, save.payload, presser=stranger.user)
    await stack.tracker.wait_for(int(update["update_id"]))
    assert stack.emulator.bot_messages(stranger.user.id) == []
    assert stack.emulator.bot_messages(owner.user.id)[-1] == holder  # not edited
    assert await income_count(database) == 0


async def test_bad_input_is_answered_clearly_and_nothing_is_lost(stack: TelegramStack, database: Database) -> None:
    chat = stack.chat(stack.person("ru"))
    await onboarding_scenario(chat, "ru")
    amounts = ("получил 0 тенге от ТОО Альфа", "получил -500 от ТОО Альфа", "получил 99999999999999999 тенге")
    for text in ("я" * 5000, "🎉🎉🎉", "😀", *amounts):
        replies = await chat.say(text)
        assert replies, f"no answer to {text[:10]!r}"
        assert all(r.text and "Traceback" not in r.text for r in replies)
    replies = await chat.send_file("virus.exe", "application/x-msdownload")
    assert replies
    assert "Traceback" not in chat.text
    assert await income_count(database) == 0  # nothing absurd was recorded
    # the conversation goes on
    await chat.say("/deadlines")
    chat.expect("25.12.2026")
