"""The web chat in WhatsApp mode: the local app (both emulators, the page, the WhatsApp webhook) as ``asistent run``
would serve it; the page's API and, with Debian's chromium, the page itself."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.emulator import RunningServer, serve
from bot.emulator.telegram import TelegramEmulator
from bot.emulator.whatsapp import WaLimits, WhatsAppEmulator
from bot.outbox.sql import SqlOutbox
from bot.webchat import create_webchat_app
from bot.whatsapp import setup_whatsapp
from bot.whatsapp.local import connect_local, is_local, local_settings
from core.settings import Settings
from core.storage import Database
from dialogs.engine import Engine
from dialogs.sql_store import SqlStores
from tests.bot.whatsapp.harness import SECRET, services
from tests.conftest import REQUIRE_BROWSER

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
async def local(sqlite_db: Database) -> AsyncIterator[tuple[RunningServer, WhatsAppEmulator]]:
    """Assembled as ``bot/app.py`` would in local mode (see docs/whatsapp.md, Wiring)."""
    emulator = WhatsAppEmulator(limits=WaLimits.relaxed())
    app = create_webchat_app(TelegramEmulator(), whatsapp=emulator, webhook_retry_seconds=0.05)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert is_local(settings)
    engine = Engine(SqlStores(sqlite_db), services(), SECRET)
    channel = setup_whatsapp(app, engine, local_settings(settings), database=sqlite_db, outbox=SqlOutbox(sqlite_db))
    server = await serve(app)
    connect_local(channel, emulator, server.url)
    try:
        yield server, emulator
    finally:
        await server.close()


async def _history(session: aiohttp.ClientSession, base: str, chat_id: str, count: int) -> dict[str, Any]:
    since = -1
    for _ in range(50):
        async with session.get(f"{base}/chats/{chat_id}", params={"since": str(since), "wait": "2"}) as response:
            history: dict[str, Any] = await response.json()
        if sum(e["sender"] == "bot" for e in history["entries"]) >= count:
            return history
        since = history["version"]
    raise AssertionError(f"fewer than {count} bot messages: {history}")


async def test_the_page_api_drives_a_whatsapp_conversation(local: tuple[RunningServer, WhatsAppEmulator]) -> None:
    server, emulator = local
    base = server.url + "/webchat/api/whatsapp"
    async with aiohttp.ClientSession() as session:
        async with session.get(server.url + "/webchat/api/channels") as response:
            assert [c["name"] for c in await response.json()] == ["telegram", "whatsapp"]
        async with session.post(base + "/users", json={"name": "Айгүл", "language": "ru"}) as response:
            user = await response.json()
        chat_id = user["id"]
        async with session.post(f"{base}/chats/{chat_id}/messages", json={"text": "/start"}) as response:
            assert response.status == 200
        history = await _history(session, base, chat_id, 1)
        bot = [e for e in history["entries"] if e["sender"] == "bot"][-1]
        assert len(bot["buttons"]) == 1
        assert 1 <= len(bot["buttons"][0]) <= 3
        russian = next(b for b in bot["buttons"][0] if b["text"] == "Русский")
        press = {"message_id": bot["message_id"], "data": russian["data"]}
        async with session.post(f"{base}/chats/{chat_id}/buttons", json=press) as response:
            assert response.status == 200
        history = await _history(session, base, chat_id, 2)
        assert "ИИН" in (history["entries"][-1]["text"] or "")
        assert history["entries"][-2]["text"] == "Русский"  # the user's tap shows as its title
        async with session.post(f"{base}/chats/{chat_id}/messages", json={"text": " "}) as response:
            assert response.status == 400
    # the page opened the chat: the bot's messages were read (blue ticks), and the statuses went to the webhook
    assert all(e.status == "read" for e in emulator.bot_messages(chat_id)[:1])


@pytest.mark.browser
async def test_the_page_in_whatsapp_mode(local: tuple[RunningServer, WhatsAppEmulator]) -> None:
    if not CHROMIUM.exists():  # noqa: ASYNC240 - one stat before the test
        if REQUIRE_BROWSER:
            pytest.fail(f"ASISTENT_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}")
    from playwright.async_api import async_playwright, expect

    expect.set_options(timeout=20_000)  # a ceiling for a loaded CI machine; the wait ends when the page shows it

    server, _ = local
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=args, headless=True)
        try:
            page = await browser.new_page()
            page.set_default_timeout(10_000)
            await page.goto(server.url + "/")
            await page.get_by_label("Канал").select_option("whatsapp")
            await expect(page.locator("#channel-note")).to_contain_text("до 3 кнопок")
            await expect(page.locator("#user option")).to_have_count(1)
            await page.get_by_role("textbox", name="Сообщение").fill("/start")
            await page.keyboard.press("Enter")
            await page.get_by_role("button", name="Русский").click()
            await expect(page.locator(".bubble.bot .text").last).to_contain_text("ИИН")
            await page.get_by_label("Канал").select_option("telegram")
            await expect(page.locator("#channel-note")).to_be_hidden()
        finally:
            await browser.close()
    await asyncio.sleep(0)


@pytest.mark.browser
async def test_a_list_message_renders_and_a_row_can_be_picked_in_the_page() -> None:
    """Four to ten choices are a WhatsApp list: the page shows its label and one row per line; a tap on a row is a
    ``list_reply`` that presses that choice."""
    if not CHROMIUM.exists():  # noqa: ASYNC240 - one stat before the test
        if REQUIRE_BROWSER:
            pytest.fail(f"ASISTENT_REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}")
    from playwright.async_api import async_playwright, expect

    from tests.bot.whatsapp.test_choices import ChoicesEngine

    expect.set_options(timeout=20_000)
    emulator = WhatsAppEmulator(limits=WaLimits.relaxed())
    app = create_webchat_app(TelegramEmulator(), whatsapp=emulator, webhook_retry_seconds=0.05)
    channel = setup_whatsapp(app, ChoicesEngine(5), local_settings(Settings(_env_file=None)))  # type: ignore[call-arg]
    server = await serve(app)
    connect_local(channel, emulator, server.url)
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=args, headless=True)
            try:
                page = await browser.new_page()
                page.set_default_timeout(10_000)
                await page.goto(server.url + "/")
                await page.get_by_label("Канал").select_option("whatsapp")
                await page.get_by_role("textbox", name="Сообщение").fill("привет")
                await page.keyboard.press("Enter")
                bubble = page.locator(".bubble.bot").last
                await expect(bubble).to_contain_text("☰ Выбрать")
                await expect(bubble.locator(".inline-button")).to_have_count(5)
                await bubble.get_by_role("button", name="Вариант 4").click()
                await expect(page.locator(".bubble.bot .text").last).to_contain_text("pressed c:4")
                (chat_id,) = emulator.chats
                typed = [e for e in emulator.chat(chat_id).history if not e.from_bot][-1]
                assert typed.message["interactive"]["type"] == "list_reply"
            finally:
                await browser.close()
    finally:
        await server.close()
