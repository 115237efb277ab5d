"""The dialog engine: one event in, replies out; state persisted per user; never raises to the channel.

Per event, in one unit of work (transaction): dedupe by ``(channel, event_id)``; find or create the user for the
chat; load the dialog state; route (command → its flow; button → its flow after the owner check; text → the waiting
step of the active flow, else NLU → a flow by intent; file → the flow that takes it, else a kind answer); save the
state with its version. A stale write re-runs the event once. Any other failure is rolled back, logged with a
correlation id, and answered with a short apology in the user's language.

```mermaid
flowchart TD
    E[InputEvent] --> D{seen event_id?}
    D -- yes --> N[return empty]
    D -- no --> U[find or create user] --> S[load state]
    S --> K{kind}
    K -- "/command" --> C[command flow]
    K -- button --> O{owner tag ok?} -- no --> N
    O -- yes --> B[flow.on_button]
    K -- text --> W{active step waits for text?}
    W -- yes --> T[flow.on_text]
    W -- no --> I[NLU parse] --> R[flow by intent]
    K -- file --> FF{a flow takes it? on_file} -- no --> F[kind answer, state kept]
    FF -- yes --> FL[flow.on_file]
    C & B & T & R & F & FL --> V[save state with version check]
    V -- stale --> S
    V --> OUT[replies]
```
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import uuid
import weakref
from collections.abc import Sequence
from typing import Any

from dialogs.clock import as_utc, kz_today
from dialogs.contract import ButtonEvent, FileEvent, InputEvent, Reply, TextEvent
from dialogs.flows import link, menu, notices, registry
from dialogs.flows.base import Ctx, FlowHandler
from dialogs.i18n import N_, Lang, normalise_lang, t
from dialogs.payloads import PayloadCodec
from dialogs.ports import DialogSnapshot, Services, StaleState, StoreFactory
from dialogs.states import Flow
from nlu.types import ParseResult

log = logging.getLogger("asistent.dialogs")

MAX_TEXT = 2000  # longer messages are not a chat answer; the user is asked to shorten (nothing is stored)
MIN_CONFIDENCE = 0.5
APOLOGY = N_("Sorry, something went wrong on my side. Please try again (code {code}).")

COMMANDS: dict[str, str] = {
    "start": Flow.ONBOARDING,
    "help": Flow.HELP,
    "lang": Flow.LANGUAGE,
    "language": Flow.LANGUAGE,
    "settings": Flow.SETTINGS,
    "taxes": Flow.TAXES,
    "income": Flow.SUMMARY,
    "deadlines": Flow.DEADLINES,
    "delete": Flow.ERASE,
    "menu": Flow.MENU,
    "file": Flow.FILING,
    "pay": Flow.PAYMENT,
    "subscription": Flow.SUBSCRIPTION,
    "link": Flow.LINK,
    "docs": Flow.DOCUMENTS,
    "invoice": Flow.DOCUMENTS,
    "notices": Flow.NOTICES,
    "register": Flow.REGISTRATION,
    "key": Flow.KEY,
    "esf": Flow.ESF,
}

#: commands that start their flow as this phrase would (the flow reads its intent and entities): one flow, two doors
COMMAND_PHRASES: dict[str, str] = {"invoice": "выставить счёт"}

#: single words that act as commands (menus the NLU has no intent for)
WORD_COMMANDS: dict[str, str] = {
    "настройки": Flow.SETTINGS,
    "баптаулар": Flow.SETTINGS,
    "баптау": Flow.SETTINGS,
    "эсф": Flow.ESF,
    "эшф": Flow.ESF,
    "статус эсф": Flow.ESF,
    "мои эсф": Flow.ESF,
    "эшф күйі": Flow.ESF,
    "меню": Flow.MENU,
    "мәзір": Flow.MENU,
    "сохранить ключ": Flow.KEY,
    "сохранить эцп": Flow.KEY,
    "кілтті сақтау": Flow.KEY,
    "эцқ сақтау": Flow.KEY,
}

INTENT_FLOWS: dict[str, str] = {
    "record_income": Flow.INCOME,
    "record_expense": Flow.EXPENSE,
    "show_taxes": Flow.TAXES,
    "pay_taxes": Flow.PAYMENT,
    "file_declaration": Flow.FILING,
    "show_deadlines": Flow.DEADLINES,
    "show_income": Flow.SUMMARY,
    "help": Flow.HELP,
    "delete_data": Flow.ERASE,
    "change_language": Flow.LANGUAGE,
    "ask_question": Flow.CONSULT,
    "register_business": Flow.REGISTRATION,
    "check_notices": Flow.NOTICES,
    "add_employee": Flow.SETTINGS,
    "subscription": Flow.SUBSCRIPTION,
    "create_document": Flow.DOCUMENTS,
}
#: flows asked, in this order, whether a file outside their own steps is theirs (``FlowHandler.on_file``)
FILE_FLOWS: tuple[str, ...] = (Flow.KEY, Flow.NOTICES, Flow.DOCUMENTS)
#: intents → menu actions offered as "did you mean" suggestions
SUGGESTIONS: dict[str, str] = {
    "record_income": "inc",
    "record_expense": "exp",
    "show_taxes": "tax",
    "pay_taxes": "tax",
    "show_deadlines": "dl",
    "show_income": "sum",
    "help": "hlp",
}
_WORD = re.compile(r"[^\W_]", re.UNICODE)
_DIGIT = re.compile(r"\d")
#: intents that leave a step waiting for text (an answer to the step is never one of these)
ESCAPE_INTENTS = frozenset({"help", "delete_data", "change_language"})
ESCAPE_CONFIDENCE = 0.9


class _Ignore(Exception):  # noqa: N818 — control flow, not an error
    """Do nothing for this event (a foreign or malformed button): roll back, return no replies."""


class Engine:
    """The ``DialogEngine`` of the product.

    ``stores`` opens one unit of work per event (``dialogs.sql_store.SqlStores(database)`` in production,
    ``dialogs.memory.MemoryDatabase().session`` in unit tests); ``services`` binds NLU, the tax engine, the calendar,
    places and the consultation (``dialogs.services.default_services()``); ``payload_secret`` keys the owner tags of
    button payloads (keep it stable across restarts, or old buttons stop working).
    """

    def __init__(self, stores: StoreFactory, services: Services, payload_secret: bytes) -> None:
        self._stores = stores
        self._services = services
        self._codec = PayloadCodec(payload_secret)
        self._flows: dict[str, FlowHandler] = registry()
        # One event at a time per chat in this process: keeps a chat's messages in order and avoids needless stale
        # writes; across processes the version check (and one re-run) decides.
        self._chat_locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, event: InputEvent) -> asyncio.Lock:
        key = (event.chat.channel, event.chat.chat_id)
        lock = self._chat_locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._chat_locks[key] = lock
        return lock

    async def handle(self, event: InputEvent) -> Sequence[Reply]:
        async with self._lock(event):
            return await self._handle_safely(event)

    async def _handle_safely(self, event: InputEvent) -> Sequence[Reply]:
        correlation = uuid.uuid4().hex[:12]
        try:
            for attempt in (1, 2):
                try:
                    return await self._handle_once(event)
                except StaleState:
                    if attempt == 2:
                        raise
                    log.info("stale dialog state, re-running event cid=%s", correlation)
                except _Ignore:
                    return []
        except Exception:
            log.exception(
                "dialog failure cid=%s channel=%s event=%s kind=%s",
                correlation,
                event.chat.channel,
                event.event_id,
                type(event).__name__,
            )
        return [await self._apology(event, correlation)]

    async def _apology(self, event: InputEvent, correlation: str) -> Reply:
        lang: Lang = normalise_lang(event.chat.language_code)
        secret = False
        try:
            async with self._stores() as store:
                user = await store.user_for_chat(event.chat, lang)
                lang = user.language
                state = await store.load_state(user.user_id)
                flow = self._flows.get(state.flow or "")
                secret = isinstance(event, TextEvent) and flow is not None and state.step in flow.secret_steps
        except Exception:  # noqa: S110 — the apology must go out even when storage is down
            pass
        # a password that met a failure still leaves the chat
        return Reply(text=t(lang, APOLOGY, code=correlation), delete_incoming=secret)

    async def _handle_once(self, event: InputEvent) -> list[Reply]:
        async with self._stores() as store:
            if not await store.mark_processed(event.chat.channel, event.event_id):
                return []
            user = await store.user_for_chat(event.chat, normalise_lang(event.chat.language_code))
            state = await store.load_state(user.user_id)
            version = state.version
            ctx = Ctx(
                user=user,
                store=store,
                services=self._services,
                codec=self._codec,
                state=state,
                now=as_utc(event.received_at),
                profile=await store.get_profile(user.user_id),
                lang=user.language,
                flows=self._flows,
            )
            replies = await self._route(ctx, event)
            if not ctx.erased:
                await store.save_state(
                    user.user_id, DialogSnapshot(state.flow, state.step, _jsonable(state.data), version)
                )
            return replies

    # ---- routing ----
    async def _route(self, ctx: Ctx, event: InputEvent) -> list[Reply]:
        if isinstance(event, ButtonEvent):
            return await self._button(ctx, event)
        if isinstance(event, FileEvent):
            taken = await self._file_flow(ctx, event)
            if taken is not None:
                return taken
            if event.caption and event.caption.strip():  # the words with the file are a message of their own
                note = Reply(text=ctx.t("I cannot read files yet, but I have read your caption."))
                return [note, *await self._text(ctx, event.caption)]
            return self._file(ctx)
        assert isinstance(event, TextEvent)
        active = self._flows.get(ctx.state.flow or "")
        if active is not None and ctx.state.step in active.secret_steps:
            secret = await active.on_secret(ctx, event.text)  # a password: straight to its step, never parsed
            if secret is not None:
                return secret
        linked = await self._link(ctx, event)
        if linked is not None:
            return linked
        return await self._text(ctx, event.text)

    async def _link(self, ctx: Ctx, event: TextEvent) -> list[Reply] | None:
        """«привязать Telegram» and link codes (``flows/link.py``). A bare six-digit number, or any code while a
        step waits for text, is a code only when a live code exists for it, so numbers typed elsewhere still work."""
        if link.is_link_phrase(event.text):
            return await ctx.start(Flow.LINK)
        found = link.code_in(event.text)
        if found is None:
            return None
        code, prefixed = found
        flow = self._flows.get(ctx.state.flow or "")
        waiting = flow is not None and ctx.state.step in flow.text_steps
        if (waiting or not prefixed) and not await link.has_live_code(ctx, code):
            return None
        handler = self._flows[Flow.LINK]
        assert isinstance(handler, link.LinkFlow)
        return await handler.on_code(ctx, code, event.chat.channel, event.chat.chat_id)

    async def _button(self, ctx: Ctx, event: ButtonEvent) -> list[Reply]:
        payload = self._codec.decode(ctx.user.user_id, event.payload)
        if payload is None or payload.flow not in self._flows:
            raise _Ignore
        return await self._flows[payload.flow].on_button(ctx, payload.action, payload.arg)

    async def _file_flow(self, ctx: Ctx, event: FileEvent) -> list[Reply] | None:
        """A file goes to the active flow when it takes files, else to the first flow that recognises it
        (``FILE_FLOWS``: a key container, a forwarded notice); ``None`` when no flow wants it."""
        active = self._flows.get(ctx.state.flow or "")
        if active is not None:
            replies = await active.on_file(ctx, event)
            if replies is not None:
                return replies
        for name in FILE_FLOWS:
            handler = self._flows.get(name)
            if handler is not None and handler is not active:
                replies = await handler.on_file(ctx, event)
                if replies is not None:
                    return replies
        return None

    def _file(self, ctx: Ctx) -> list[Reply]:
        text = ctx.t(
            "Thank you! I cannot read files yet. Please write the figures in a message, "
            "for example: «received 150 000 from TOO Alfa»."
        )
        return [Reply(text=text), *self._reprompt(ctx)]

    def _reprompt(self, ctx: Ctx) -> list[Reply]:
        """The active step's question again, so nothing typed so far is lost."""
        if ctx.state.flow in self._flows:
            reply = self._flows[ctx.state.flow].prompt(ctx)
            if reply is not None:
                return [reply]
        return []

    async def _text(self, ctx: Ctx, raw: str) -> list[Reply]:
        text = raw.strip()
        if text.startswith("/"):
            return await self._command(ctx, text)
        if not self._waits_for_text(ctx) and notices.looks_like_notice(text):  # a pasted notice of the tax office
            return await notices.take_pasted(ctx, text)
        if len(text) > MAX_TEXT:
            reply = Reply(
                text=ctx.t(
                    "That is a long message ({count} characters). Please send up to {limit}.",
                    count=len(text),
                    limit=MAX_TEXT,
                )
            )
            return [reply, *self._reprompt(ctx)]
        if not _WORD.search(text):
            reply = Reply(text=ctx.t("I understand words and numbers. Please write in text what you need."))
            return [reply, *self._reprompt(ctx)]
        word = text.lower().strip(" .!?")
        if word in WORD_COMMANDS:
            return await ctx.start(WORD_COMMANDS[word])
        parse = self._parse(text, ctx)
        flow = self._flows.get(ctx.state.flow or "")
        if flow is not None and ctx.state.step in flow.text_steps:
            intent = parse["intent"]
            if intent["name"] == "deny" and len(text) <= 20 and ctx.state.step not in flow.yes_no_steps:
                return await self._cancel(ctx)
            if (
                intent["name"] in ESCAPE_INTENTS
                and intent["confidence"] >= ESCAPE_CONFIDENCE
                and not _DIGIT.search(text)
            ):
                return await self._intent(ctx, parse)  # «помощь» / «удалить мои данные» mid-step is not an answer
            return await flow.on_text(ctx, text, parse)
        return await self._intent(ctx, parse)

    def _waits_for_text(self, ctx: Ctx) -> bool:
        flow = self._flows.get(ctx.state.flow or "")
        return flow is not None and ctx.state.step in flow.text_steps

    def _parse(self, text: str, ctx: Ctx) -> ParseResult:
        try:
            return self._services.interpreter.parse(text, today=kz_today(ctx.now))
        except Exception:
            log.exception("NLU failure; using the keyword router")
            from dialogs.keyword_nlu import KeywordInterpreter

            return KeywordInterpreter().parse(text, today=kz_today(ctx.now))

    async def _command(self, ctx: Ctx, text: str) -> list[Reply]:
        name = text[1:].split()[0].split("@")[0].lower() if len(text) > 1 else ""
        if name == "cancel":
            return await self._cancel(ctx)
        if name == "start" and ctx.onboarded:
            ctx.clear()
            return [Reply(text=ctx.t("Welcome back! What shall we do?"), buttons=menu.main_buttons(ctx))]
        flow = COMMANDS.get(name)
        if flow is None:
            return [
                Reply(text=ctx.t("I do not know this command. Here is what I can do:")),
                *await ctx.start(Flow.HELP),
            ]
        if name in COMMAND_PHRASES:
            return await ctx.start(flow, self._parse(COMMAND_PHRASES[name], ctx))
        return await ctx.start(flow)

    async def _cancel(self, ctx: Ctx) -> list[Reply]:
        had_flow = ctx.state.flow is not None
        ctx.clear()
        text = ctx.t("Cancelled.") if had_flow else ctx.t("There is nothing to cancel.")
        return [Reply(text=text, buttons=menu.main_buttons(ctx))]

    async def _intent(self, ctx: Ctx, parse: ParseResult) -> list[Reply]:
        name, confidence = parse["intent"]["name"], parse["intent"]["confidence"]
        if name == "greet":
            if not ctx.onboarded:
                return await ctx.start(Flow.ONBOARDING)
            return [Reply(text=ctx.t("Hello! What shall we do?"), buttons=menu.main_buttons(ctx))]
        if name in ("affirm", "deny"):
            return await self._cancel(ctx) if name == "deny" else self._reprompt(ctx) or await ctx.start(Flow.MENU)
        flow = INTENT_FLOWS.get(name)
        if flow is None or confidence < MIN_CONFIDENCE:
            return self._clarify(ctx, parse)
        return await ctx.start(flow, parse)

    def _clarify(self, ctx: Ctx, parse: ParseResult) -> list[Reply]:
        actions: list[str] = []
        for item in parse["intent_ranking"]:
            action = SUGGESTIONS.get(item["name"])
            if action and action not in actions:
                actions.append(action)
        for action in ("inc", "tax", "hlp"):
            if action not in actions:
                actions.append(action)
        text = ctx.t("I did not quite understand. Did you mean one of these?")
        return [Reply(text=text, buttons=menu.buttons(ctx, *actions[:3]))]


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Dialog slots are JSON: dates and decimals are stored as strings by the flows already; this guards it."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out[key] = _jsonable(value)
        elif isinstance(value, dt.date | dt.datetime):
            out[key] = value.isoformat()
        elif value is None or isinstance(value, str | int | float | bool | list):
            out[key] = value
        else:
            out[key] = str(value)
    return out
