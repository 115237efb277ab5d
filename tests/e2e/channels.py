"""The three ways into the chat, each with local mode's world around it (``tests.e2e.world``): the bare engine, the
Telegram stack (``tests.e2e.harness``) and the WhatsApp stack (``tests.bot.whatsapp.harness``), over one database.
The other messenger's stack starts when a scenario asks for the person's chat there (linking).

``async with start_channel("whatsapp", database, tmp_path) as run: chat = run.chat("kk")`` gives a
``ScriptedChat`` of a new person of that channel, with ``chat.world`` set, ready for any scenario.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.outbox.sql import SqlOutbox
from bot.outbox.telegram import TelegramChannelSender
from core.storage import Database
from dialogs.contract import Reply
from dialogs.testing import ScriptedChat
from tests.bot.whatsapp.harness import WhatsAppPerson, WhatsAppStack, to_reply
from tests.e2e.harness import TelegramPerson, TelegramStack, fold_media
from tests.e2e.world import NOW, Collected, LocalWorld

CHANNELS = ("engine", "telegram", "whatsapp")


@dataclass
class ChannelRun:
    channel: str
    world: LocalWorld
    telegram: TelegramStack | None = None
    whatsapp: WhatsAppStack | None = None
    collected: Collected | None = None
    people: dict[str, Any] = field(default_factory=dict)  # chat id → TelegramPerson / WhatsAppPerson
    made: int = 0

    def chat(self, lang: str, name: str = "Айгүл") -> ScriptedChat:
        """A new person's chat on this channel."""
        return self._chat_on(self.telegram or self.whatsapp, lang, name)

    def _chat_on(self, stack: TelegramStack | WhatsAppStack | None, lang: str, name: str) -> ScriptedChat:
        self.made += 1
        if isinstance(stack, TelegramStack):
            person: Any = stack.person(lang, name)
            chat = stack.chat(person)
        elif isinstance(stack, WhatsAppStack):
            person = stack.person(lang, name)
            chat = stack.chat(person)
        else:
            engine = self.world.engine()
            chat = ScriptedChat(engine.handle, chat_id=str(700_000 + self.made), language_code=lang, now=NOW)
            person = None
        self.people[chat.chat_id] = person
        chat.world = self.world
        return chat

    async def other_chat(self, chat: ScriptedChat) -> ScriptedChat:
        """The same person on the other messenger, through that messenger's own stack over the same database."""
        if self.channel == "telegram":
            if self.whatsapp is None:
                self.whatsapp = await _whatsapp(self.world)
            other = self._chat_on(self.whatsapp, chat.language_code or "ru", "Айгүл")
        else:
            if self.telegram is None:
                self.telegram = await _telegram(self.world)
            other = self._chat_on(self.telegram, chat.language_code or "ru", "Айгүл")
        other.now = chat.now
        return other

    # ---- Observer: what the outbox's sends look like to the person --------------------------------------------

    def mark(self, chat: ScriptedChat) -> Any:
        person = self.people.get(chat.chat_id)
        if isinstance(person, TelegramPerson):
            return person._snapshot()
        if isinstance(person, WhatsAppPerson):
            return len(person.emulator.bot_messages(person.chat_id))
        assert self.collected is not None
        return self.collected.mark(chat)

    def since(self, chat: ScriptedChat, mark: Any) -> list[Reply]:
        person = self.people.get(chat.chat_id)
        if isinstance(person, TelegramPerson):
            return person.new_replies(mark)
        if isinstance(person, WhatsAppPerson):
            messages = person.emulator.bot_messages(person.chat_id)[int(mark) :]
            return fold_media([to_reply(person.emulator, e) for e in messages])
        assert self.collected is not None
        return self.collected.since(chat, mark)


async def _telegram(world: LocalWorld) -> TelegramStack:
    stack = await TelegramStack.start(world.database, engine_factory=lambda _db: world.engine())
    world.senders = [*world.senders, TelegramChannelSender(stack.bot)]
    return stack


async def _whatsapp(world: LocalWorld) -> WhatsAppStack:
    stack = await WhatsAppStack.start(world.engine(), database=world.database, outbox=SqlOutbox(world.database))
    world.senders = [*world.senders, stack.channel.sender()]
    return stack


@contextlib.asynccontextmanager
async def start_channel(
    channel: str, database: Database, tmp_path: Path, *, test_mode: bool = False
) -> AsyncIterator[ChannelRun]:
    """The channel's stack over ``database`` with local mode's world (``test_mode``: ``ALLOW_TEST_KEYS``); closed on
    exit."""
    world = LocalWorld.create(database, tmp_path / "var", test_mode=test_mode)
    run = ChannelRun(channel, world)
    world.observer = run
    if channel == "telegram":
        run.telegram = await _telegram(world)
    elif channel == "whatsapp":
        run.whatsapp = await _whatsapp(world)
    else:
        run.collected = Collected("telegram")
        world.senders = [run.collected]
    if channel != "engine":
        world.other = run.other_chat
    try:
        yield run
    finally:
        if run.telegram is not None:
            await run.telegram.close()
        if run.whatsapp is not None:
            await run.whatsapp.close()
