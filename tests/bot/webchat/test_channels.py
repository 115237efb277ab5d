"""The page's API is channel-agnostic: a second channel (as WhatsApp's will be) plugs in beside Telegram's."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.emulator import RunningServer, TelegramEmulator, serve
from bot.emulator.notifier import ChangeNotifier
from bot.webchat import TelegramWebChannel, setup_webchat
from bot.webchat.channel import EntryView, FileContent, HistoryView, UserView, WebChatChannel


class EchoChannel:
    """A minimal WebChatChannel: each text comes straight back from the "bot"."""

    name = "echo"
    title = "Echo"

    def __init__(self) -> None:
        self._users: dict[str, UserView] = {}
        self._entries: dict[str, list[EntryView]] = {}
        self._changes = ChangeNotifier()

    @property
    def version(self) -> int:
        return self._changes.version

    def users(self) -> list[UserView]:
        return list(self._users.values())

    def create_user(self, name: str, language: str) -> UserView:
        user: UserView = {"id": f"+7700{len(self._users):07d}", "name": name, "language": language}
        self._users[user["id"]] = user
        self._entries[user["id"]] = []
        self._changes.notify()
        return user

    def set_language(self, chat_id: str, language: str) -> UserView:
        self._users[chat_id]["language"] = language
        return self._users[chat_id]

    def send_text(self, chat_id: str, text: str) -> None:
        for sender in ("user", "bot"):
            self._entries[chat_id].append(_entry(len(self._entries[chat_id]), sender, text))
        self._changes.notify()

    def press(self, chat_id: str, message_id: str, data: str) -> None:
        raise ValueError("no buttons here")

    def send_file(self, chat_id: str, filename: str, content: bytes, mime_type: str, caption: str | None) -> None:
        raise ValueError("no files here")

    def history(self, chat_id: str) -> HistoryView:
        return {"version": self.version, "entries": self._entries[chat_id], "reply_keyboard": None, "commands": []}

    def file(self, file_id: str) -> FileContent | None:
        return None

    async def wait_changed(self, since: int, timeout: float) -> int:  # noqa: ASYNC109
        return await self._changes.wait(since, timeout)


def _entry(index: int, sender: str, text: str) -> EntryView:
    return {
        "id": f"m{index}", "kind": "message", "sender": sender, "message_id": str(index), "text": text,
        "entities": [], "caption": None, "caption_entities": [], "buttons": [], "document": None, "photo": None,
        "edited": False, "alert": False,
    }  # fmt: skip


@pytest.fixture
async def two_channels() -> AsyncIterator[RunningServer]:
    from aiohttp import web

    app = web.Application()
    channels: list[WebChatChannel] = [TelegramWebChannel(TelegramEmulator()), EchoChannel()]
    setup_webchat(app, *channels)
    running = await serve(app)
    yield running
    await running.close()


async def test_a_second_channel_is_listed_and_driven(two_channels: RunningServer) -> None:
    async with aiohttp.ClientSession(base_url=two_channels.url) as http:
        async with http.get("/webchat/api/channels") as resp:
            assert [c["name"] for c in await resp.json()] == ["telegram", "echo"]
        async with http.post("/webchat/api/echo/users", json={"name": "Әлия", "language": "kk"}) as resp:
            user = await resp.json()
        async with http.post(f"/webchat/api/echo/chats/{user['id']}/messages", json={"text": "сәлем"}) as resp:
            assert resp.status == 200
        async with http.get(f"/webchat/api/echo/chats/{user['id']}") as resp:
            history = await resp.json()
        assert [(e["sender"], e["text"]) for e in history["entries"]] == [("user", "сәлем"), ("bot", "сәлем")]
        async with http.post(f"/webchat/api/echo/chats/{user['id']}/buttons", json={"data": "x"}) as resp:
            assert (resp.status, await resp.json()) == (400, {"error": "no buttons here"})
