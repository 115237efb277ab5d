"""Documents, photos and other media go to the engine as ``FileEvent``, downloaded with a size cap.

A file over the cap is answered here (the engine never sees it): the size Telegram reports is checked before any
download, and the download itself stops at the cap in case the reported size was wrong.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from aiogram import Bot, F, Router
from aiogram.types import Message, Update

from bot.telegram.events import file_event
from bot.telegram.frontend import FrontEnd
from bot.telegram.texts import language_of, text


@dataclass(frozen=True, slots=True)
class IncomingFile:
    file_id: str
    file_name: str
    mime_type: str
    size: int | None


def incoming_file(message: Message) -> IncomingFile | None:
    """The one file a message carries, with a name and a MIME type even when Telegram gives none."""
    if message.document is not None:
        d = message.document
        mime = d.mime_type or "application/octet-stream"
        return IncomingFile(d.file_id, d.file_name or "document", mime, d.file_size)
    if message.photo:
        p = message.photo[-1]  # the largest size
        return IncomingFile(p.file_id, f"photo_{p.file_unique_id}.jpg", "image/jpeg", p.file_size)
    for media, default_name, default_mime in (
        (message.audio, "audio", "audio/mpeg"),
        (message.voice, "voice.ogg", "audio/ogg"),
        (message.video, "video.mp4", "video/mp4"),
        (message.video_note, "video_note.mp4", "video/mp4"),
        (message.animation, "animation.mp4", "video/mp4"),
    ):
        if media is not None:
            name = getattr(media, "file_name", None) or default_name
            mime = getattr(media, "mime_type", None) or default_mime
            return IncomingFile(media.file_id, name, mime, media.file_size)
    return None


class _Capped(io.BytesIO):
    """A download destination that refuses to grow past the cap."""

    def __init__(self, cap: int) -> None:
        super().__init__()
        self.cap = cap

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.tell() + len(data) > self.cap:
            raise FileTooBigError
        return super().write(data)


class FileTooBigError(Exception):
    pass


def router() -> Router:
    r = Router(name="files")

    @r.message(F.document | F.photo | F.audio | F.voice | F.video | F.video_note | F.animation)
    async def on_file(message: Message, bot: Bot, front: FrontEnd, event_update: Update) -> None:
        user = message.from_user
        incoming = incoming_file(message)
        if user is None or incoming is None:
            return
        lang = language_of(user.language_code)
        too_big = text("file_too_big", lang, mb=front.max_file_bytes // (1024 * 1024))
        if incoming.size is not None and incoming.size > front.max_file_bytes:
            await bot.send_message(message.chat.id, too_big)
            return
        destination = _Capped(front.max_file_bytes)
        try:
            await bot.download(incoming.file_id, destination=destination)
        except FileTooBigError:
            await bot.send_message(message.chat.id, too_big)
            return
        event = file_event(
            event_update.update_id,
            message,
            user,
            file_name=incoming.file_name,
            mime_type=incoming.mime_type,
            content=destination.getvalue(),
        )
        await front.handle(bot, event, message.chat.id, incoming_message_id=message.message_id)

    return r
