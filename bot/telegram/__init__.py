"""The Telegram front end (aiogram 3): updates → ``dialogs.contract`` events → the engine → rendered replies."""

from __future__ import annotations

from bot.telegram.client import make_bot, mask_token
from bot.telegram.dispatcher import build_dispatcher

__all__ = ["build_dispatcher", "make_bot", "mask_token"]
