"""A local WhatsApp Cloud API emulator: the Graph routes the channel uses, the limits, the 24-hour window and the
template registry with Meta's error codes, and signed webhook deliveries of simulated users' messages."""

from bot.emulator.whatsapp.app import (
    DEFAULT_PREFIX,
    MEDIA_PATH,
    WA_EMULATOR_KEY,
    WebhookDeliverer,
    create_whatsapp_emulator,
    setup_cloud_api,
)
from bot.emulator.whatsapp.errors import GraphError, UserSideError
from bot.emulator.whatsapp.limits import WaLimits
from bot.emulator.whatsapp.state import (
    DEFAULT_APP_SECRET,
    DEFAULT_PHONE_NUMBER_ID,
    DEFAULT_TOKEN,
    WaEntry,
    WaUser,
    WhatsAppEmulator,
    choices_of,
)

__all__ = [
    "DEFAULT_APP_SECRET",
    "DEFAULT_PHONE_NUMBER_ID",
    "DEFAULT_PREFIX",
    "DEFAULT_TOKEN",
    "MEDIA_PATH",
    "WA_EMULATOR_KEY",
    "GraphError",
    "UserSideError",
    "WaEntry",
    "WaLimits",
    "WaUser",
    "WebhookDeliverer",
    "WhatsAppEmulator",
    "choices_of",
    "create_whatsapp_emulator",
    "setup_cloud_api",
]
