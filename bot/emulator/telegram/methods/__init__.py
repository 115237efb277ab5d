"""Bot API methods by name; each takes the emulator and the call's parameters and returns the ``result``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.emulator.telegram.methods import bot_info, messages, updates
from bot.emulator.telegram.params import Params
from bot.emulator.telegram.state import TelegramEmulator

Method = Callable[[TelegramEmulator, Params], Awaitable[Any]]

METHODS: dict[str, Method] = {**bot_info.METHODS, **messages.METHODS, **updates.METHODS}


def find_method(name: str) -> Method | None:
    """Telegram matches method names case-insensitively."""
    return _BY_LOWER.get(name.lower())


_BY_LOWER = {name.lower(): method for name, method in METHODS.items()}
