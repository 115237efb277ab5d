"""Telegram objects → the channel-agnostic input events of ``dialogs.contract``.

``event_id`` is the update id as a string: a redelivered update carries the same id, so the engine's dedupe makes it
have no second effect. ``chat_id`` is the Telegram user's id — the bot serves private chats only, where chat id and
user id coincide, and for a button press it is the presser, not the owner of the message holding the button.
"""

from __future__ import annotations

import datetime as dt

from aiogram.types import CallbackQuery, Message, User

from dialogs.contract import ButtonEvent, ChatRef, FileEvent, TextEvent


def chat_ref(user: User) -> ChatRef:
    """Who wrote, as the contract's ``ChatRef``."""
    name = " ".join(p for p in (user.first_name, user.last_name) if p) or None
    return ChatRef(
        channel="telegram",
        chat_id=str(user.id),
        language_code=user.language_code,
        username=user.username,
        display_name=name,
    )


def _received_at(message: Message | None) -> dt.datetime:
    if message is not None and isinstance(message.date, dt.datetime) and message.date.timestamp() > 0:
        return message.date.astimezone(dt.UTC)
    return dt.datetime.now(dt.UTC)


def text_event(update_id: int, message: Message, user: User, text: str) -> TextEvent:
    """A text (or command, or sticker's emoji) message."""
    return TextEvent(chat=chat_ref(user), text=text, event_id=str(update_id), received_at=_received_at(message))


def button_event(update_id: int, callback: CallbackQuery, now: dt.datetime) -> ButtonEvent:
    """A press on an inline button; ``message_ref`` is the id of the message holding it."""
    message_ref = str(callback.message.message_id) if callback.message is not None else None
    return ButtonEvent(
        chat=chat_ref(callback.from_user),
        payload=callback.data or "",
        event_id=str(update_id),
        received_at=now,
        message_ref=message_ref,
    )


def file_event(
    update_id: int, message: Message, user: User, *, file_name: str, mime_type: str, content: bytes
) -> FileEvent:
    """A document or photo, already downloaded."""
    return FileEvent(
        chat=chat_ref(user),
        file_name=file_name,
        mime_type=mime_type,
        content=content,
        event_id=str(update_id),
        received_at=_received_at(message),
        caption=message.caption,
    )
