"""Commands (``/start``, ``/help``, …) go to the engine as text; ``/start@bot_name`` loses its bot suffix."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import Message, Update

from bot.telegram.events import text_event
from bot.telegram.frontend import FrontEnd


def normalise_command(text: str) -> str:
    head, sep, rest = text.partition(" ")
    return head.split("@", 1)[0] + sep + rest


def router() -> Router:
    r = Router(name="commands")

    @r.message(F.text.startswith("/"))
    async def on_command(message: Message, bot: Bot, front: FrontEnd, event_update: Update) -> None:
        if message.from_user is None or message.text is None:
            return
        event = text_event(event_update.update_id, message, message.from_user, normalise_command(message.text))
        await front.handle(bot, event, message.chat.id, incoming_message_id=message.message_id)

    return r
