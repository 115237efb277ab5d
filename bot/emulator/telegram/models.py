"""The emulator's records: simulated users, chats with their history, stored files. Messages are Bot API dicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

JsonDict = dict[str, Any]


@dataclass
class SimUser:
    """A simulated Telegram user; their private chat has the same id."""

    id: int
    first_name: str
    language_code: str = "ru"
    username: str | None = None

    def as_api(self) -> JsonDict:
        user: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            user["username"] = self.username
        user["language_code"] = self.language_code
        return user

    def as_chat(self) -> JsonDict:
        chat: JsonDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass
class ChatEntry:
    """One item of a chat's history: a message (kept current after edits) or a callback answer shown as a toast."""

    kind: Literal["message", "toast"]
    from_bot: bool
    message: JsonDict | None = None
    toast: JsonDict | None = None
    deleted: bool = False


@dataclass
class Chat:
    """A private chat between the bot and one simulated user."""

    user: SimUser
    history: list[ChatEntry] = field(default_factory=list)
    messages: dict[int, ChatEntry] = field(default_factory=dict)
    reply_keyboard: JsonDict | None = None
    last_message_id: int = 0

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id


@dataclass(frozen=True)
class StoredFile:
    """A file uploaded by the bot or by a user, downloadable through ``/file/bot<token>/<file_path>``."""

    file_id: str
    file_unique_id: str
    file_path: str
    filename: str
    mime_type: str
    content: bytes
    width: int = 0
    height: int = 0

    def as_file(self) -> JsonDict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "file_path": self.file_path,
        }

    def as_document(self) -> JsonDict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.filename,
            "mime_type": self.mime_type,
            "file_size": len(self.content),
        }

    def as_photo(self) -> list[JsonDict]:
        size = {"file_id": self.file_id, "file_unique_id": self.file_unique_id, "file_size": len(self.content)}
        return [{**size, "width": self.width, "height": self.height}]
