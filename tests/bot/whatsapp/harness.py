"""The WhatsApp stack over loopback HTTP, and a person using it through the emulator's user side.

``WhatsAppStack``: the Cloud API emulator on its own loopback server, the product's webhook (``setup_whatsapp``) on
another → the dialog engine → replies rendered by the channel and sent back to the emulator through the real client.
``restart()`` replaces the product's side as a new process would (over the same database); the emulator keeps its
chats. The emulator's clock is manual and shared with the channel (the 24-hour window).

``WhatsAppPerson.send`` is a ``dialogs.testing.ScriptedChat`` sender: it does what an event describes as a WhatsApp
user would (types, taps the reply button or list row carrying the payload, types the number of a numbered choice,
sends the file; an event sent again is redelivered with the same ``wamid``), waits until the webhook has handled it
(``ProcessedTracker``, no sleeping), and reads the bot's new messages back as ``Reply`` objects.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from bot.emulator import ManualClock, RunningServer, serve
from bot.emulator.whatsapp import (
    DEFAULT_APP_SECRET,
    DEFAULT_PHONE_NUMBER_ID,
    DEFAULT_PREFIX,
    DEFAULT_TOKEN,
    WaEntry,
    WaLimits,
    WaUser,
    WhatsAppEmulator,
    choices_of,
    setup_cloud_api,
)
from bot.outbox.protocol import OutboxWriter
from bot.whatsapp import WEBHOOK_PATH, PairGate, ProcessedTracker, WhatsAppChannel, setup_whatsapp
from bot.whatsapp.stores import ChatWindows, StatusSink
from core.settings import Settings
from dialogs.contract import Attachment, Button, ButtonEvent, DialogEngine, FileEvent, InputEvent, Reply, TextEvent
from dialogs.engine import Engine
from dialogs.memory import MemoryDatabase
from dialogs.ports import Services
from dialogs.services import default_services
from dialogs.testing import ScriptedChat
from tests.e2e.harness import fold_media

SECRET = b"wa-payload-secret"
NOW = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)  # 11:00 in Kazakhstan, as the dialogs scenarios expect
VERIFY_TOKEN = "verify-me"
NUMBERED = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)


@lru_cache(maxsize=1)
def services() -> Services:
    return default_services()


def memory_engine() -> Engine:
    return Engine(MemoryDatabase().session, services(), SECRET)


def settings() -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        WHATSAPP_TOKEN=SecretStr(DEFAULT_TOKEN),
        WHATSAPP_PHONE_NUMBER_ID=DEFAULT_PHONE_NUMBER_ID,
        WHATSAPP_APP_SECRET=SecretStr(DEFAULT_APP_SECRET),
        WHATSAPP_VERIFY_TOKEN=SecretStr(VERIFY_TOKEN),
    )


class ManualSleep:
    """``sleep`` for the channel's pair gate: advances the manual clock instead of waiting."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.slept: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock.advance(seconds)


@dataclass
class WhatsAppStack:
    emulator: WhatsAppEmulator
    clock: ManualClock
    server: RunningServer
    channel: WhatsAppChannel
    tracker: ProcessedTracker
    sleep: ManualSleep
    options: dict[str, Any] = field(default_factory=dict)
    #: the Cloud API emulator's own server: it outlives a restart of the product's (``server``: the webhook)
    cloud_server: RunningServer | None = None

    @classmethod
    async def start(
        cls,
        engine: DialogEngine | None = None,
        *,
        limits: WaLimits | None = None,
        windows: ChatWindows | None = None,
        statuses: StatusSink | None = None,
        outbox: OutboxWriter | None = None,
        database: object | None = None,
        late_window_errors: bool = False,
    ) -> WhatsAppStack:
        clock = ManualClock(start_unix=NOW.timestamp())
        limits = limits or WaLimits.relaxed()
        emulator = WhatsAppEmulator(clock=clock, limits=limits, late_window_errors=late_window_errors)
        tracker = ProcessedTracker()
        sleep = ManualSleep(clock)
        options = {"windows": windows, "statuses": statuses, "outbox": outbox, "database": database}
        cloud = web.Application()
        setup_cloud_api(cloud, emulator, webhook_retry_seconds=0.05)
        cloud_server = await serve(cloud)
        options["api_base"] = cloud_server.url + DEFAULT_PREFIX
        server, channel = await _serve(emulator, clock, tracker, sleep, engine or memory_engine(), options)
        return cls(emulator, clock, server, channel, tracker, sleep, options, cloud_server)

    async def restart(self, engine: DialogEngine) -> None:
        """A new process: a new webhook, channel and engine (over the same database); the emulator keeps its chats
        and delivers to the new webhook. In-memory stores given to ``start`` are dropped, as a process would."""
        await self.server.close()
        options = {**self.options, "windows": None, "statuses": None}
        self.server, self.channel = await _serve(self.emulator, self.clock, self.tracker, self.sleep, engine, options)

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock.unix_time(), dt.UTC)

    async def close(self) -> None:
        await self.server.close()
        if self.cloud_server is not None:
            await self.cloud_server.close()

    def person(self, lang: str = "ru", name: str = "Айгүл", *, phone: bool = True) -> WhatsAppPerson:
        return WhatsAppPerson(self, self.emulator.create_user(name, lang, phone=phone))

    def chat(self, person: WhatsAppPerson) -> ScriptedChat:
        return ScriptedChat(
            person.send, chat_id=person.user.chat_id, channel="whatsapp", language_code=person.user.language, now=NOW
        )


async def _serve(
    emulator: WhatsAppEmulator,
    clock: ManualClock,
    tracker: ProcessedTracker,
    sleep: ManualSleep,
    engine: DialogEngine,
    options: dict[str, Any],
) -> tuple[RunningServer, WhatsAppChannel]:
    app = web.Application()
    channel = setup_whatsapp(
        app,
        engine,
        settings(),
        database=options["database"],
        outbox=options["outbox"],
        windows=options["windows"],
        statuses=options["statuses"],
        gate=PairGate(monotonic=clock.monotonic, sleep=sleep),
        tracker=tracker,
        now=lambda: dt.datetime.fromtimestamp(clock.unix_time(), dt.UTC),
    )
    server = await serve(app)
    channel.client.api_base = options["api_base"]
    emulator.webhook_url = server.url + WEBHOOK_PATH
    return server, channel


def to_reply(emulator: WhatsAppEmulator, entry: WaEntry) -> Reply:
    """A bot message as the person sees it: text, its choices as buttons (numbered ones as ``#num:<n>``), media."""
    message = entry.message
    kind = message.get("type")
    if kind == "text":
        body = message["text"]["body"]
        numbered = tuple(Button(m.group(2), f"#num:{m.group(1)}") for m in NUMBERED.finditer(body))
        return Reply(text=body, buttons=(numbered,) if numbered else ())
    if kind == "interactive":
        choices = choices_of(message)
        buttons = tuple(Button(c.get("description") or c["title"], c["id"]) for c in choices)
        return Reply(text=message["interactive"]["body"]["text"], buttons=(buttons,))
    if kind == "template":
        spec = message["template"]
        template = emulator.templates.get(spec["name"], spec["language"]["code"])
        assert template is not None
        values = next(c for c in spec["components"] if c["type"] == "body")["parameters"]
        buttons = tuple(Button(c["title"], c["id"]) for c in choices_of(message, emulator.templates))
        text = template.render([v["text"] for v in values])
        return Reply(text=text, buttons=(buttons,) if buttons else (), meta={"template": spec["name"]})
    media = message[str(kind)]
    stored = emulator.media(media["id"])
    attachment = Attachment(
        "image" if kind == "image" else "document",
        stored.filename,
        stored.mime_type,
        stored.content,
        caption=media.get("caption"),
    )
    return Reply(text="", attachments=(attachment,))  # the caption belongs to the attachment, as in the engine


@dataclass
class WhatsAppPerson:
    stack: WhatsAppStack
    user: WaUser
    wamid_of_event: dict[str, str] = field(default_factory=dict)
    acts: dict[str, int] = field(default_factory=dict)

    @property
    def emulator(self) -> WhatsAppEmulator:
        return self.stack.emulator

    @property
    def chat_id(self) -> str:
        return self.user.chat_id

    def act(self, event: InputEvent) -> str:
        if event.event_id in self.wamid_of_event:
            wamid = self.wamid_of_event[event.event_id]
            self.emulator.redeliver(wamid)
            return wamid
        if isinstance(event, TextEvent):
            wamid = self.emulator.send_text(self.chat_id, event.text)
        elif isinstance(event, FileEvent):
            wamid = self.emulator.send_file(
                self.chat_id, event.file_name, event.content, event.mime_type, event.caption
            )
        else:
            wamid = self.press(event)
        self.wamid_of_event[event.event_id] = wamid
        return wamid

    def press(self, event: ButtonEvent) -> str:
        if event.payload.startswith("#num:"):
            return self.emulator.send_text(self.chat_id, event.payload.removeprefix("#num:"))
        messages = self.emulator.bot_messages(self.chat_id)
        for entry in reversed(messages):
            if any(c["id"] == event.payload for c in choices_of(entry.message, self.emulator.templates)):
                return self.emulator.press(self.chat_id, entry.wamid, event.payload)
        # a button no longer shown (a double tap): a stale client sends it on the message that showed it
        holder = next(e for e in reversed(messages) if e.message.get("type") in ("interactive", "template"))
        return self.emulator.press(self.chat_id, holder.wamid, event.payload, forge=True)

    async def send(self, event: InputEvent) -> Sequence[Reply]:
        before = len(self.emulator.bot_messages(self.chat_id))
        wamid = self.act(event)
        self.acts[wamid] = self.acts.get(wamid, 0) + 1
        await self.stack.tracker.wait_for(wamid, times=self.acts[wamid])
        return fold_media([to_reply(self.emulator, e) for e in self.emulator.bot_messages(self.chat_id)[before:]])
