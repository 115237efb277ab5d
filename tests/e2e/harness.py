"""The whole Telegram stack over loopback HTTP, and a person using it through the emulator's user side.

``TelegramStack``: the emulator served on a free loopback port → a real aiogram ``Bot`` long-polling it → the
product's dispatcher → the dialog engine → the database (SQLite or PostgreSQL fixture). ``restart()`` replaces the
dispatcher and the engine over the same database, as a new process would.

``TelegramPerson.send`` is a ``dialogs.testing.ScriptedChat`` sender: it performs each event as the person would
(types the text, presses the button carrying the payload, uploads the file; an event sent again is redelivered by the
emulator with the same update id), waits until the bot has fully handled that update (``UpdateTracker``, no sleeping)
and reads back, as ``Reply`` objects, the bot messages the update produced — new ones and edited ones (a reply's
media messages folded back into it: ``fold_media``).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from aiogram import Bot, Dispatcher

from bot.emulator import ManualClock, RunningServer, serve
from bot.emulator.telegram import DEFAULT_TOKEN, Limits, SimUser, TelegramEmulator, create_telegram_emulator
from bot.outbox.sql import SqlOutbox
from bot.telegram import build_dispatcher, make_bot
from bot.telegram.observe import UpdateTracker
from core.storage import Database
from dialogs.contract import Attachment, Button, ButtonEvent, DialogEngine, FileEvent, InputEvent, Reply, TextEvent
from dialogs.engine import Engine
from dialogs.ports import Services
from dialogs.services import default_services
from dialogs.sql_store import SqlStores
from dialogs.testing import ScriptedChat

SECRET = b"e2e-payload-secret"
NOW = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)  # 11:00 in Kazakhstan, as the dialogs scenarios expect

JsonDict = dict[str, Any]


@lru_cache(maxsize=1)
def services() -> Services:
    return default_services()


def sql_engine(database: Database) -> Engine:
    return Engine(SqlStores(database), services(), SECRET)


@dataclass
class TelegramStack:
    database: Database
    emulator: TelegramEmulator
    clock: ManualClock
    server: RunningServer
    bot: Bot
    engine_factory: Callable[[Database], DialogEngine] = sql_engine
    tracker: UpdateTracker = field(default_factory=UpdateTracker)
    dispatcher: Dispatcher | None = None
    engine: DialogEngine | None = None

    @classmethod
    async def start(
        cls,
        database: Database,
        *,
        limits: Limits | None = None,
        engine_factory: Callable[[Database], DialogEngine] = sql_engine,
    ) -> TelegramStack:
        clock = ManualClock(start_unix=NOW.timestamp())
        emulator = TelegramEmulator(limits=limits or Limits.relaxed(), clock=clock)
        server = await serve(create_telegram_emulator(emulator))
        bot = make_bot(DEFAULT_TOKEN, server.url)
        stack = cls(database, emulator, clock, server, bot, engine_factory)
        await stack._start_polling()
        return stack

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock.unix_time(), dt.UTC)

    async def _start_polling(self) -> None:
        import asyncio

        self.engine = self.engine_factory(self.database)
        self.dispatcher = build_dispatcher(
            self.engine, outbox=SqlOutbox(self.database), now=self.now, observers=[self.tracker]
        )
        started = asyncio.Event()
        self.dispatcher.startup.register(lambda: started.set())
        self._polling = asyncio.create_task(
            self.dispatcher.start_polling(
                self.bot, handle_signals=False, close_bot_session=False, polling_timeout=5, tasks_concurrency_limit=64
            )
        )
        await asyncio.wait_for(started.wait(), timeout=30)

    async def stop_polling(self) -> None:
        assert self.dispatcher is not None
        await self.dispatcher.stop_polling()
        await self._polling

    async def restart(self) -> None:
        """A new process: a new dispatcher and a new engine over the same database (the emulator keeps its chats)."""
        await self.stop_polling()
        await self._start_polling()

    async def close(self) -> None:
        await self.stop_polling()
        await self.bot.session.close()
        await self.server.close()

    def person(self, lang: str = "ru", name: str = "Айгүл") -> TelegramPerson:
        return TelegramPerson(self, self.emulator.create_user(name, lang))

    def chat(self, person: TelegramPerson) -> ScriptedChat:
        """A ``ScriptedChat`` that talks through Telegram as ``person``."""
        return ScriptedChat(person.send, chat_id=str(person.user.id), language_code=person.user.language_code, now=NOW)


def _buttons(message: JsonDict) -> tuple[tuple[Button, ...], ...]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return tuple(tuple(Button(b["text"], b["callback_data"]) for b in row) for row in rows)


@dataclass
class TelegramPerson:
    stack: TelegramStack
    user: SimUser
    update_of_event: dict[str, int] = field(default_factory=dict)
    acts: dict[int, int] = field(default_factory=dict)  # update id → times the person caused it

    @property
    def emulator(self) -> TelegramEmulator:
        return self.stack.emulator

    def _snapshot(self) -> dict[int, JsonDict]:
        return {m["message_id"]: copy.deepcopy(m) for m in self.emulator.bot_messages(self.user.id)}

    def to_reply(self, message: JsonDict, *, edit: bool = False) -> Reply:
        attachments: list[Attachment] = []
        caption = message.get("caption")
        for key, kind in (("photo", "image"), ("document", "document")):
            if key in message:
                media = message[key][-1] if key == "photo" else message[key]
                stored = self.emulator.stored_file(media["file_id"])
                assert stored is not None
                attachments.append(
                    Attachment(kind, stored.filename, stored.mime_type, stored.content, caption=caption)  # type: ignore[arg-type]
                )
        if attachments:  # a media message: its caption belongs to the attachment, as in the engine's Reply
            return Reply(text="", buttons=_buttons(message), attachments=tuple(attachments), edit=edit)
        return Reply(text=message.get("text") or "", buttons=_buttons(message), edit=edit)

    async def act(self, event: InputEvent) -> int:
        """Do what ``event`` describes on the user side; the update id it produced."""
        uid = self.user.id
        if event.event_id in self.update_of_event:
            return int(self.emulator.redeliver(self.update_of_event[event.event_id])["update_id"])
        if isinstance(event, TextEvent):
            update = self.emulator.send_text(uid, event.text)
        elif isinstance(event, FileEvent):
            update = self.emulator.send_file(
                uid, event.file_name, event.content, event.mime_type, caption=event.caption
            )
        else:
            update = self.press(event)
        self.update_of_event[event.event_id] = int(update["update_id"])
        return int(update["update_id"])

    def press(self, event: ButtonEvent) -> JsonDict:
        """Press the newest button carrying the payload; a button no longer shown (a double tap on a message the bot
        already edited) is pressed as a stale client would, on the message that showed it."""
        messages = self.emulator.bot_messages(self.user.id)
        for message in reversed(messages):
            if any(b.payload == event.payload for row in _buttons(message) for b in row):
                return self.emulator.press_button(self.user.id, message["message_id"], event.payload)
        return self.forge_press(messages[-1], event.payload)

    def forge_press(self, message: JsonDict, payload: str, presser: SimUser | None = None) -> JsonDict:
        query = {
            "id": f"stale-{len(self.update_of_event)}-{self.user.id}",
            "from": (presser or self.user).as_api(),
            "message": message,
            "chat_instance": str(self.user.id),
            "data": payload,
        }
        return self.emulator.queue_update("callback_query", query)

    async def send(self, event: InputEvent) -> Sequence[Reply]:
        before = self._snapshot()
        update_id = await self.act(event)
        self.acts[update_id] = self.acts.get(update_id, 0) + 1
        await self.stack.tracker.wait_for(update_id, times=self.acts[update_id])
        return self.new_replies(before)

    def new_replies(self, before: dict[int, JsonDict]) -> list[Reply]:
        replies: list[Reply] = []
        for message in self.emulator.bot_messages(self.user.id):
            old = before.get(message["message_id"])
            if old is None:
                replies.append(self.to_reply(message))
            elif old != message:
                replies.append(self.to_reply(message, edit=True))
        return fold_media(replies)


def fold_media(replies: list[Reply]) -> list[Reply]:
    """A channel sends a reply's attachments as messages after its text; fold them back into that reply, so a
    scenario sees the engine's shape (``replies[0].attachments``) on every channel."""
    folded: list[Reply] = []
    for reply in replies:
        media_only = reply.attachments and not reply.text and not reply.buttons and not reply.edit
        if media_only and folded and not folded[-1].edit:
            folded[-1] = replace(folded[-1], attachments=(*folded[-1].attachments, *reply.attachments))
        else:
            folded.append(reply)
    return folded
