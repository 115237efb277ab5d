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


@dataclass
class ChoicesEngine:
    """Offers ``count`` choices titled ``title(i)``; answers a press with its payload."""

    count: int
    title: str = "Вариант {i}"

    async def handle(self, event: InputEvent) -> Sequence[Reply]:
        if isinstance(event, ButtonEvent):
            return [Reply(text=f"pressed {event.payload}")]
        buttons = tuple(Button(self.title.format(i=i), f"c:{i}") for i in range(1, self.count + 1))
        return [Reply(text="Выберите:", buttons=(buttons,))]


@pytest.mark.parametrize(
    ("count", "title", "shown_as"),
    [
        (3, "Вариант {i}", "button"),
        (2, "Декларация {i}: подписать и отправить", "list"),  # too long for a button: a list, full title below
        (7, "Вариант {i}", "list"),
        (12, "Вариант {i}", "text"),  # numbered text: the harness types the number
    ],
)
async def test_press_by_title_works_whatever_the_choices_became(count: int, title: str, shown_as: str) -> None:
    stack = await WhatsAppStack.start(ChoicesEngine(count, title))
    try:
        person = stack.person("ru")
        chat = stack.chat(person)
        await chat.say("hi")
        message = stack.emulator.bot_messages(person.chat_id)[-1].message
        assert (message.get("interactive", {}).get("type") or message["type"]) == shown_as
        await chat.press(title.format(i=2))
        chat.expect("pressed c:2")
        if shown_as == "text":
            typed = [e for e in stack.emulator.chat(person.chat_id).history if not e.from_bot][-1]
            assert typed.message["text"]["body"] == "2"
    finally:
        await stack.close()


async def test_erasure_scrubs_the_remembered_offer(database: Database) -> None:
    from core.storage import erase_user, get_or_create_user_for_chat

    async with database.transaction() as session:
        user, _, _ = await get_or_create_user_for_chat(session, "whatsapp", "77010000009")
    choices = SqlChoices(database, lambda: dt.datetime(2026, 12, 1, 6, tzinfo=dt.UTC))
    await choices.offer("77010000009", {"1": "m:1", "2": "m:2"})
    async with database.transaction() as session:
        await erase_user(session, user.id)
    async with database.session() as session:
        (row,) = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("wa-choices:%")))
        )
    assert (row.payload, row.chat_id, row.user_id) == ({}, "", user.id)
    assert await choices.take("77010000009", "1") is None  # nothing left to press
