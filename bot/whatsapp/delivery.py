"""Sending one ``Reply`` to one chat: the renderer's messages in order, media uploaded first, the template when the
24-hour window is closed, and the Cloud API's rate errors handled on the way.

```mermaid
flowchart TD
    R[Reply] --> P{proactive and window closed?}
    P -- yes --> TPL[template message]
    P -- no --> S[each planned message]
    S -->|131056 pair rate| G[slow this user: wait the pair interval, send again once]
    S -->|130429 throughput| I[DeliveryInterrupted: retry_after + the rest of the reply]
    S -->|131047 outside window, nothing sent yet| TPL
    S -->|131026 / 131051| U[binding marked undeliverable; error raised]
```
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable

from bot.whatsapp.client import DEFAULT_RETRY_SECONDS, WhatsAppClient
from bot.whatsapp.errors import WhatsAppApiError
from bot.whatsapp.render import JsonDict, Step, media_body, plan, remainder
from bot.whatsapp.stores import TEMPLATE_ONLY, ChatWindows, ChoiceMemory, MemoryChoices, window_open
from bot.whatsapp.templates import TemplateRegistry, default_registry
from dialogs.contract import Reply

Now = Callable[[], dt.datetime]
Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
#: Meta's pair rate: about one message per 6 seconds to one user, after a burst
PAIR_INTERVAL_SECONDS = 6.0
PAIR_SLOW_SECONDS = 60.0


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DeliveryInterrupted(Exception):  # noqa: N818 — a control signal
    """130429 part-way: wait ``retry_after`` seconds, then send ``remainder``; ``sent`` went out already."""

    def __init__(self, retry_after: float, remainder: Reply, sent: list[str]) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after
        self.remainder = remainder
        self.sent = sent


class PairGate:
    """After a 131056 for a user, messages to that user are spaced ``interval`` apart for ``slow_for`` seconds;
    other users are not slowed. Time is injected (tests never wait)."""

    def __init__(
        self,
        interval: float = PAIR_INTERVAL_SECONDS,
        slow_for: float = PAIR_SLOW_SECONDS,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self.slow_for = slow_for
        self._monotonic = monotonic
        self._sleep = sleep
        self._slow_until: dict[str, float] = {}
        self._last_sent: dict[str, float] = {}

    def is_slowed(self, chat_id: str) -> bool:
        return self._slow_until.get(chat_id, 0.0) > self._monotonic()

    async def wait(self, chat_id: str) -> None:
        if not self.is_slowed(chat_id):
            return
        delay = self._last_sent.get(chat_id, -self.interval) + self.interval - self._monotonic()
        if delay > 0:
            await self._sleep(delay)

    def sent(self, chat_id: str) -> None:
        self._last_sent[chat_id] = self._monotonic()
        if not self.is_slowed(chat_id):
            self._slow_until.pop(chat_id, None)

    def hit(self, chat_id: str) -> None:
        now = self._monotonic()
        self._slow_until[chat_id] = now + self.slow_for
        self._last_sent[chat_id] = now


class WhatsAppDelivery:
    """Renders and sends replies for the webhook (inline answers) and the outbox sender (proactive messages)."""

    def __init__(
        self,
        client: WhatsAppClient,
        *,
        windows: ChatWindows,
        choices: ChoiceMemory | None = None,
        templates: TemplateRegistry | None = None,
        gate: PairGate | None = None,
        now: Now = utcnow,
    ) -> None:
        self.client = client
        self.windows = windows
        self.choices: ChoiceMemory = choices or MemoryChoices(now)
        self.templates = templates or default_registry()
        self.gate = gate or PairGate()
        self.now = now

    async def deliver(self, chat_id: str, reply: Reply, *, proactive: bool = False) -> list[str]:
        """Send ``reply``; the ids (``wamid``) of the messages sent."""
        if reply.meta.get(TEMPLATE_ONLY) or (
            proactive and not window_open(await self.windows.last_inbound(chat_id), self.now())
        ):
            return [await self.send_template(chat_id, reply)]
        steps = plan(reply)
        sent: list[str] = []
        for index, step in enumerate(steps):
            try:
                sent.append(await self._step(chat_id, step))
            except WhatsAppApiError as exc:
                if exc.is_rate_limit:
                    wait = exc.retry_after or DEFAULT_RETRY_SECONDS
                    raise DeliveryInterrupted(wait, remainder(reply, steps[index:]), sent) from exc
                if exc.is_outside_window and not sent and reply.template is not None:
                    return [await self.send_template(chat_id, reply)]
                if exc.is_undeliverable:
                    await self.windows.mark_unreachable(chat_id)
                raise
        return sent

    async def send_template(self, chat_id: str, reply: Reply) -> str:
        """``reply`` as its template (``TemplateError`` when it has none)."""
        language = str(reply.meta.get("lang") or "ru")
        return await self._send(chat_id, self.templates.message(reply, language))

    async def _step(self, chat_id: str, step: Step) -> str:
        if step.kind == "media" and step.attachment is not None:
            attachment = step.attachment
            media_id = await self.client.upload(attachment.content, attachment.mime_type, attachment.file_name)
            return await self._send(chat_id, media_body(attachment, media_id))
        wamid = await self._send(chat_id, step.body)
        if step.choices:
            await self.choices.offer(chat_id, step.choices, step.lang)
        return wamid

    async def _send(self, chat_id: str, body: JsonDict) -> str:
        await self.gate.wait(chat_id)
        try:
            return await self.client.send(chat_id, body)
        except WhatsAppApiError as exc:
            if not exc.is_pair_rate:
                raise
            self.gate.hit(chat_id)  # slow down for this user only, then try once more
            await self.gate.wait(chat_id)
            return await self.client.send(chat_id, body)
        finally:
            self.gate.sent(chat_id)
