"""``asistent run`` as a whole: local mode (emulator + web chat + polling on one port) and token mode (long polling
against ``TELEGRAM_API_SERVER``), with graceful shutdown and no token in any log line."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from bot.app import mode_of, start_all, stop_all
from bot.emulator import serve
from bot.emulator.telegram import Limits, TelegramEmulator, create_telegram_emulator
from bot.runtime.logs import MaskSecrets, mask_token
from core.settings import Settings

TOKEN = "123456789:AAH-realLookingToken_xyz"


def settings_for(sqlite_url: str, tmp_path: Path, **extra: object) -> Settings:
    return Settings(
        DATABASE_URL=sqlite_url, DATA_DIR=tmp_path / "var", HTTP_PORT=0, REMINDER_TICK_SECONDS=3600, **extra
    )  # type: ignore[arg-type]


async def test_local_mode_serves_page_emulator_and_bot_on_one_port(sqlite_url: str, tmp_path: Path) -> None:
    settings = settings_for(sqlite_url, tmp_path)
    assert mode_of(settings) == "local"
    runtime = await start_all(settings)
    try:
        assert runtime.emulator is not None
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{runtime.server.url}/") as page:
                assert page.status == 200
                assert "html" in (await page.text()).lower()
            async with http.get(f"{runtime.server.url}/healthz") as health:
                assert (await health.json()) == {"ok": True}
        user = runtime.emulator.create_user("Айгүл", "kk")
        runtime.emulator.send_text(user.id, "/start")
        (welcome,) = await runtime.emulator.wait_for_bot_messages(user.id, 1, timeout=30)
        assert welcome["reply_markup"]["inline_keyboard"]
        secret_file = tmp_path / "var" / "payload_secret"
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    finally:
        await stop_all(runtime)
    assert all(task.done() for task in runtime.tasks)


async def test_local_mode_offers_whatsapp_through_the_cloud_api_emulator(sqlite_url: str, tmp_path: Path) -> None:
    runtime = await start_all(settings_for(sqlite_url, tmp_path))
    try:
        assert runtime.wa_emulator is not None
        async with aiohttp.ClientSession() as http, http.get(f"{runtime.server.url}/webchat/api/channels") as channels:
            assert "whatsapp" in str(await channels.json())
        user = runtime.wa_emulator.create_user("Айгүл", "kk")
        runtime.wa_emulator.send_text(user.chat_id, "/start")
        (welcome,) = await runtime.wa_emulator.wait_for_bot_messages(user.chat_id, 1, timeout=30)
        assert welcome is not None
    finally:
        await stop_all(runtime)


async def test_token_mode_long_polls_the_configured_api_server_and_never_logs_the_token(
    sqlite_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    emulator = TelegramEmulator(token=TOKEN, limits=Limits.relaxed())
    api = await serve(create_telegram_emulator(emulator))
    caplog.set_level(logging.DEBUG)
    settings = settings_for(sqlite_url, tmp_path, TELEGRAM_BOT_TOKEN=SecretStr(TOKEN), TELEGRAM_API_SERVER=api.url)
    assert mode_of(settings) == "polling"
    runtime = await start_all(settings)
    try:
        assert runtime.emulator is None
        user = emulator.create_user("Болат", "ru")
        emulator.send_text(user.id, "/start")
        await emulator.wait_for_bot_messages(user.id, 1, timeout=30)
    finally:
        await stop_all(runtime)
        await api.close()
    assert not [r for r in caplog.records if TOKEN in r.getMessage()]
    mask = MaskSecrets()  # and the handler's filter would mask one anyway
    for record in caplog.records:
        mask.filter(record)
        assert TOKEN not in record.getMessage()
    assert "webhook" in mode_of(settings.model_copy(update={"WEBHOOK_URL": "https://x.kz/tg"}))


def test_mask_token() -> None:
    assert mask_token(f"GET http://h/bot{TOKEN}/getMe") == "GET http://h/bot***/getMe"
    assert TOKEN not in mask_token(f"token={TOKEN}")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_mode_registers_the_webhook_and_serves_it(sqlite_url: str, tmp_path: Path) -> None:
    emulator = TelegramEmulator(token=TOKEN, limits=Limits.relaxed())
    api = await serve(create_telegram_emulator(emulator, webhook_retry_seconds=0.05))
    port = free_port()
    settings = settings_for(
        sqlite_url,
        tmp_path,
        TELEGRAM_BOT_TOKEN=SecretStr(TOKEN),
        TELEGRAM_API_SERVER=api.url,
        WEBHOOK_URL=f"http://127.0.0.1:{port}/hooks/telegram",
        TELEGRAM_WEBHOOK_SECRET=SecretStr("s3cret_for-tests"),
    ).model_copy(update={"HTTP_PORT": port})
    runtime = await start_all(settings)
    try:
        assert runtime.mode == "webhook"
        assert emulator.updates.webhook is not None
        assert emulator.updates.webhook.url.endswith("/hooks/telegram")
        user = emulator.create_user("Дана", "kk")
        emulator.send_text(user.id, "/start")
        await emulator.wait_for_bot_messages(user.id, 1, timeout=30)
        async with aiohttp.ClientSession() as http:
            bad = await http.post(f"{runtime.server.url}/hooks/telegram", json={"update_id": 1})
            assert bad.status == 401
    finally:
        await stop_all(runtime)
        await api.close()


@pytest.mark.parametrize("hook_secret", [None, "", "with spaces"])
def test_webhook_mode_refuses_to_start_without_a_valid_secret(
    sqlite_url: str, tmp_path: Path, hook_secret: str | None
) -> None:
    from bot.app import ConfigError, check

    settings = settings_for(
        sqlite_url,
        tmp_path,
        TELEGRAM_BOT_TOKEN=SecretStr(TOKEN),
        WEBHOOK_URL="https://bot.example.kz/tg",
        TELEGRAM_WEBHOOK_SECRET=None if hook_secret is None else SecretStr(hook_secret),
    )
    with pytest.raises(ConfigError):
        check(settings)


async def test_asistent_run_serves_whatsapp_too_when_it_is_configured(sqlite_url: str, tmp_path: Path) -> None:
    from bot.emulator.whatsapp import (
        DEFAULT_APP_SECRET,
        DEFAULT_PHONE_NUMBER_ID,
        DEFAULT_PREFIX,
        WhatsAppEmulator,
        create_whatsapp_emulator,
    )
    from bot.emulator.whatsapp import DEFAULT_TOKEN as WA_TOKEN
    from bot.whatsapp.setup import WEBHOOK_PATH

    wa = WhatsAppEmulator()
    wa_api = await serve(create_whatsapp_emulator(wa, webhook_retry_seconds=0.05))
    port = free_port()
    settings = settings_for(
        sqlite_url,
        tmp_path,
        WHATSAPP_TOKEN=SecretStr(WA_TOKEN),
        WHATSAPP_PHONE_NUMBER_ID=DEFAULT_PHONE_NUMBER_ID,
        WHATSAPP_APP_SECRET=SecretStr(DEFAULT_APP_SECRET),
        WHATSAPP_API_BASE=wa_api.url + DEFAULT_PREFIX,
    ).model_copy(update={"HTTP_PORT": port})
    wa.webhook_url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
    runtime = await start_all(settings)
    try:
        user = wa.create_user("Айгүл", "ru")
        wa.send_text(user.chat_id, "/start")
        (welcome,) = await wa.wait_for_bot_messages(user.chat_id, 1, timeout=30)
        assert welcome is not None
    finally:
        await stop_all(runtime)
        await wa_api.close()
