"""The WhatsApp ``ChannelSender`` for the outbox: proactive messages (reminders, deferred replies).

Outside the 24-hour window a message goes as its template; the Cloud API's errors are sorted into the outbox's wait /
retry / fail. An authentication error stops the channel loudly: logged at CRITICAL once, every row deferred (nothing
lost, nothing sent twice) until the token is fixed and the process restarted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.outbox.protocol import PermanentSendError, RetryAfter, SendResult, TransientSendError
from bot.whatsapp.delivery import DeliveryInterrupted, WhatsAppDelivery
from bot.whatsapp.errors import WhatsAppApiError, WhatsAppNetworkError
from bot.whatsapp.templates import TemplateError
from dialogs.contract import Reply

log = logging.getLogger("asistent.whatsapp")
AUTH_PAUSE_SECONDS = 3600.0


class WhatsAppSender:
    channel = "whatsapp"

    def __init__(
        self,
        delivery: WhatsAppDelivery,
        *,
        on_auth_failure: Callable[[], None] | None = None,
        auth_pause_seconds: float = AUTH_PAUSE_SECONDS,
    ) -> None:
        self.delivery = delivery
        self.on_auth_failure = on_auth_failure
        self.auth_pause_seconds = auth_pause_seconds
        self.halted = False

    async def close(self) -> None:
        """Close the HTTP session (``asistent worker`` on shutdown)."""
        await self.delivery.client.close()

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        if self.halted:
            raise RetryAfter(self.auth_pause_seconds)
        try:
            sent = await self.delivery.deliver(chat_id, reply, proactive=True)
        except DeliveryInterrupted as exc:
            raise RetryAfter(exc.retry_after, exc.remainder if exc.sent else None) from exc
        except TemplateError as exc:
            raise PermanentSendError(f"outside the 24-hour window: {exc}") from exc
        except WhatsAppNetworkError as exc:
            raise TransientSendError(str(exc)) from exc
        except WhatsAppApiError as exc:
            raise self._sorted(exc) from exc
        return SendResult(provider_message_id=sent[0] if sent else "")

    def _sorted(self, exc: WhatsAppApiError) -> Exception:
        if exc.is_auth:
            self._halt(exc)
            return RetryAfter(self.auth_pause_seconds)
        if exc.is_pair_rate or exc.is_transient:
            return TransientSendError(str(exc))
        return PermanentSendError(str(exc)[:200])

    def _halt(self, exc: WhatsAppApiError) -> None:
        if not self.halted:
            log.critical(
                "WhatsApp authentication failed (code %s: %s): sending stopped; fix WHATSAPP_TOKEN and restart",
                exc.code,
                exc.message,
            )
        self.halted = True
        if self.on_auth_failure is not None:
            self.on_auth_failure()
