"""Webhook mode: pending updates are POSTed, in order, to the bot's URL with the secret-token header.

A 2xx confirms the update; anything else is recorded in getWebhookInfo and retried. A response body holding a method
call (aiogram's ``handle_in_background=False``) is executed, as Telegram does.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp

from bot.emulator.telegram.methods import find_method
from bot.emulator.telegram.models import JsonDict
from bot.emulator.telegram.params import Params, Upload
from bot.emulator.telegram.state import TelegramEmulator
from bot.emulator.telegram.updates import WebhookConfig

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


class WebhookDeliverer:
    """Delivers one update at a time; wakes on new updates, retries failures after ``retry_seconds``."""

    def __init__(self, emu: TelegramEmulator, session: aiohttp.ClientSession, retry_seconds: float = 1.0) -> None:
        self._emu = emu
        self._session = session
        self._retry_seconds = retry_seconds

    async def run(self) -> None:
        emu = self._emu
        while not emu.closed:
            version = emu.update_arrived.version
            hook = emu.updates.webhook
            update = emu.updates.peek_first() if hook else None
            if hook is None or update is None:
                await emu.update_arrived.wait(version, 3600)
            elif await self._deliver(hook, update):
                emu.updates.done(update)
            else:
                await emu.update_arrived.wait(emu.update_arrived.version, self._retry_seconds)

    async def _deliver(self, hook: WebhookConfig, update: JsonDict) -> bool:
        headers = {SECRET_HEADER: hook.secret_token} if hook.secret_token else {}
        try:
            async with self._session.post(hook.url, json=update, headers=headers) as response:
                if not 200 <= response.status < 300:
                    self._failed(hook, f"Wrong response from the webhook: {response.status} {response.reason}")
                    return False
                call = await _method_call(response)
        except (aiohttp.ClientError, TimeoutError) as exc:
            self._failed(hook, f"Connection failed: {type(exc).__name__}")
            return False
        if call:
            await self._execute(call)
        return True

    def _failed(self, hook: WebhookConfig, message: str) -> None:
        hook.last_error_date = self._emu.now()
        hook.last_error_message = message

    async def _execute(self, call: dict[str, Any]) -> None:
        method = find_method(str(call.get("method", "")))
        if method is None:
            return
        try:
            await method(self._emu, Params(call))
        except Exception as exc:  # Telegram ignores failures of a method answered in a webhook response
            log.info("webhook reply %s failed: %s", call.get("method"), exc)


async def _method_call(response: aiohttp.ClientResponse) -> dict[str, Any] | None:
    if response.content_type == "application/json":
        body = await response.text()
        data = json.loads(body) if body.strip() else None
        return data if isinstance(data, dict) and "method" in data else None
    if response.content_type != "multipart/form-data":
        return None
    fields: dict[str, Any] = {}
    reader = aiohttp.MultipartReader.from_response(response)
    async for part in reader:
        if isinstance(part, aiohttp.BodyPartReader) and part.name:
            content = await part.read()
            fields[part.name] = Upload(part.filename, content, "") if part.filename else content.decode()
    return fields if "method" in fields else None
