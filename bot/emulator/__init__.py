"""Local emulators of the messaging platforms (Telegram now; WhatsApp beside it later), for local mode and tests."""

from bot.emulator.clock import Clock, ManualClock, SystemClock
from bot.emulator.server import RedactingAccessLogger, RunningServer, redact_path, serve
from bot.emulator.telegram import Limits, TelegramEmulator, create_telegram_emulator

__all__ = [
    "Clock",
    "Limits",
    "ManualClock",
    "RedactingAccessLogger",
    "RunningServer",
    "SystemClock",
    "TelegramEmulator",
    "create_telegram_emulator",
    "redact_path",
    "serve",
]
