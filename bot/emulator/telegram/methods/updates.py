"""getUpdates (long polling) and the webhook settings."""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import urlsplit

from bot.emulator.telegram.errors import OTHER_POLLER, WEBHOOK_ACTIVE, bad_request
from bot.emulator.telegram.models import JsonDict
from bot.emulator.telegram.params import Params
from bot.emulator.telegram.state import TelegramEmulator
from bot.emulator.telegram.updates import WebhookConfig

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def _allowed_updates(params: Params) -> list[str] | None:
    raw = params.get_json("allowed_updates")
    if raw is None or raw == "":
        return None
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise bad_request("can't parse allowed updates JSON object")
    return list(raw)


async def get_updates(emu: TelegramEmulator, params: Params) -> list[JsonDict]:
    """Confirm below ``offset``, then answer at once or wait up to ``timeout`` seconds for an update."""
    if emu.updates.webhook is not None:
        raise WEBHOOK_ACTIVE
    allowed = _allowed_updates(params)
    if allowed is not None:
        emu.updates.allowed_updates = allowed
    offset = params.get_int("offset")
    if offset:
        emu.updates.confirm(offset)
    limit = min(max(params.get_int("limit", 100) or 100, 1), 100)
    timeout = float(max(params.get_int("timeout", 0) or 0, 0))
    emu.poll_generation += 1
    generation = emu.poll_generation
    emu.update_arrived.notify()  # an older poll still waiting is terminated, as Telegram does
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        if emu.poll_generation != generation:
            raise OTHER_POLLER
        batch = emu.updates.take(limit)
        remaining = deadline - asyncio.get_running_loop().time()
        if batch or remaining <= 0 or emu.closed:
            return batch
        await emu.update_arrived.wait(emu.update_arrived.version, remaining)


async def set_webhook(emu: TelegramEmulator, params: Params) -> bool:
    url = params.get_str("url") or ""
    if not url:
        return await delete_webhook(emu, params)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    secret = params.get_str("secret_token")
    if secret is not None and not _SECRET.match(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = params.get_int("max_connections", 40) or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    if params.get_bool("drop_pending_updates"):
        emu.updates.clear()
    allowed = _allowed_updates(params)
    previous = emu.updates.webhook
    kept = allowed if allowed is not None else (previous.allowed_updates if previous else emu.updates.allowed_updates)
    emu.updates.webhook = WebhookConfig(url, secret, max_connections, kept)
    emu.poll_generation += 1
    emu.update_arrived.notify()
    return True


async def delete_webhook(emu: TelegramEmulator, params: Params) -> bool:
    if params.get_bool("drop_pending_updates"):
        emu.updates.clear()
    emu.updates.webhook = None
    emu.update_arrived.notify()
    return True


async def get_webhook_info(emu: TelegramEmulator, params: Params) -> JsonDict:
    hook = emu.updates.webhook
    info: dict[str, Any] = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(emu.updates),
    }
    if hook:
        info["max_connections"] = hook.max_connections
        if hook.allowed_updates:
            info["allowed_updates"] = hook.allowed_updates
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    return info


METHODS = {
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
