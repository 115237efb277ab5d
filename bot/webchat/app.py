"""The local mode's single app: the Bot API emulator and the web chat on one port."""

from __future__ import annotations

from aiohttp import web

from bot.emulator.telegram import EMULATOR_KEY, TelegramEmulator, create_telegram_emulator
from bot.webchat.routes import setup_webchat
from bot.webchat.telegram_channel import TelegramWebChannel


def create_webchat_app(
    emulator: TelegramEmulator | None = None, *, webhook_retry_seconds: float = 1.0
) -> web.Application:
    """Bot API at ``/bot<token>/…`` and the page at ``/``; the emulator is ``app[EMULATOR_KEY]``."""
    app = create_telegram_emulator(emulator, webhook_retry_seconds=webhook_retry_seconds)

    setup_webchat(app, TelegramWebChannel(app[EMULATOR_KEY]))
    return app
