"""What the web chat needs from a channel emulator; Telegram's now, WhatsApp's later, behind one protocol.

The page only sees these JSON views, so a channel whose buttons or media differ (WhatsApp's reply buttons and lists)
maps them to the same shapes.
"""

from __future__ import annotations

from typing import Protocol, TypedDict


class UserView(TypedDict):
    id: str
    name: str
    language: str


class ButtonView(TypedDict, total=False):
    text: str
    data: str  # pressed → the bot gets it back (Telegram callback_data)
    url: str  # opened in a new tab


class EntityView(TypedDict, total=False):
    """Formatting of a span of text; offsets in UTF-16 code units (JavaScript string indices)."""

    type: str  # bold, italic, underline, strikethrough, spoiler, code, pre, text_link, blockquote, …
    offset: int
    length: int
    url: str


class FileView(TypedDict):
    name: str
    size: int
    mime_type: str
    url: str


class PhotoView(TypedDict):
    url: str
    width: int
    height: int


class EntryView(TypedDict):
    id: str
    kind: str  # "message" | "toast"
    sender: str  # "user" | "bot"
    message_id: str | None
    text: str | None
    entities: list[EntityView]
    caption: str | None
    caption_entities: list[EntityView]
    buttons: list[list[ButtonView]]
    document: FileView | None
    photo: PhotoView | None
    edited: bool
    alert: bool


class CommandView(TypedDict):
    command: str
    description: str


class HistoryView(TypedDict):
    version: int
    entries: list[EntryView]
    reply_keyboard: list[list[str]] | None
    commands: list[CommandView]


class FileContent(TypedDict):
    name: str
    mime_type: str
    content: bytes


class WebChatChannel(Protocol):
    """A channel as the page drives it: a simulated user's side of the conversation. Errors: ``ValueError``."""

    @property
    def name(self) -> str: ...  # URL segment: "telegram"

    @property
    def title(self) -> str: ...

    @property
    def version(self) -> int: ...  # moves on every change of any chat

    def users(self) -> list[UserView]: ...

    def create_user(self, name: str, language: str) -> UserView: ...

    def set_language(self, chat_id: str, language: str) -> UserView: ...

    def send_text(self, chat_id: str, text: str) -> None: ...

    def press(self, chat_id: str, message_id: str, data: str) -> None: ...

    def send_file(self, chat_id: str, filename: str, content: bytes, mime_type: str, caption: str | None) -> None: ...

    def history(self, chat_id: str) -> HistoryView: ...

    def file(self, file_id: str) -> FileContent | None: ...

    async def wait_changed(self, since: int, timeout: float) -> int: ...  # noqa: ASYNC109 - a long-poll duration
