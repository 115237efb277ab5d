"""The Telegram emulator as a web chat channel: its chats mapped to the page's views."""

from __future__ import annotations

from typing import Any

from bot.emulator.telegram import ChatEntry, TelegramEmulator, UserSideError
from bot.emulator.telegram.limits import split_like_client
from bot.webchat.channel import ButtonView, CommandView, EntityView, EntryView, FileContent, HistoryView, UserView

LANGUAGES = ("ru", "kk")


class TelegramWebChannel:
    """``WebChatChannel`` over a ``TelegramEmulator``; chat ids are the users' ids as strings."""

    name = "telegram"
    title = "Telegram"

    def __init__(self, emulator: TelegramEmulator) -> None:
        self.emulator = emulator

    @property
    def version(self) -> int:
        return self.emulator.changes.version

    def users(self) -> list[UserView]:
        return [_user_view(chat.user) for chat in self.emulator.chats.values()]

    def create_user(self, name: str, language: str) -> UserView:
        user = self.emulator.create_user(name.strip()[:64] or "Тест", _language(language))
        return _user_view(user)

    def set_language(self, chat_id: str, language: str) -> UserView:
        user = self.emulator.user_chat(_chat_id(chat_id)).user
        user.language_code = _language(language)
        self.emulator.changes.notify()
        return _user_view(user)

    def send_text(self, chat_id: str, text: str) -> None:
        chat = _chat_id(chat_id)
        if not text.strip():
            raise UserSideError("empty message")
        for chunk in split_like_client(text, self.emulator.limits.max_text):
            self.emulator.send_text(chat, chunk)

    def press(self, chat_id: str, message_id: str, data: str) -> None:
        self.emulator.press_button(_chat_id(chat_id), _chat_id(message_id), data)

    def send_file(self, chat_id: str, filename: str, content: bytes, mime_type: str, caption: str | None) -> None:
        self.emulator.send_file(_chat_id(chat_id), filename, content, mime_type, caption=caption)

    def history(self, chat_id: str) -> HistoryView:
        chat = self.emulator.user_chat(_chat_id(chat_id))
        entries = [view for i, e in enumerate(chat.history) if (view := _entry_view(i, e)) is not None]
        keyboard = chat.reply_keyboard
        rows = [[_button_text(b) for b in row] for row in keyboard.get("keyboard", [])] if keyboard else None
        return {
            "version": self.version,
            "entries": entries,
            "reply_keyboard": rows,
            "commands": self._commands(chat_id),
        }

    def file(self, file_id: str) -> FileContent | None:
        stored = self.emulator.stored_file(file_id)
        if stored is None:
            return None
        return {"name": stored.filename, "mime_type": stored.mime_type, "content": stored.content}

    async def wait_changed(self, since: int, timeout: float) -> int:  # noqa: ASYNC109 - a long-poll duration
        return await self.emulator.changes.wait(since, timeout)

    def _commands(self, chat_id: str) -> list[CommandView]:
        language = self.emulator.user_chat(_chat_id(chat_id)).user.language_code
        commands = self.emulator.commands
        found = commands.get(("default", language)) or commands.get(("default", ""), [])
        return [{"command": c["command"], "description": c["description"]} for c in found]


def _chat_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise UserSideError(f"bad id {value!r}") from None


def _language(value: str) -> str:
    if value not in LANGUAGES:
        raise UserSideError(f"language must be one of {', '.join(LANGUAGES)}")
    return value


def _user_view(user: Any) -> UserView:
    return {"id": str(user.id), "name": user.first_name, "language": user.language_code}


def _button_text(button: Any) -> str:
    return str(button.get("text", "")) if isinstance(button, dict) else str(button)


def _entry_view(index: int, entry: ChatEntry) -> EntryView | None:
    if entry.kind == "toast":
        toast = entry.toast or {}
        if not toast.get("text"):
            return None  # answered without text: nothing to show
        view = _blank(f"t{index}", "toast", "bot")
        view["text"] = str(toast["text"])
        view["alert"] = bool(toast.get("show_alert"))
        return view
    message = entry.message
    if message is None or entry.deleted:
        return None
    view = _blank(f"m{message['message_id']}", "message", "bot" if entry.from_bot else "user")
    view["message_id"] = str(message["message_id"])
    view["text"] = message.get("text")
    view["caption"] = message.get("caption")
    view["entities"] = _entities(message.get("entities"))
    view["caption_entities"] = _entities(message.get("caption_entities"))
    view["edited"] = "edit_date" in message
    view["buttons"] = _buttons(message.get("reply_markup"))
    if document := message.get("document"):
        view["document"] = {
            "name": document.get("file_name", "file"),
            "size": document.get("file_size", 0),
            "mime_type": document.get("mime_type", "application/octet-stream"),
            "url": f"/webchat/api/telegram/files/{document['file_id']}",
        }
    if photos := message.get("photo"):
        best = photos[-1]
        view["photo"] = {
            "url": f"/webchat/api/telegram/files/{best['file_id']}",
            "width": best.get("width", 0),
            "height": best.get("height", 0),
        }
    return view


def _entities(raw: Any) -> list[EntityView]:
    views: list[EntityView] = []
    for entity in raw or []:
        view: EntityView = {
            "type": str(entity["type"]),
            "offset": int(entity["offset"]),
            "length": int(entity["length"]),
        }
        if "url" in entity:
            view["url"] = str(entity["url"])
        views.append(view)
    return views


def _buttons(markup: Any) -> list[list[ButtonView]]:
    if not isinstance(markup, dict):
        return []
    rows: list[list[ButtonView]] = []
    for row in markup.get("inline_keyboard", []):
        views: list[ButtonView] = []
        for button in row:
            view: ButtonView = {"text": str(button.get("text", ""))}
            if "callback_data" in button:
                view["data"] = str(button["callback_data"])
            if "url" in button:
                view["url"] = str(button["url"])
            views.append(view)
        rows.append(views)
    return rows


def _blank(entry_id: str, kind: str, sender: str) -> EntryView:
    return {
        "id": entry_id,
        "kind": kind,
        "sender": sender,
        "message_id": None,
        "text": None,
        "entities": [],
        "caption": None,
        "caption_entities": [],
        "buttons": [],
        "document": None,
        "photo": None,
        "edited": False,
        "alert": False,
    }
