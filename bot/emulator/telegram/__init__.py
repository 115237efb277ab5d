"""A local Telegram Bot API emulator: real aiogram sessions talk to it over HTTP, as to api.telegram.org."""

from bot.emulator.telegram.app import EMULATOR_KEY, create_telegram_emulator, setup_bot_api
from bot.emulator.telegram.errors import BotApiError, UserSideError
from bot.emulator.telegram.limits import Limits, utf16_length
from bot.emulator.telegram.models import ChatEntry, SimUser, StoredFile
from bot.emulator.telegram.state import DEFAULT_TOKEN, TelegramEmulator
from bot.emulator.telegram.webhook import SECRET_HEADER

__all__ = [
    "DEFAULT_TOKEN",
    "EMULATOR_KEY",
    "SECRET_HEADER",
    "BotApiError",
    "ChatEntry",
    "Limits",
    "SimUser",
    "StoredFile",
    "TelegramEmulator",
    "UserSideError",
    "create_telegram_emulator",
    "setup_bot_api",
    "utf16_length",
]
