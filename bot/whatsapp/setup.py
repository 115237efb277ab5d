"""Assembling the channel from the settings: the webhook routes on an existing aiohttp app, and the outbox sender.

Stable settings: ``WHATSAPP_TOKEN``, ``WHATSAPP_PHONE_NUMBER_ID``, ``WHATSAPP_APP_SECRET``, ``WHATSAPP_VERIFY_TOKEN``,
``WHATSAPP_API_BASE`` (``WHATSAPP_RATE_PER_SECOND`` is the outbox bucket's rate). Secrets are read here and handed to
the objects that need them; none is logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from bot.outbox.protocol import OutboxWriter
from bot.whatsapp.client import WhatsAppClient
from bot.whatsapp.delivery import Now, PairGate, WhatsAppDelivery, utcnow
from bot.whatsapp.observe import ProcessedTracker
from bot.whatsapp.sender import WhatsAppSender
from bot.whatsapp.stores import (
    ChatWindows,
    ChoiceMemory,
    MemoryChoices,
    MemoryStatuses,
    MemoryWindows,
    SqlChoices,
    SqlStatuses,
    SqlWindows,
    StatusSink,
)
from bot.whatsapp.templates import TemplateRegistry
from bot.whatsapp.webhook import WhatsAppWebhook
from core.settings import Settings
from core.storage import Database
from dialogs.contract import DialogEngine

log = logging.getLogger("asistent.whatsapp")
WEBHOOK_PATH = "/whatsapp/webhook"


def _secret(value: SecretStr | None) -> str | None:
    raw = value.get_secret_value() if value is not None else ""
    return raw or None


def is_configured(settings: Settings) -> bool:
    """True when the settings can send and receive (token, phone number id, app secret)."""
    return all(
        (_secret(settings.WHATSAPP_TOKEN), settings.WHATSAPP_PHONE_NUMBER_ID, _secret(settings.WHATSAPP_APP_SECRET))
    )


def make_client(settings: Settings, api_base: str | None = None) -> WhatsAppClient:
    return WhatsAppClient(
        api_base=api_base or settings.WHATSAPP_API_BASE,
        phone_number_id=settings.WHATSAPP_PHONE_NUMBER_ID or "",
        token=_secret(settings.WHATSAPP_TOKEN) or "",
    )


@dataclass
class WhatsAppChannel:
    """What ``setup_whatsapp`` built; ``sender()`` gives the outbox its ``ChannelSender`` over the same client."""

    webhook: WhatsAppWebhook
    delivery: WhatsAppDelivery

    @property
    def client(self) -> WhatsAppClient:
        return self.delivery.client

    def sender(self, **kwargs: Any) -> WhatsAppSender:
        return WhatsAppSender(self.delivery, **kwargs)

    async def close(self) -> None:
        await self.webhook.close()
        await self.client.close()


def setup_whatsapp(
    app: web.Application,
    engine: DialogEngine,
    settings: Settings,
    *,
    database: Database | None = None,
    outbox: OutboxWriter | None = None,
    api_base: str | None = None,
    path: str = WEBHOOK_PATH,
    windows: ChatWindows | None = None,
    statuses: StatusSink | None = None,
    choices: ChoiceMemory | None = None,
    templates: TemplateRegistry | None = None,
    gate: PairGate | None = None,
    tracker: ProcessedTracker | None = None,
    now: Now = utcnow,
    max_file_bytes: int | None = None,
) -> WhatsAppChannel:
    """Add ``GET``/``POST path`` (the webhook) to ``app`` and return the channel.

    With ``database`` the 24-hour windows, delivery statuses and numbered choices live in it (chat bindings, outbox
    rows); without, in memory. ``api_base`` overrides ``WHATSAPP_API_BASE`` (the local emulator)."""
    windows = windows or (SqlWindows(database) if database is not None else MemoryWindows())
    statuses = statuses or (SqlStatuses(database) if database is not None else MemoryStatuses())
    choices = choices or (SqlChoices(database, now) if database is not None else MemoryChoices(now))
    client = make_client(settings, api_base)
    delivery = WhatsAppDelivery(client, windows=windows, choices=choices, templates=templates, gate=gate, now=now)
    app_secret = _secret(settings.WHATSAPP_APP_SECRET)
    if app_secret is None:
        log.warning("WHATSAPP_APP_SECRET is not set: every WhatsApp notification will be refused (403)")
    webhook = WhatsAppWebhook(
        engine,
        delivery,
        app_secret=app_secret,
        verify_token=_secret(settings.WHATSAPP_VERIFY_TOKEN),
        statuses=statuses,
        outbox=outbox,
        max_file_bytes=max_file_bytes or settings.TELEGRAM_MAX_FILE_BYTES,
        tracker=tracker,
    )
    app.router.add_get(path, webhook.verify)
    app.router.add_post(path, webhook.receive)
    channel = WhatsAppChannel(webhook, delivery)

    async def on_shutdown(_: web.Application) -> None:
        await channel.close()

    app.on_shutdown.append(on_shutdown)
    return channel


def whatsapp_sender(
    settings: Settings, database: Database, *, api_base: str | None = None, now: Now = utcnow
) -> WhatsAppSender:
    """The outbox's WhatsApp sender for ``asistent worker`` (no webhook in that process)."""
    client = make_client(settings, api_base)
    delivery = WhatsAppDelivery(client, windows=SqlWindows(database), choices=SqlChoices(database, now), now=now)
    return WhatsAppSender(delivery)
