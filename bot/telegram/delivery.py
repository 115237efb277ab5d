"""Inline delivery of the engine's replies to the chat that wrote, with the outbox as the safety net.

Replies go out in order. When Telegram answers 429 part-way — or cannot be reached (network error, 5xx) — the rest
(the unsent part of the current reply and every later reply) is queued in the outbox with ``not_before = now +
retry_after``, one row per reply with a dedupe key derived from the update id, so nothing is lost and a redelivered
update cannot queue it twice. A user who blocked the bot gets nothing more, quietly.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from aiogram.exceptions import TelegramForbiddenError

from bot.outbox.protocol import OutboxWriter
from bot.telegram.render import RenderInterrupted, TelegramRenderer
from dialogs.contract import Reply

log = logging.getLogger(__name__)

Now = Callable[[], dt.datetime]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ReplyDelivery:
    """Renders replies now, or queues them when Telegram asks us to wait."""

    def __init__(self, renderer: TelegramRenderer, outbox: OutboxWriter | None, now: Now = _utcnow) -> None:
        self.renderer = renderer
        self.outbox = outbox
        self.now = now

    async def deliver(
        self, chat_id: int, replies: Sequence[Reply], *, event_id: str, edit_message_id: int | None = None
    ) -> list[int]:
        sent: list[int] = []
        for index, reply in enumerate(replies):
            try:
                sent += await self.renderer.render(chat_id, reply, edit_message_id=edit_message_id)
            except RenderInterrupted as exc:
                sent += exc.sent
                if exc.transient:
                    log.warning("telegram unreachable (%s); replies queued", type(exc.__cause__).__name__)
                await self._queue(chat_id, [exc.remainder, *replies[index + 1 :]], event_id, index, exc.retry_after)
                break
            except TelegramForbiddenError:
                log.info("chat %s blocked the bot; %d replies not sent", chat_id, len(replies) - index)
                break
        return sent

    async def _queue(self, chat_id: int, rest: list[Reply], event_id: str, first: int, retry_after: float) -> None:
        if self.outbox is None:
            log.warning("telegram asked to wait %.0f s, no outbox: %d replies dropped", retry_after, len(rest))
            return
        not_before = self.now() + dt.timedelta(seconds=retry_after)
        for offset, reply in enumerate(rest):
            await self.outbox.enqueue(
                channel="telegram",
                chat_id=str(chat_id),
                payload=reply.to_dict(),
                not_before=not_before,
                dedupe_key=f"tg-reply:{event_id}:{first + offset}",
            )
        log.info("telegram asked to wait %.0f s: %d replies queued in the outbox", retry_after, len(rest))
