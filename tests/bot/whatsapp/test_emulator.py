"""The Cloud API emulator over HTTP: limits, the window and the template registry with Meta's codes and shapes,
media upload/download, and signed webhook deliveries."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.emulator import ManualClock, RunningServer, serve
from bot.emulator.whatsapp import (
    DEFAULT_APP_SECRET,
    DEFAULT_PHONE_NUMBER_ID,
    DEFAULT_PREFIX,
    DEFAULT_TOKEN,
    WaLimits,
    WhatsAppEmulator,
    create_whatsapp_emulator,
)
from bot.whatsapp.signature import SIGNATURE_HEADER, is_valid

AUTH = {"Authorization": f"Bearer {DEFAULT_TOKEN}"}


@pytest.fixture
async def served() -> AsyncIterator[tuple[WhatsAppEmulator, RunningServer, aiohttp.ClientSession]]:
    emulator = WhatsAppEmulator(clock=ManualClock(), limits=WaLimits.relaxed())
    server = await serve(create_whatsapp_emulator(emulator, webhook_retry_seconds=0.05))
    async with aiohttp.ClientSession() as session:
        yield emulator, server, session
    await server.close()


async def call(
    served: tuple[WhatsAppEmulator, RunningServer, aiohttp.ClientSession], body: dict[str, Any], **headers: str
) -> tuple[int, dict[str, Any]]:
    _, server, session = served
    url = f"{server.url}{DEFAULT_PREFIX}/{DEFAULT_PHONE_NUMBER_ID}/messages"
    async with session.post(url, json=body, headers=headers or AUTH) as response:
        return response.status, await response.json()


def message(to: str, **part: Any) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, **part}


def buttons(count: int, title: str = "Кнопка") -> dict[str, Any]:
    replies = [{"type": "reply", "reply": {"id": f"b{i}", "title": f"{title}{i}"}} for i in range(count)]
    return {
        "type": "interactive",
        "interactive": {"type": "button", "body": {"text": "?"}, "action": {"buttons": replies}},
    }


def list_of(rows: int, title: str = "Строка") -> dict[str, Any]:
    items = [{"id": f"r{i}", "title": f"{title}{i}"} for i in range(rows)]
    action = {"button": "Выбрать", "sections": [{"title": "A", "rows": items}]}
    return {"type": "interactive", "interactive": {"type": "list", "body": {"text": "?"}, "action": action}}


async def test_a_bad_token_is_190_with_metas_shape(served: Any) -> None:
    status, body = await call(served, message("1", type="text", text={"body": "x"}), Authorization="Bearer nope")
    assert status == 401
    assert body["error"]["code"] == 190
    assert body["error"]["type"] == "OAuthException"
    assert "fbtrace_id" in body["error"]


async def test_limits_are_enforced(served: Any) -> None:
    emulator: WhatsAppEmulator = served[0]
    user = emulator.create_user("А")
    emulator.send_text(user.chat_id, "привет")  # opens the window
    to = str(user.wa_id)
    assert (await call(served, message(to, **buttons(3))))[0] == 200
    for bad in (
        buttons(4),
        buttons(2, title="Очень длинная кнопка"),  # 21 characters with the index
        list_of(11),
        list_of(2, title="Строка слишком длинная д"),
        {"type": "text", "text": {"body": "я" * 4097}},
        {"type": "text", "text": {"body": "  "}},
    ):
        status, body = await call(served, message(to, **bad))
        assert status == 400, bad
        assert body["error"]["code"] == 100
        assert body["error"]["error_data"]["details"]
    assert (await call(served, message(to, **list_of(10))))[0] == 200


async def test_the_window_and_the_template_registry(served: Any) -> None:
    emulator: WhatsAppEmulator = served[0]
    user = emulator.create_user("А")
    to = str(user.wa_id)
    status, body = await call(served, message(to, type="text", text={"body": "без окна"}))
    assert (status, body["error"]["code"]) == (400, 131047)
    template = {"name": "reminder_d1", "language": {"code": "kk"}}
    params = [{"type": "text", "text": "МЗЖ төлеу"}, {"type": "text", "text": "25.12.2026"}]
    status, body = await call(served, message(to, type="template", template=template))
    assert body["error"]["code"] == 132000  # no parameters given
    status, body = await call(served, message(to, type="template", template={**template, "name": "nope"}))
    assert body["error"]["code"] == 132001
    good = {**template, "components": [{"type": "body", "parameters": params}]}
    status, body = await call(served, message(to, type="template", template=good))
    assert status == 200
    assert body["messages"][0]["message_status"] == "accepted"
    assert body["contacts"][0]["wa_id"] == to


async def test_a_bsuid_recipient_goes_in_recipient(served: Any) -> None:
    emulator: WhatsAppEmulator = served[0]
    user = emulator.create_user("А", phone=False)
    emulator.send_text(user.chat_id, "привет")
    body = {"messaging_product": "whatsapp", "recipient": user.user_id, "type": "text", "text": {"body": "ок"}}
    status, answer = await call(served, body)
    assert status == 200
    assert answer["contacts"][0]["user_id"] == user.user_id
    assert "wa_id" not in answer["contacts"][0]
    status, answer = await call(served, message("77999999999", type="text", text={"body": "?"}))
    assert answer["error"]["code"] == 131026


async def test_media_upload_send_by_id_and_download(served: Any) -> None:
    emulator, server, session = served
    user = emulator.create_user("А")
    emulator.send_text(user.chat_id, "привет")
    form = aiohttp.FormData()
    form.add_field("messaging_product", "whatsapp")
    form.add_field("type", "application/pdf")
    form.add_field("file", b"%PDF-1.4", filename="910.pdf", content_type="application/pdf")
    async with session.post(
        f"{server.url}{DEFAULT_PREFIX}/{DEFAULT_PHONE_NUMBER_ID}/media", data=form, headers=AUTH
    ) as r:
        media_id = (await r.json())["id"]
    document = {"id": media_id, "filename": "910.pdf", "caption": "Черновик"}
    assert (await call(served, message(str(user.wa_id), type="document", document=document)))[0] == 200
    _, body = await call(served, message(str(user.wa_id), type="document", document={"id": "404"}))
    assert body["error"]["code"] == 131053
    async with session.get(f"{server.url}{DEFAULT_PREFIX}/{media_id}", headers=AUTH) as r:
        info = await r.json()
    assert info["file_size"] == 8
    async with session.get(info["url"], headers=AUTH) as r:
        assert await r.read() == b"%PDF-1.4"
    async with session.get(info["url"]) as r:
        assert r.status == 401


async def test_user_messages_reach_the_webhook_signed_and_can_be_redelivered(served: Any) -> None:
    emulator: WhatsAppEmulator = served[0]
    received: list[tuple[dict[str, Any], bool]] = []
    arrived = asyncio.Event()

    async def hook(request: web.Request) -> web.Response:
        raw = await request.read()
        received.append((json.loads(raw), is_valid(raw, request.headers.get(SIGNATURE_HEADER), DEFAULT_APP_SECRET)))
        arrived.set()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", hook)
    receiver = await serve(app)
    try:
        emulator.webhook_url = receiver.url + "/hook"
        user = emulator.create_user("Айгүл")
        wamid = emulator.send_text(user.chat_id, "привет")
        await asyncio.wait_for(arrived.wait(), 5)
        emulator.redeliver(wamid)
        while len(received) < 2:
            arrived.clear()
            await asyncio.wait_for(arrived.wait(), 5)
        assert all(ok for _, ok in received)
        first = received[0][0]["entry"][0]["changes"][0]["value"]
        assert first["messages"][0]["id"] == wamid
        assert first["messages"][0]["text"]["body"] == "привет"
        assert first["contacts"][0]["user_id"] == user.user_id
        assert received[1][0] == received[0][0]
    finally:
        await receiver.close()
