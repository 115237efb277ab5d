"""The web chat's JSON routes, driven over HTTP like the page does."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from bot.emulator import RunningServer, TelegramEmulator
from tests.bot.emulator.helpers import PNG_1x1


async def _get(server: RunningServer, path: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.get(server.url + path) as resp:
        return resp.status, await resp.json()


async def _post(server: RunningServer, path: str, **kwargs: Any) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.post(server.url + path, **kwargs) as resp:
        return resp.status, await resp.json()


async def _history_until(server: RunningServer, chat_id: str, predicate: Any) -> dict[str, Any]:
    """Long-poll the history (as the page does) until ``predicate(history)`` holds."""
    _, history = await _get(server, f"/webchat/api/telegram/chats/{chat_id}")
    async with asyncio.timeout(5):
        while not predicate(history):
            _, history = await _get(server, f"/webchat/api/telegram/chats/{chat_id}?since={history['version']}&wait=5")
    return history


def _bot_texts(history: dict[str, Any]) -> list[str]:
    return [e["text"] for e in history["entries"] if e["sender"] == "bot" and e["kind"] == "message" and e["text"]]


async def test_page_and_static_files_are_served(chat_server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(chat_server.url + "/") as resp:
            page = await resp.text()
            assert resp.status == 200
            assert 'id="composer"' in page
            assert "http" not in page.replace("http-equiv", "")  # no external assets
        for name in ("app.js", "style.css", "i18n.js"):
            async with http.get(f"{chat_server.url}/webchat/static/{name}") as resp:
                assert resp.status == 200
    assert await _get(chat_server, "/webchat/api/channels") == (200, [{"name": "telegram", "title": "Telegram"}])


async def test_conversation_through_the_api(chat_server: RunningServer) -> None:
    status, user = await _post(chat_server, "/webchat/api/telegram/users", json={"name": "Дана", "language": "kk"})
    assert status == 201
    assert (user["name"], user["language"]) == ("Дана", "kk")
    chat = f"/webchat/api/telegram/chats/{user['id']}"
    assert (await _post(chat_server, f"{chat}/messages", json={"text": "сәлем"}))[0] == 200
    history = await _history_until(chat_server, user["id"], lambda h: _bot_texts(h))
    assert _bot_texts(history) == ["эхо: сәлем"]
    await _post(chat_server, f"{chat}/messages", json={"text": "/kb"})
    history = await _history_until(chat_server, user["id"], lambda h: any(e["buttons"] for e in h["entries"]))
    menu = next(e for e in history["entries"] if e["buttons"])
    assert menu["buttons"] == [[{"text": "Да", "data": "yes"}], [{"text": "Нет", "data": "no"}]]
    await _post(chat_server, f"{chat}/buttons", json={"message_id": menu["message_id"], "data": "no"})
    history = await _history_until(chat_server, user["id"], lambda h: any(e["kind"] == "toast" for e in h["entries"]))
    edited = next(e for e in history["entries"] if e["message_id"] == menu["message_id"])
    assert (edited["text"], edited["edited"], edited["buttons"]) == ("Вы выбрали: no", True, [])
    assert [e["text"] for e in history["entries"] if e["kind"] == "toast"] == ["ok no"]


async def test_files_both_ways(chat_server: RunningServer) -> None:
    _, user = await _post(chat_server, "/webchat/api/telegram/users", json={"name": "Ерлан", "language": "ru"})
    chat = f"/webchat/api/telegram/chats/{user['id']}"
    form = aiohttp.FormData()
    form.add_field("file", PNG_1x1, filename="чек.png", content_type="image/png")
    form.add_field("caption", "чек")
    assert (await _post(chat_server, f"{chat}/files", data=form))[0] == 200
    history = await _history_until(chat_server, user["id"], lambda h: _bot_texts(h))
    assert _bot_texts(history) == [f"получил {len(PNG_1x1)} байт"]
    mine = history["entries"][0]
    assert (mine["sender"], mine["photo"]["width"], mine["caption"]) == ("user", 1, "чек")
    await _post(chat_server, f"{chat}/messages", json={"text": "/doc"})
    history = await _history_until(chat_server, user["id"], lambda h: any(e["document"] for e in h["entries"]))
    document = next(e["document"] for e in history["entries"] if e["document"])
    async with aiohttp.ClientSession() as http, http.get(chat_server.url + document["url"] + "?download=1") as resp:
        assert await resp.read() == b"%PDF-1.4 test"
        assert resp.headers["Content-Disposition"] == "attachment; filename*=UTF-8''report.pdf"


async def test_bad_input_gets_a_short_reason(chat_server: RunningServer, emulator: TelegramEmulator) -> None:
    user = emulator.create_user()
    chat = f"/webchat/api/telegram/chats/{user.id}"
    assert await _post(chat_server, f"{chat}/messages", json={"text": "  "}) == (400, {"error": "empty message"})
    assert (await _post(chat_server, "/webchat/api/telegram/chats/999/messages", json={"text": "x"}))[0] == 400
    assert (await _post(chat_server, f"{chat}/buttons", json={"message_id": "1", "data": "x"}))[0] == 400
    assert (await _post(chat_server, f"{chat}/messages", data="not json"))[0] == 400
    status, body = await _post(chat_server, "/webchat/api/telegram/users", json={"name": "X", "language": "en"})
    assert (status, body) == (400, {"error": "language must be one of ru, kk"})
    assert (await _get(chat_server, "/webchat/api/whatsapp/users"))[0] == 404
    assert (await _get(chat_server, "/webchat/api/telegram/files/nope"))[0] == 404


async def test_cross_origin_posts_are_refused(chat_server: RunningServer, emulator: TelegramEmulator) -> None:
    user = emulator.create_user()
    status, _ = await _post(
        chat_server,
        f"/webchat/api/telegram/chats/{user.id}/messages",
        json={"text": "hi"},
        headers={"Origin": "http://evil.example"},
    )
    assert status == 403
    assert emulator.history(user.id) == []


async def test_language_switch_changes_language_code(chat_server: RunningServer, emulator: TelegramEmulator) -> None:
    user = emulator.create_user("Асель", "ru")
    status, view = await _post(chat_server, f"/webchat/api/telegram/users/{user.id}/language", json={"language": "kk"})
    assert (status, view["language"]) == (200, "kk")
    update = emulator.send_text(user.id, "/start")
    assert update["message"]["from"]["language_code"] == "kk"


async def test_rebinding_host_names_are_refused(chat_server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(chat_server.url + "/", headers={"Host": "evil.example:8080"}) as resp:
            assert resp.status == 403
        async with http.get(chat_server.url + "/", headers={"Host": "localhost:8080"}) as resp:
            assert resp.status == 200


def test_local_host_names() -> None:
    from bot.webchat.guard import is_local_host

    assert all(map(is_local_host, ["127.0.0.1:8080", "localhost", "app.localhost:1", "[::1]:8080", "192.168.1.5"]))
    assert not any(map(is_local_host, ["evil.example", "127.0.0.1.nip.io:8080", ""]))


def test_long_text_is_split_like_a_telegram_app() -> None:
    from bot.emulator.telegram import utf16_length
    from bot.webchat import TelegramWebChannel

    channel = TelegramWebChannel(TelegramEmulator())
    user = channel.create_user("Длинный", "ru")
    channel.send_text(user["id"], "а" * 4095 + "💰" + "б" * 10)  # the emoji does not fit in the first 4096 units
    texts = [e["text"] or "" for e in channel.history(user["id"])["entries"]]
    assert [utf16_length(t) for t in texts] == [4095, 12]
    assert texts[1].startswith("💰")
