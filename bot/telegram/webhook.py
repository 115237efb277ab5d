"""Webhook mode: the dispatcher behind aiogram's ``SimpleRequestHandler`` on our aiohttp app.

The handler compares the ``X-Telegram-Bot-Api-Secret-Token`` header with ``TELEGRAM_WEBHOOK_SECRET`` in constant time
and answers 401 on a mismatch. The same aiohttp app serves the web chat and, later, the WhatsApp webhook.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

DEFAULT_WEBHOOK_PATH = "/telegram/webhook"


def webhook_path(webhook_url: str) -> str:
    """The local route for a public webhook URL: its path, or ``/telegram/webhook`` when it has none."""
    path = urlsplit(webhook_url).path
    return path if path not in ("", "/") else DEFAULT_WEBHOOK_PATH


def mount_webhook(
    app: web.Application, dp: Dispatcher, bot: Bot, *, path: str, secret: str | None
) -> SimpleRequestHandler:
    """Serve Telegram's POSTs on ``path``; updates are handled in background tasks (Telegram gets 200 at once)."""
    handler = SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=secret, handle_in_background=True)
    handler.register(app, path=path)
    return handler


async def register_webhook(bot: Bot, dp: Dispatcher, *, url: str, secret: str | None) -> None:
    """Tell Telegram where to POST (``setWebhook`` with the secret and only the update types we handle)."""
    await bot.set_webhook(url, secret_token=secret, allowed_updates=dp.resolve_used_update_types())
