"""The WhatsApp emulator as a web chat channel: its chats mapped to the page's views, within WhatsApp's limits.

Reply buttons (≤ 3) show on one row; a list message shows its rows one per line under the list's label; numbered
choices are plain text (the person types the number); a template shows its rendered body and its name. The page
gets the channel's constraints from the ``kind`` of each message (``ButtonView.text`` of a list row carries its
description).
"""

from __future__ import annotations

from typing import Any

from bot.emulator.whatsapp import UserSideError, WaEntry, WhatsAppEmulator, choices_of
from bot.webchat.channel import ButtonView, EntryView, FileContent, HistoryView, UserView

LANGUAGES = ("ru", "kk")
FILES = "/webchat/api/whatsapp/files"


class WhatsAppWebChannel:
    """``WebChatChannel`` over a ``WhatsAppEmulator``; chat ids are the users' BSUIDs (or phones)."""

    name = "whatsapp"
    title = "WhatsApp"

    def __init__(self, emulator: WhatsAppEmulator) -> None:
        self.emulator = emulator

    @property
    def version(self) -> int:
        return self.emulator.changes.version

    def users(self) -> list[UserView]:
        return [_user_view(chat.user) for chat in self.emulator.chats.values()]

    def create_user(self, name: str, language: str) -> UserView:
        return _user_view(self.emulator.create_user(name.strip()[:64] or "Тест", _language(language)))

    def set_language(self, chat_id: str, language: str) -> UserView:
        user = self.emulator.chat(chat_id).user
        user.language = _language(language)  # WhatsApp sends no language: the bot asks; this is the page's
        self.emulator.changes.notify()
        return _user_view(user)

    def send_text(self, chat_id: str, text: str) -> None:
        if not text.strip():
            raise UserSideError("empty message")
        if len(text) > 4096:
            raise UserSideError("WhatsApp messages are up to 4096 characters")
        self.emulator.send_text(chat_id, text)

    def press(self, chat_id: str, message_id: str, data: str) -> None:
        self.emulator.press(chat_id, message_id, data)

    def send_file(self, chat_id: str, filename: str, content: bytes, mime_type: str, caption: str | None) -> None:
        try:
            self.emulator.send_file(chat_id, filename, content, mime_type, caption)
        except Exception as exc:  # the emulator's Graph errors are bad input here
            raise UserSideError(str(exc)) from None

    def history(self, chat_id: str) -> HistoryView:
        chat = self.emulator.chat(chat_id)
        if any(e.from_bot and e.status != "read" for e in chat.history):
            self.emulator.read(chat_id)  # the person has the chat open: blue ticks, as on a phone
        entries = [self._entry_view(entry) for entry in chat.history]
        return {"version": self.version, "entries": entries, "reply_keyboard": None, "commands": []}

    def file(self, file_id: str) -> FileContent | None:
        found = self.emulator.media_store.get(file_id)
        if found is None:
            return None
        return {"name": found.filename, "mime_type": found.mime_type, "content": found.content}

    async def wait_changed(self, since: int, timeout: float) -> int:  # noqa: ASYNC109 - a long-poll duration
        return await self.emulator.changes.wait(since, timeout)

    def _entry_view(self, entry: WaEntry) -> EntryView:
        message = entry.message
        kind = str(message.get("type"))
        view = _blank(entry.wamid, "bot" if entry.from_bot else "user")
        if kind == "text":
            view["text"] = str(message["text"]["body"])
        elif kind == "interactive" and not entry.from_bot:  # the user's tap: shown as its title
            reply = message["interactive"].get(message["interactive"].get("type"), {})
            view["text"] = str(reply.get("title", ""))
        elif kind == "interactive":
            interactive = message["interactive"]
            view["text"] = str(interactive["body"]["text"])
            choices = [_button(c) for c in choices_of(message)]
            if interactive["type"] == "list":
                view["caption"] = f"☰ {interactive['action']['button']}"
                view["buttons"] = [[choice] for choice in choices]
            else:
                view["buttons"] = [choices]
        elif kind == "template":
            view["text"], view["caption"] = self._template_text(message)
            view["buttons"] = [[_button(c) for c in choices_of(message, self.emulator.templates)]]
        elif kind == "button":
            view["text"] = str(message["button"].get("text", ""))
        elif kind in ("document", "image"):
            self._media(view, kind, message[kind])
        if view["buttons"] == [[]]:
            view["buttons"] = []
        return view

    def _template_text(self, message: dict[str, Any]) -> tuple[str, str]:
        spec = message["template"]
        template = self.emulator.templates.get(spec["name"], spec["language"]["code"])
        body: dict[str, Any] = next(
            (c for c in spec.get("components", []) if c.get("type") == "body"), {"parameters": []}
        )
        values = [str(p.get("text", "")) for p in body.get("parameters", [])]
        text = template.render(values) if template is not None else ""
        return text, f"шаблон / үлгі: {spec['name']} ({spec['language']['code']})"

    def _media(self, view: EntryView, kind: str, media: dict[str, Any]) -> None:
        stored = self.emulator.media_store.get(str(media.get("id")))
        if stored is None:
            return
        view["caption"] = media.get("caption")
        url = f"{FILES}/{stored.media_id}"
        if kind == "image":
            view["photo"] = {"url": url, "width": 0, "height": 0}
        else:
            name = str(media.get("filename") or stored.filename)
            view["document"] = {"name": name, "size": len(stored.content), "mime_type": stored.mime_type, "url": url}


def _language(value: str) -> str:
    if value not in LANGUAGES:
        raise UserSideError(f"language must be one of {', '.join(LANGUAGES)}")
    return value


def _user_view(user: Any) -> UserView:
    return {"id": str(user.chat_id), "name": str(user.name), "language": str(user.language)}


def _button(choice: dict[str, Any]) -> ButtonView:
    text = str(choice["title"])
    if choice.get("description"):
        text = f"{text} — {choice['description']}"
    return {"text": text, "data": str(choice["id"])}


def _blank(entry_id: str, sender: str) -> EntryView:
    return {
        "id": entry_id,
        "kind": "message",
        "sender": sender,
        "message_id": entry_id,
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
