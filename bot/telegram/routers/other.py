"""Any other message (location, contact, poll, …): a short note on what the bot understands."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import Message

from bot.telegram.texts import language_of, text


def router() -> Router:
    r = Router(name="other")

    @r.message()
    async def on_other(message: Message, bot: Bot) -> None:
        lang = language_of(message.from_user.language_code if message.from_user else None)
        await bot.send_message(message.chat.id, text("unsupported", lang))

    return r
