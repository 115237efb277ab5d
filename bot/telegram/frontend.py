"""The Telegram front end's injected service: the engine, the outbox for deferred replies, and the limits."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramServerError,
)

from bot.outbox.protocol import OutboxWriter
from bot.telegram.delivery import ReplyDelivery
from bot.telegram.render import TelegramRenderer
from bot.telegram.texts import language_of, text
from dialogs.contract import DialogEngine, InputEvent, Reply

#: Default cap on a downloaded file (Telegram's cloud Bot API serves files up to 20 MB).
DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024

Now = Callable[[], dt.datetime]
log = logging.getLogger(__name__)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(slots=True)
class FrontEnd:
    """Passed to every handler as ``front`` through the dispatcher's workflow data."""

    engine: DialogEngine
    outbox: OutboxWriter | None = None
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    #: the time of a button press (Telegram gives none); messages carry their own date
    now: Now = field(default=utcnow)

    async def ask(self, event: InputEvent) -> Sequence[Reply]:
        """The engine's replies (the engine never raises by contract; if it does, the error net answers)."""
        return await self.engine.handle(event)

    async def deliver(
        self, bot: Bot, chat_id: int, replies: Sequence[Reply], *, event_id: str, edit_message_id: int | None = None
    ) -> list[int]:
        delivery = ReplyDelivery(TelegramRenderer(bot), self.outbox, self.now)
        return await delivery.deliver(chat_id, replies, event_id=event_id, edit_message_id=edit_message_id)

    async def handle(
        self, bot: Bot, event: InputEvent, chat_id: int, *, incoming_message_id: int | None = None
    ) -> list[int]:
        """Ask the engine and send what it says; first delete the user's message when a reply asks
        (``Reply.delete_incoming``: a key file, a password)."""
        replies = await self.ask(event)
        if incoming_message_id is not None and any(r.delete_incoming for r in replies):
            deleted = await delete_incoming(bot, chat_id, incoming_message_id)
            if not deleted:  # the user is asked to delete it: the secret must not stay in the chat
                replies = [*replies, Reply(text=text("delete_yourself", language_of(event.chat.language_code)))]
        return await self.deliver(bot, chat_id, replies, event_id=event.event_id)


async def delete_incoming(bot: Bot, chat_id: int, message_id: int) -> bool:
    """Delete a user's message (a bot may, in a private chat, for 48 hours); False when Telegram refuses."""
    try:
        return bool(await bot.delete_message(chat_id, message_id))
    except (TelegramBadRequest, TelegramForbiddenError, TelegramNetworkError, TelegramServerError) as exc:
        log.warning("message %s not deleted: %s", message_id, type(exc).__name__)
        return False
