"""Local mode (``asistent run`` without real credentials): the channel talks to the Cloud API emulator served on the
same app, and the emulator delivers to the channel's webhook — both known only once the server has its port."""

from __future__ import annotations

from pydantic import SecretStr

from bot.emulator.whatsapp import (
    DEFAULT_APP_SECRET,
    DEFAULT_PHONE_NUMBER_ID,
    DEFAULT_PREFIX,
    DEFAULT_TOKEN,
    WhatsAppEmulator,
)
from bot.whatsapp.setup import WEBHOOK_PATH, WhatsAppChannel, is_configured
from core.settings import Settings

LOCAL_VERIFY_TOKEN = "emulator-verify-token"  # noqa: S105 - a public placeholder


def local_settings(settings: Settings) -> Settings:
    """``settings`` with the emulator's public placeholders for the WhatsApp credentials."""
    return settings.model_copy(
        update={
            "WHATSAPP_TOKEN": SecretStr(DEFAULT_TOKEN),
            "WHATSAPP_PHONE_NUMBER_ID": DEFAULT_PHONE_NUMBER_ID,
            "WHATSAPP_APP_SECRET": SecretStr(DEFAULT_APP_SECRET),
            "WHATSAPP_VERIFY_TOKEN": SecretStr(LOCAL_VERIFY_TOKEN),
        }
    )


def is_local(settings: Settings) -> bool:
    """No real WhatsApp credentials: use the emulator."""
    return not is_configured(settings)


def local_api_base(server_url: str) -> str:
    return server_url.rstrip("/") + DEFAULT_PREFIX


def connect_local(channel: WhatsAppChannel, emulator: WhatsAppEmulator, server_url: str) -> None:
    """Point the channel at the emulator and the emulator's webhook at the channel (``server_url``: loopback)."""
    channel.client.api_base = local_api_base(server_url)
    emulator.webhook_url = server_url.rstrip("/") + WEBHOOK_PATH
