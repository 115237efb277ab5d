"""The local mode's single app: the Bot API emulator (and, when given, the WhatsApp Cloud API emulator) and the web
chat on one port."""

from __future__ import annotations

from aiohttp import web

from bot.emulator.telegram import EMULATOR_KEY, TelegramEmulator, create_telegram_emulator
from bot.emulator.whatsapp import WA_EMULATOR_KEY, WhatsAppEmulator, setup_cloud_api
from bot.webchat.channel import WebChatChannel
from bot.webchat.routes import setup_webchat
from bot.webchat.telegram_channel import TelegramWebChannel
from bot.webchat.whatsapp import WhatsAppWebChannel


def create_webchat_app(
    emulator: TelegramEmulator | None = None,
    *,
    webhook_retry_seconds: float = 1.0,
    whatsapp: WhatsAppEmulator | None = None,
) -> web.Application:
    """Bot API at ``/bot<token>/…`` and the page at ``/``; the emulator is ``app[EMULATOR_KEY]``.

    With ``whatsapp``, its Cloud API is served too (``/whatsapp/v23.0/…``, ``app[WA_EMULATOR_KEY]``) and the page
    offers WhatsApp beside Telegram."""
    app = create_telegram_emulator(emulator, webhook_retry_seconds=webhook_retry_seconds)
    channels: list[WebChatChannel] = [TelegramWebChannel(app[EMULATOR_KEY])]
    if whatsapp is not None:
        app[WA_EMULATOR_KEY] = whatsapp
        setup_cloud_api(app, whatsapp, webhook_retry_seconds=webhook_retry_seconds)
        channels.append(WhatsAppWebChannel(whatsapp))
    setup_webchat(app, *channels)
    return app
