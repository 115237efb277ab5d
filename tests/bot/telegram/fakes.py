"""A small fake Bot API server over loopback HTTP (records calls, can answer 429) and a scripted fake engine.

Used for the front end's own tests; the end-to-end tests use the product's emulator instead."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.telegram.client import make_bot
from dialogs.contract import ButtonEvent, InputEvent, Reply, TextEvent

TOKEN = "42:TEST-token_abcdef"


@dataclass
class FakeBotAPI:
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    #: method → list of (error_code, retry_after) to answer before succeeding
    failures: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))

    def sent(self, method: str | None = None) -> list[dict[str, Any]]:
        return [p for m, p in self.calls if method is None or m == method]

    def texts(self) -> list[str]:
        return [p["text"] for m, p in self.calls if m in ("sendMessage", "editMessageText")]

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        payload: dict[str, Any] = {}
        if request.content_type == "application/json":
            payload = await request.json()
        else:
            form = await request.post()
            for key, value in form.items():
                payload[key] = value.file.read() if hasattr(value, "file") else value
            for key, value in list(payload.items()):  # aiogram sends files as "attach://<field>"
                if isinstance(value, str) and value.startswith("attach://"):
                    payload[key] = payload.pop(value.removeprefix("attach://"))
        self.calls.append((method, payload))
        queued = self.failures.get(method)
        if queued:
            code, retry_after = queued.pop(0)
            body: dict[str, Any] = {"ok": False, "error_code": code, "description": f"error {code}"}
            if code == 429:
                body["description"] = f"Too Many Requests: retry after {retry_after}"
                body["parameters"] = {"retry_after": retry_after}
            return web.json_response(body, status=code)
        return web.json_response({"ok": True, "result": self.result(method, payload)})

    def result(self, method: str, payload: dict[str, Any]) -> Any:
        chat = {"id": int(payload.get("chat_id", 0) or 0), "type": "private"}
        if method == "getMe":
            return {"id": 42, "is_bot": True, "first_name": "Fake", "username": "fake_bot"}
        if method in ("sendMessage", "sendPhoto", "sendDocument"):
            message: dict[str, Any] = {"message_id": next(self._ids), "date": 1, "chat": chat}
            if method == "sendMessage":
                message["text"] = payload.get("text", "")
            return message
        if method == "editMessageText":
            return {"message_id": int(payload["message_id"]), "date": 1, "chat": chat, "text": payload["text"]}
        if method == "getFile":
            file_id = payload["file_id"]
            return {"file_id": file_id, "file_unique_id": file_id, "file_path": f"docs/{file_id}"}
        return True

    async def download(self, request: web.Request) -> web.Response:
        return web.Response(body=self.files[request.match_info["path"].removeprefix("docs/")])

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self.download)
        return app


@asynccontextmanager
async def fake_bot_api() -> AsyncIterator[tuple[FakeBotAPI, Bot]]:
    fake = FakeBotAPI()
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    bot = make_bot(TOKEN, str(server.make_url("")).rstrip("/"))
    try:
        yield fake, bot
    finally:
        await bot.session.close()
        await server.close()


Script = Callable[[InputEvent], Sequence[Reply]]


class FakeEngine:
    """Answers each event by a script; records what it saw; dedupes event ids like the real engine."""

    def __init__(self, script: Script | None = None) -> None:
        self.events: list[InputEvent] = []
        self.script = script or _echo
        self._seen: set[str] = set()

    async def handle(self, event: InputEvent) -> Sequence[Reply]:
        if event.event_id in self._seen:
            return []
        self._seen.add(event.event_id)
        self.events.append(event)
        return self.script(event)


def _echo(event: InputEvent) -> Sequence[Reply]:
    if isinstance(event, TextEvent):
        return [Reply(text=f"echo: {event.text}")]
    if isinstance(event, ButtonEvent):
        return [Reply(text=f"pressed {event.payload}", edit=True, notice="ok")]
    return [Reply(text=f"file {event.file_name} {len(event.content)} bytes")]


def user(uid: int = 7, lang: str = "ru") -> dict[str, Any]:
    return {"id": uid, "is_bot": False, "first_name": "Айгүл", "language_code": lang}


def message_update(update_id: int, uid: int = 7, lang: str = "ru", **content: Any) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id + 500,
            "date": 1_790_000_000,
            "chat": {"id": uid, "type": "private"},
            "from": user(uid, lang),
            **content,
        },
    }


def callback_update(
    update_id: int, data: str, *, uid: int = 7, chat_id: int | None = None, mid: int = 77
) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb{update_id}",
            "chat_instance": "ci",
            "from": user(uid),
            "data": data,
            "message": {
                "message_id": mid,
                "date": 1_790_000_000,
                "chat": {"id": chat_id if chat_id is not None else uid, "type": "private"},
                "text": "menu",
            },
        },
    }


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
