"""The Bot API over HTTP: ``/bot<token>/<method>`` and ``/file/bot<token>/<path>``, in Telegram's response shapes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
from aiohttp import web

from bot.emulator.telegram.errors import NOT_FOUND, UNAUTHORIZED, BotApiError
from bot.emulator.telegram.methods import find_method
from bot.emulator.telegram.params import read_params
from bot.emulator.telegram.state import TelegramEmulator
from bot.emulator.telegram.webhook import WebhookDeliverer

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
EMULATOR_KEY = web.AppKey("telegram_emulator", TelegramEmulator)


def create_telegram_emulator(
    emulator: TelegramEmulator | None = None, *, webhook_retry_seconds: float = 1.0
) -> web.Application:
    """An aiohttp app serving the Bot API of ``emulator`` (a new one when omitted; see ``app[EMULATOR_KEY]``)."""
    emu = emulator or TelegramEmulator()
    app = web.Application(client_max_size=emu.limits.max_upload_bytes + 1024 * 1024)
    app[EMULATOR_KEY] = emu
    setup_bot_api(app, emu, webhook_retry_seconds=webhook_retry_seconds)
    return app


def setup_bot_api(app: web.Application, emu: TelegramEmulator, *, webhook_retry_seconds: float = 1.0) -> None:
    """Add the Bot API routes and the webhook deliverer to an existing app."""
    app.router.add_route("*", "/bot{token}/{method}", _method_handler(emu))
    app.router.add_get("/file/bot{token}/{path:.+}", _file_handler(emu))

    async def webhook_context(_: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            task = asyncio.create_task(WebhookDeliverer(emu, session, webhook_retry_seconds).run())
            yield
            task.cancel()

    async def on_shutdown(_: web.Application) -> None:
        emu.close()

    app.cleanup_ctx.append(webhook_context)
    app.on_shutdown.append(on_shutdown)


def _error(error: BotApiError) -> web.Response:
    return web.json_response(error.body(), status=error.code)


def _method_handler(emu: TelegramEmulator) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        if not emu.accepts_token(request.match_info["token"]):
            return _error(UNAUTHORIZED)
        name = request.match_info["method"]
        method = find_method(name)
        if method is None:
            return _error(NOT_FOUND)
        try:
            result = await method(emu, await read_params(request))
        except BotApiError as error:
            return _error(error)
        except web.HTTPRequestEntityTooLarge:
            return _error(BotApiError(413, "Request Entity Too Large"))
        except Exception:  # the bot gets a 500 like Telegram's; the token is never logged (it is in the URL)
            log.exception("emulated method %s failed", name)
            return _error(BotApiError(500, "Internal Server Error"))
        return web.json_response({"ok": True, "result": result})

    return handle


def _file_handler(emu: TelegramEmulator) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        if not emu.accepts_token(request.match_info["token"]):
            return _error(UNAUTHORIZED)
        stored = emu.files.by_path(request.match_info["path"])
        if stored is None:
            return _error(NOT_FOUND)
        return web.Response(body=stored.content, content_type=stored.mime_type)

    return handle
