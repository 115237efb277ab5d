"""What every flow gets (``Ctx``) and implements (``FlowHandler``)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dialogs.clock import kz_today
from dialogs.contract import Button, FileEvent, Reply
from dialogs.i18n import Lang, Translator
from dialogs.payloads import PayloadCodec
from dialogs.ports import DialogSnapshot, ProfileData, Services, Store, UserRef
from nlu.types import ParseResult


@dataclass
class Ctx:
    """One event's context: the user, storage (this event's transaction), services, the dialog state."""

    user: UserRef
    store: Store
    services: Services
    codec: PayloadCodec
    state: DialogSnapshot
    now: dt.datetime
    profile: ProfileData | None
    lang: Lang
    flows: Mapping[str, FlowHandler] = field(default_factory=dict)
    erased: bool = False

    def t(self, message: str, **params: object) -> str:
        return Translator(self.lang).t(message, **params)

    @property
    def today(self) -> dt.date:
        return kz_today(self.now)

    @property
    def onboarded(self) -> bool:
        return self.profile is not None and self.profile.onboarded

    def button(self, text: str, flow: str, action: str, arg: str = "") -> Button:
        return Button(text, self.codec.encode(self.user.user_id, flow, action, arg))

    def go(self, flow: str | None, step: str | None, **data: Any) -> None:
        """Move to ``flow``/``step``; ``data`` replaces the slots when given."""
        self.state.flow, self.state.step = flow, step
        if data or flow is None:
            self.state.data = dict(data)

    def clear(self) -> None:
        self.go(None, None)

    async def start(self, flow: str, parse: ParseResult | None = None) -> list[Reply]:
        return await self.flows[flow].start(self, parse)

    async def save_profile(self, profile: ProfileData) -> None:
        self.profile = profile
        await self.store.save_profile(self.user.user_id, profile)


def new_token() -> str:
    """A short random id for a draft (its idempotency key and the arg of its buttons)."""
    return secrets.token_urlsafe(6)


class FlowHandler:
    """A flow: ``start`` on entry, ``on_text`` for the steps in ``text_steps``, ``on_button`` for its payloads."""

    name: str = ""
    text_steps: frozenset[str] = frozenset()
    #: text steps whose answer is a secret (a key's password): the engine hands the raw text to ``on_secret`` —
    #: no NLU, no commands, no link codes, nothing that could echo or log it
    secret_steps: frozenset[str] = frozenset()
    #: text steps whose question is yes/no: a «нет» there is an answer, not /cancel
    yes_no_steps: frozenset[str] = frozenset()

    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        raise NotImplementedError

    async def on_text(self, ctx: Ctx, text: str, parse: ParseResult) -> list[Reply]:
        return await self.start(ctx, parse)

    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        return await self.start(ctx, None)

    async def on_secret(self, ctx: Ctx, text: str) -> list[Reply] | None:
        """The raw text of a message sent while a step in ``secret_steps`` waits; ``None`` when it turns out not
        to be the secret (the engine then routes it as any message)."""
        return await self.start(ctx, None)

    async def on_file(self, ctx: Ctx, event: FileEvent) -> list[Reply] | None:
        """A file from the user: replies when this flow takes it (its step waits for one, or the file is of a
        kind the flow recognises), ``None`` to let the engine offer it elsewhere."""
        return None

    def prompt(self, ctx: Ctx) -> Reply | None:
        """The question of the current step again (after an answer the step could not take)."""
        return None


def entity(parse: ParseResult | None, name: str) -> str | None:
    """The first value of entity ``name`` in a parse."""
    if parse is None:
        return None
    for item in parse["entities"]:
        if item["entity"] == name:
            return str(item["value"])
    return None


def outdated(ctx: Ctx) -> list[Reply]:
    """The answer to a button of a finished or replaced step."""
    text = ctx.t("This button is no longer active.")
    return [Reply(text=text, notice=text)]
