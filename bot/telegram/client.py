"""The ``Bot`` object: a token, and the Bot API server to talk to (Telegram's, a local Bot API server, or the
emulator) via ``TelegramAPIServer.from_base``. Tokens never reach a log line: ``mask_token`` hides them in URLs."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer

from bot.runtime.logs import mask_token

__all__ = ["api_server", "make_bot", "mask_token"]


def api_server(base_url: str | None) -> TelegramAPIServer:
    """Telegram's servers, or another Bot API server at ``base_url`` (no trailing slash needed)."""
    if not base_url or base_url.rstrip("/") == "https://api.telegram.org":
        return PRODUCTION
    return TelegramAPIServer.from_base(base_url.rstrip("/"))


def make_bot(token: str, base_url: str | None = None, *, timeout: float = 60.0) -> Bot:
    """A bot with its own aiohttp session against ``base_url``."""
    session = AiohttpSession(api=api_server(base_url), timeout=timeout)
    return Bot(token, session=session)
