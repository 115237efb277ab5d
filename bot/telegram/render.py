"""Rendering a ``Reply`` on Telegram: text with an inline keyboard, edits of the pressed message, attachments.

A reply becomes a list of steps, one Bot API call each (text chunks of ≤ 4 096 characters with the keyboard on the
last one, or one edit, then one ``sendPhoto``/``sendDocument`` per attachment). When Telegram answers a step with 429,
``RenderInterrupted`` carries ``retry_after`` and the *rest* of the reply as a new ``Reply``, so whoever queues it
sends only what has not gone out yet.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from dialogs.contract import Attachment, Button, Reply

log = logging.getLogger(__name__)

#: Telegram's limits on message text and media captions.
MAX_TEXT = 4096
MAX_CAPTION = 1024
#: how long to wait before retrying after a network error or a 5xx (the outbox backs off further if it repeats)
TRANSIENT_RETRY_SECONDS = 5.0


class RenderInterrupted(Exception):  # noqa: N818 — a control signal, not an error
    """Telegram said "too many requests" part-way (or could not be reached: ``transient``): ``remainder`` is what is
    still to send, ``sent`` the ids of what went."""

    def __init__(self, retry_after: float, remainder: Reply, sent: list[int], *, transient: bool = False) -> None:
        super().__init__(f"{'unreachable' if transient else 'too many requests'}: retry after {retry_after} s")
        self.retry_after = retry_after
        self.remainder = remainder
        self.sent = sent
        self.transient = transient


def keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """The inline keyboard for a reply's button rows (``None`` when there are none)."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=b.text, callback_data=b.payload) for b in row] for row in rows]
    )


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split a long text into chunks of at most ``limit`` characters, at a paragraph, line or space when possible."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        cut = cut if cut > limit // 2 else limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not chunks:
        chunks.append(rest)
    return chunks


@dataclass(frozen=True, slots=True)
class _Step:
    kind: str  # "text" | "edit" | "attachment"
    text: str = ""
    with_buttons: bool = False
    attachment: Attachment | None = None


def _steps(reply: Reply, edit_message_id: int | None) -> list[_Step]:
    steps: list[_Step] = []
    if reply.edit and edit_message_id is not None and len(reply.text) <= MAX_TEXT:
        steps.append(_Step("edit", reply.text, with_buttons=True))
    elif reply.text:
        chunks = split_text(reply.text)
        steps += [_Step("text", c, with_buttons=i == len(chunks) - 1) for i, c in enumerate(chunks)]
    steps += [_Step("attachment", attachment=a) for a in reply.attachments]
    if not steps and reply.buttons:  # buttons with no text: Telegram needs some text
        steps.append(_Step("text", "⬇️", with_buttons=True))
    return steps


def _remainder(reply: Reply, steps: list[_Step]) -> Reply:
    texts = [s.text for s in steps if s.kind == "text"]
    return replace(
        reply,
        text="\n".join(texts),
        buttons=reply.buttons if any(s.with_buttons for s in steps) else (),
        attachments=tuple(s.attachment for s in steps if s.attachment is not None),
        edit=False,
    )


class TelegramRenderer:
    """Sends replies to one chat with one bot; returns the ids of the messages it sent or edited."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def render(self, chat_id: int, reply: Reply, *, edit_message_id: int | None = None) -> list[int]:
        steps = _steps(reply, edit_message_id if reply.edit else None)
        sent: list[int] = []
        for index, step in enumerate(steps):
            try:
                sent.append(await self._run(chat_id, reply, step, edit_message_id))
            except TelegramRetryAfter as exc:
                raise RenderInterrupted(float(exc.retry_after), _remainder(reply, steps[index:]), sent) from exc
            except (TelegramNetworkError, TelegramServerError) as exc:
                rest = _remainder(reply, steps[index:])
                raise RenderInterrupted(TRANSIENT_RETRY_SECONDS, rest, sent, transient=True) from exc
        return sent

    async def _run(self, chat_id: int, reply: Reply, step: _Step, edit_message_id: int | None) -> int:
        markup = keyboard(reply.buttons) if step.with_buttons else None
        if step.kind == "edit" and edit_message_id is not None:
            return await self._edit(chat_id, edit_message_id, step.text, markup)
        if step.kind == "attachment" and step.attachment is not None:
            return await self._attach(chat_id, step.attachment)
        message = await self.bot.send_message(chat_id, step.text, reply_markup=markup)
        return message.message_id

    async def _edit(self, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None) -> int:
        try:
            if text:
                await self.bot.edit_message_text(
                    text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup
                )
            else:
                await self.bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=markup)
            return message_id
        except TelegramBadRequest as exc:
            if "not modified" in exc.message.lower():
                return message_id  # a double tap: the message already shows this
            if not text:
                raise
            log.info("edit of message %s failed (%s); sending a new message", message_id, exc.message)
            message = await self.bot.send_message(chat_id, text, reply_markup=markup)
            return message.message_id

    async def _attach(self, chat_id: int, attachment: Attachment) -> int:
        file = BufferedInputFile(attachment.content, filename=attachment.file_name)
        caption = attachment.caption[:MAX_CAPTION] if attachment.caption else None
        if attachment.kind == "image":
            message = await self.bot.send_photo(chat_id, file, caption=caption)
        else:
            message = await self.bot.send_document(chat_id, file, caption=caption)
        return message.message_id
