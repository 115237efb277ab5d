"""Text messages (and a sticker, as its emoji) go to the engine as ``TextEvent``."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import Message, Update

from bot.telegram.events import text_event
from bot.telegram.frontend import FrontEnd


def router() -> Router:
    r = Router(name="messages")

    @r.message(F.text)
    async def on_text(message: Message, bot: Bot, front: FrontEnd, event_update: Update) -> None:
        if message.from_user is None or message.text is None:
            return
        event = text_event(event_update.update_id, message, message.from_user, message.text)
        await front.handle(bot, event, message.chat.id, incoming_message_id=message.message_id)

    @r.message(F.sticker)
    async def on_sticker(message: Message, bot: Bot, front: FrontEnd, event_update: Update) -> None:
        if message.from_user is None or message.sticker is None:
            return
        emoji = message.sticker.emoji or "🙂"
        await front.handle(bot, text_event(event_update.update_id, message, message.from_user, emoji), message.chat.id)

    return r
