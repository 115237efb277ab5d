"""The web chat's HTTP side: the page at ``/``, its static files, and JSON routes under ``/webchat/api/…``.

Other sites are kept out by ``guard.webchat_guard`` (same-origin POSTs, loopback or IP host names only).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.webchat.channel import WebChatChannel
from bot.webchat.guard import webchat_guard

STATIC_DIR = Path(__file__).parent / "static"
CHANNELS_KEY = web.AppKey("webchat_channels", dict[str, WebChatChannel])
MAX_WAIT_SECONDS = 25.0
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def setup_webchat(app: web.Application, *channels: WebChatChannel) -> None:
    """Serve the page and its API on ``app`` for ``channels`` (the first one is the page's default)."""
    app[CHANNELS_KEY] = {channel.name: channel for channel in channels}
    app.middlewares.append(webchat_guard)
    router = app.router
    router.add_get("/", _index)
    router.add_static("/webchat/static/", STATIC_DIR, name="webchat_static")
    router.add_get("/webchat/api/channels", _channels)
    router.add_get("/webchat/api/{channel}/users", _with_errors(_users))
    router.add_post("/webchat/api/{channel}/users", _with_errors(_create_user))
    router.add_post("/webchat/api/{channel}/users/{chat_id}/language", _with_errors(_set_language))
    router.add_get("/webchat/api/{channel}/chats/{chat_id}", _with_errors(_history))
    router.add_post("/webchat/api/{channel}/chats/{chat_id}/messages", _with_errors(_send_text))
    router.add_post("/webchat/api/{channel}/chats/{chat_id}/buttons", _with_errors(_press))
    router.add_post("/webchat/api/{channel}/chats/{chat_id}/files", _with_errors(_send_file))
    router.add_get("/webchat/api/{channel}/files/{file_id}", _with_errors(_file))


def _with_errors(handler: Handler) -> Handler:
    """Bad input becomes a 400 with a short reason the page shows; an unknown channel a 404."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        if request.match_info["channel"] not in request.app[CHANNELS_KEY]:
            return web.json_response({"error": "unknown channel"}, status=404)
        try:
            return await handler(request)
        except (ValueError, KeyError, TypeError) as exc:
            return web.json_response({"error": str(exc) or type(exc).__name__}, status=400)

    return wrapped


def _channel(request: web.Request) -> WebChatChannel:
    return request.app[CHANNELS_KEY][request.match_info["channel"]]


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except json.JSONDecodeError:
        raise ValueError("JSON body expected") from None
    if not isinstance(body, dict):
        raise ValueError("JSON object expected")
    return body


async def _index(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})


async def _channels(request: web.Request) -> web.StreamResponse:
    channels = request.app[CHANNELS_KEY].values()
    return web.json_response([{"name": c.name, "title": c.title} for c in channels])


async def _users(request: web.Request) -> web.StreamResponse:
    return web.json_response(_channel(request).users())


async def _create_user(request: web.Request) -> web.StreamResponse:
    body = await _json_body(request)
    user = _channel(request).create_user(str(body.get("name", "")), str(body.get("language", "ru")))
    return web.json_response(user, status=201)


async def _set_language(request: web.Request) -> web.StreamResponse:
    body = await _json_body(request)
    return web.json_response(_channel(request).set_language(request.match_info["chat_id"], str(body.get("language"))))


async def _history(request: web.Request) -> web.StreamResponse:
    """The chat's history; with ``since`` (a version), waits up to ``wait`` seconds for something newer."""
    channel = _channel(request)
    chat_id = request.match_info["chat_id"]
    channel.history(chat_id)  # an unknown chat fails now, not after the wait
    since = request.query.get("since")
    if since is not None:
        wait = min(float(request.query.get("wait", MAX_WAIT_SECONDS)), MAX_WAIT_SECONDS)
        await channel.wait_changed(int(since), wait)
    return web.json_response(channel.history(chat_id), headers={"Cache-Control": "no-store"})


async def _send_text(request: web.Request) -> web.StreamResponse:
    body = await _json_body(request)
    _channel(request).send_text(request.match_info["chat_id"], str(body.get("text", "")))
    return web.json_response({"ok": True})


async def _press(request: web.Request) -> web.StreamResponse:
    body = await _json_body(request)
    _channel(request).press(request.match_info["chat_id"], str(body.get("message_id")), str(body.get("data")))
    return web.json_response({"ok": True})


async def _send_file(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        raise ValueError("no file")
    caption = str(form.get("caption") or "").strip() or None
    content = upload.file.read()
    _channel(request).send_file(request.match_info["chat_id"], upload.filename, content, upload.content_type, caption)
    return web.json_response({"ok": True})


async def _file(request: web.Request) -> web.StreamResponse:
    found = _channel(request).file(request.match_info["file_id"])
    if found is None:
        return web.json_response({"error": "no such file"}, status=404)
    disposition = "attachment" if request.query.get("download") else "inline"
    headers = {"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(found['name'])}"}
    if not found["mime_type"].startswith("image/"):
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(found['name'])}"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Cache-Control"] = "private, max-age=86400, immutable"  # a file_id's content never changes
    return web.Response(body=found["content"], content_type=found["mime_type"], headers=headers)
