"""Numbered choices (more than ten) remembered in the database: a number typed after a restart of the process still
presses its choice; a number not offered, or one for a list too old, gets a short answer and presses nothing; any
other text ends the offer. On SQLite and PostgreSQL, Russian and Kazakh."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from bot.outbox.sql import SqlOutbox
from bot.whatsapp.stores import CHOICES_TTL, SqlChoices
from core.storage import Database, OutboxMessage
from dialogs.contract import Button, ButtonEvent, InputEvent, Reply, TextEvent
from dialogs.i18n import Lang, catalog
from tests.bot.whatsapp.harness import WhatsAppStack

LANGS: tuple[Lang, ...] = ("ru", "kk")
MENU = {"ru": "Выберите месяц:", "kk": "Айды таңдаңыз:"}


@dataclass
class MenuEngine:
    """An engine whose «menu» offers twelve choices (numbered text on WhatsApp); it records what it was given."""

    lang: str = "ru"
    seen: list[InputEvent] = field(default_factory=list)

    async def handle(self, event: InputEvent) -> Sequence[Reply]:
        self.seen.append(event)
        if isinstance(event, TextEvent) and event.text == "menu":
            buttons = tuple(Button(f"Месяц {i}", f"m:{i}") for i in range(1, 13))
            return [Reply(text=MENU[self.lang], buttons=(buttons,))]
        if isinstance(event, ButtonEvent):
            return [Reply(text=f"pressed {event.payload}")]
        return [Reply(text=f"text {getattr(event, 'text', '')}")]


@pytest.fixture
async def stack(database: Database) -> AsyncIterator[WhatsAppStack]:
    running = await WhatsAppStack.start(MenuEngine(), database=database, outbox=SqlOutbox(database))
    try:
        yield running
    finally:
        await running.close()


def engine_of(stack: WhatsAppStack) -> MenuEngine:
    engine = stack.channel.webhook.engine
    assert isinstance(engine, MenuEngine)
    return engine


@pytest.mark.parametrize("lang", ["ru", "kk"])
async def test_a_number_typed_after_a_restart_presses_its_choice(stack: WhatsAppStack, lang: str) -> None:
    engine_of(stack).lang = lang
    chat = stack.chat(stack.person(lang))
    await chat.say("menu")
    assert "12. Месяц 12" in chat.text
    await stack.restart(MenuEngine(lang))  # a new process: nothing in memory
    await chat.say("3")
    chat.expect("pressed m:3")
    await chat.say("4")  # the offer was answered: a number now is plain text
    chat.expect("text 4")


async def test_a_number_not_offered_gets_a_short_answer_and_the_offer_stays(stack: WhatsAppStack) -> None:
    chat = stack.chat(stack.person("ru"))
    await chat.say("menu")
    seen = len(engine_of(stack).seen)
    await chat.say("13")
    chat.expect("Такого номера нет", "от 1 до 12")
    assert len(engine_of(stack).seen) == seen  # nothing reached the dialog
    await chat.say("12.")
    chat.expect("pressed m:12")


@pytest.mark.parametrize(("lang", "answer"), [("ru", "список устарел"), ("kk", "тізім ескірді")])
async def test_a_number_for_a_list_too_old_presses_nothing(
    stack: WhatsAppStack, database: Database, lang: str, answer: str
) -> None:
    engine_of(stack).lang = lang
    chat = stack.chat(stack.person(lang))
    await chat.say("menu")
    stack.clock.advance(CHOICES_TTL.total_seconds() + 60)
    await stack.restart(MenuEngine(lang))
    chat.now += CHOICES_TTL + dt.timedelta(minutes=1)
    await chat.say("3")
    chat.expect(answer)
    assert not [e for e in engine_of(stack).seen if isinstance(e, ButtonEvent)]
    await chat.say("3")  # the old offer is gone: plain text
    chat.expect("text 3")


async def test_other_text_ends_the_offer_and_a_new_list_replaces_it(stack: WhatsAppStack, database: Database) -> None:
    chat = stack.chat(stack.person("ru"))
    await chat.say("menu")
    await chat.say("привет")
    chat.expect("text привет")
    await chat.say("3")
    chat.expect("text 3")
    await chat.say("menu")
    await chat.say("menu")  # a second list replaces the first: one row per chat
    await chat.say("5")
    chat.expect("pressed m:5")
    async with database.session() as session:
        rows = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("wa-choices:%"))))
    assert len(rows) == 1
    assert rows[0].status == "sent"  # never claimed by a sender
    assert rows[0].dedupe_key == SqlChoices.key(chat.chat_id)
    assert chat.chat_id not in rows[0].dedupe_key


def test_the_short_answers_are_translated() -> None:
    from bot.whatsapp.stores import NO_SUCH_NUMBER, STALE_CHOICES

    for lang in LANGS:
        messages = catalog(lang)
        for msgid in (STALE_CHOICES, NO_SUCH_NUMBER):
            assert messages.get(msgid), (lang, msgid)
