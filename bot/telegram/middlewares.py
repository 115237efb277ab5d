"""Outer middlewares on every update: the error net (apology + correlation id) and a cheap redelivery filter.

The error net catches anything a handler raises (a renderer bug, a network error on ``sendMessage``): it logs one
line with a correlation id and the update id — the full traceback goes to the log only, never to the chat — and sends
the user a short apology in their language with the same id, so support can find the log line.
"""

from __future__ import annotations

import logging
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update, User

from bot.telegram.texts import language_of, text

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def new_correlation_id() -> str:
    return secrets.token_hex(6)


def apology(language_code: str | None, cid: str) -> str:
    """The engine's own apology from the dialogs' catalogs (the same words as its failures), with our code."""
    try:
        from dialogs.engine import APOLOGY
        from dialogs.i18n import normalise_lang, t

        return t(normalise_lang(language_code), APOLOGY, code=cid)
    except Exception:  # a broken catalog must not stop the apology
        return text("apology", language_of(language_code), cid=cid)


def _user_of(update: Update) -> User | None:
    if update.message is not None:
        return update.message.from_user
    if update.callback_query is not None:
        return update.callback_query.from_user
    return None


class ErrorMiddleware(BaseMiddleware):
    """Any failure → a log line with a correlation id, and an apology in the user's language."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except Exception:
            cid = new_correlation_id()
            update_id = event.update_id if isinstance(event, Update) else None
            log.exception("update %s failed [cid=%s]", update_id, cid)
            user = _user_of(event) if isinstance(event, Update) else None
            bot = data.get("bot")
            if user is not None and isinstance(bot, Bot):
                await self._apologise(bot, user, cid)
            return None

    @staticmethod
    async def _apologise(bot: Bot, user: User, cid: str) -> None:
        try:
            await bot.send_message(user.id, apology(user.language_code, cid))
        except Exception as exc:  # the apology itself failed (Telegram down): the log line is all we can do
            log.warning("apology for [cid=%s] not sent: %s", cid, type(exc).__name__)


class RecentUpdatesMiddleware(BaseMiddleware):
    """Drops an update id seen moments ago (a webhook retry, a polling overlap) before it reaches any handler.

    Only a cheap first line: the engine's durable dedupe of ``event_id`` is what guarantees no second effect across
    restarts and processes."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._seen: OrderedDict[int, None] = OrderedDict()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Update):
            if event.update_id in self._seen:
                log.info("update %s redelivered; ignored", event.update_id)
                return None
            self._seen[event.update_id] = None
            if len(self._seen) > self.size:
                self._seen.popitem(last=False)
        return await handler(event, data)
