"""The WhatsApp Business Cloud API channel: webhook, renderer, client, 24-hour window and templates, outbox sender.

``setup_whatsapp(app, engine, settings, …)`` adds the webhook to the aiohttp app that serves the Telegram webhook;
``WhatsAppSender`` plugs into the outbox sender. See ``docs/whatsapp.md``.
"""

from bot.whatsapp.client import WhatsAppClient
from bot.whatsapp.delivery import PairGate, WhatsAppDelivery
from bot.whatsapp.observe import ProcessedTracker
from bot.whatsapp.sender import WhatsAppSender
from bot.whatsapp.setup import WEBHOOK_PATH, WhatsAppChannel, is_configured, setup_whatsapp, whatsapp_sender
from bot.whatsapp.templates import TemplateRegistry, default_registry
from bot.whatsapp.webhook import WhatsAppWebhook

__all__ = [
    "WEBHOOK_PATH",
    "PairGate",
    "ProcessedTracker",
    "TemplateRegistry",
    "WhatsAppChannel",
    "WhatsAppClient",
    "WhatsAppDelivery",
    "WhatsAppSender",
    "WhatsAppWebhook",
    "default_registry",
    "is_configured",
    "setup_whatsapp",
    "whatsapp_sender",
]
