"""The ``Bot`` object: a token, and the Bot API server to talk to (Telegram's, a local Bot API server, or the
emulator) via ``TelegramAPIServer.from_base``. Tokens never reach a log line: ``mask_token`` hides them in URLs."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, methods
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.methods.base import Response

from bot.runtime.logs import mask_token

__all__ = ["api_server", "make_bot", "mask_token"]

# aiogram validates every answer as ``Response[method.__returning__]``; pydantic keeps parametrised generics only
# weakly, so after a garbage collection the next call rebuilds the class (10–35 ms of CPU each, measured in
# bench/chat_bench.py). Holding them here keeps one class per method for the life of the process.
_USED_METHODS = (
    methods.GetMe, methods.GetUpdates, methods.SendMessage, methods.EditMessageText,
    methods.EditMessageReplyMarkup, methods.AnswerCallbackQuery, methods.SendDocument, methods.SendPhoto,
    methods.GetFile, methods.SetMyCommands, methods.SetWebhook, methods.DeleteWebhook, methods.GetWebhookInfo,
    methods.DeleteMessage, methods.SendChatAction,
)  # fmt: skip
_RESPONSE_TYPES: tuple[Any, ...] = tuple(Response[m.__returning__] for m in _USED_METHODS)  # type: ignore[name-defined]


def api_server(base_url: str | None) -> TelegramAPIServer:
    """Telegram's servers, or another Bot API server at ``base_url`` (no trailing slash needed)."""
    if not base_url or base_url.rstrip("/") == "https://api.telegram.org":
        return PRODUCTION
    return TelegramAPIServer.from_base(base_url.rstrip("/"))


def make_bot(token: str, base_url: str | None = None, *, timeout: float = 60.0) -> Bot:
    """A bot with its own aiohttp session against ``base_url``."""
    session = AiohttpSession(api=api_server(base_url), timeout=timeout)
    return Bot(token, session=session)
