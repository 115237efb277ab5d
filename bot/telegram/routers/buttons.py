"""Inline button presses: ``ButtonEvent`` to the engine, the callback answered (with the reply's notice), then the
replies rendered — ``edit=True`` edits the pressed message.

The callback is answered even when the engine returns nothing (a button from another user's chat, a double tap), so
the client's spinner stops; a stale query ("query is too old") is not an error worth an apology.
"""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Update

from bot.telegram.events import button_event
from bot.telegram.frontend import FrontEnd

log = logging.getLogger(__name__)


def router() -> Router:
    r = Router(name="buttons")

    @r.callback_query()
    async def on_button(callback: CallbackQuery, bot: Bot, front: FrontEnd, event_update: Update) -> None:
        event = button_event(event_update.update_id, callback, front.now())
        replies = await front.ask(event)
        notice = next((reply.notice for reply in replies if reply.notice), None)
        try:
            await bot.answer_callback_query(callback.id, text=notice)
        except TelegramBadRequest as exc:
            log.info("callback %s not answered: %s", callback.id, exc.message)
        if not replies:
            return
        own_message = callback.message is not None and callback.message.chat.id == callback.from_user.id
        edit_id = callback.message.message_id if own_message and callback.message is not None else None
        await front.deliver(bot, callback.from_user.id, replies, event_id=event.event_id, edit_message_id=edit_id)

    return r
