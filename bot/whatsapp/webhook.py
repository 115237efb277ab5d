"""The WhatsApp webhook: ``GET`` verification and ``POST`` notifications, answered at once and handled after.

```mermaid
sequenceDiagram
    participant M as Meta (or the emulator)
    participant W as webhook
    participant E as dialogs engine
    participant D as delivery → Cloud API
    M->>W: POST body + X-Hub-Signature-256
    W->>W: HMAC-SHA256(raw body, app secret), constant-time
    alt bad or missing signature
        W-->>M: 403 (nothing parsed, nothing done)
    else valid
        W-->>M: 200 at once
        W->>W: messages[] → events (numbered answer → button; media downloaded)
        W->>E: handle(event)  (event_id = wamid: a redelivery has no second effect)
        E-->>W: replies
        W->>D: deliver each reply
        W->>W: statuses[] → recorded against the outbox
    end
```
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections import OrderedDict
from collections.abc import Sequence

from aiohttp import web

from bot.outbox.protocol import OutboxWriter
from bot.whatsapp.client import WhatsAppClient
from bot.whatsapp.delivery import DeliveryInterrupted, Now, WhatsAppDelivery
from bot.whatsapp.errors import UNDELIVERABLE, UNSUPPORTED_TYPE, WhatsAppError
from bot.whatsapp.inbound import Inbound, parse
from bot.whatsapp.observe import ProcessedTracker
from bot.whatsapp.signature import SIGNATURE_HEADER, is_valid
from bot.whatsapp.stores import DeliveryStatus, Picked, StatusSink
from dialogs.contract import ButtonEvent, DialogEngine, FileEvent, InputEvent, Reply, TextEvent

log = logging.getLogger("asistent.whatsapp")
RECENT_WAMIDS = 10_000  # a fast path only: the engine's event_id dedupe is what holds across restarts
MAX_BODY_BYTES = 1024 * 1024


class WhatsAppWebhook:
    def __init__(
        self,
        engine: DialogEngine,
        delivery: WhatsAppDelivery,
        *,
        app_secret: str | None,
        verify_token: str | None,
        statuses: StatusSink,
        outbox: OutboxWriter | None = None,
        max_file_bytes: int = 10 * 1024 * 1024,
        tracker: ProcessedTracker | None = None,
        now: Now | None = None,
    ) -> None:
        self.engine = engine
        self.delivery = delivery
        self._app_secret = app_secret or ""
        self._verify_token = verify_token or ""
        self.statuses = statuses
        self.outbox = outbox
        self.max_file_bytes = max_file_bytes
        self.tracker = tracker
        self.now = now or delivery.now
        self.tasks: set[asyncio.Task[None]] = set()
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    @property
    def client(self) -> WhatsAppClient:
        return self.delivery.client

    # ---- HTTP --------------------------------------------------------------------------------------------------

    async def verify(self, request: web.Request) -> web.Response:
        """Meta's subscription check: echo ``hub.challenge`` when ``hub.verify_token`` is ours."""
        query = request.query
        token = query.get("hub.verify_token", "")
        ok = query.get("hub.mode") == "subscribe" and bool(self._verify_token)
        if ok and _same(token, self._verify_token):
            return web.Response(text=query.get("hub.challenge", ""))
        return web.Response(status=403, text="forbidden")

    async def receive(self, request: web.Request) -> web.Response:
        """Signature first (403, nothing parsed); then 200 at once, the work in a background task."""
        body = await request.content.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES or not is_valid(body, request.headers.get(SIGNATURE_HEADER), self._app_secret):
            return web.Response(status=403, text="bad signature")
        try:
            notification = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.Response(status=400, text="bad json")
        task = asyncio.create_task(self.process(notification))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return web.Response(text="ok")

    async def close(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Let notifications already taken finish (graceful shutdown)."""
        if self.tasks:
            await asyncio.wait(list(self.tasks), timeout=timeout)

    # ---- processing --------------------------------------------------------------------------------------------

    async def process(self, notification: object) -> None:
        messages, statuses = parse(notification, self.now())
        for message in messages:
            try:
                await self._message(message)
            except Exception:
                log.exception("whatsapp message %s failed", message.wamid)
            finally:
                if self.tracker is not None:
                    await self.tracker.done(message.wamid)
        for status in statuses:
            try:
                await self._status(status)
            except Exception:
                log.exception("whatsapp status %s/%s failed", status.message_id, status.status)
            finally:
                if self.tracker is not None:
                    await self.tracker.done(f"status:{status.message_id}:{status.status}")

    def _lock(self, chat_id: str) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = self._locks[chat_id] = asyncio.Lock()
        return lock

    async def _message(self, message: Inbound) -> None:
        chat_id = message.chat.chat_id
        async with self._lock(chat_id):  # one chat's messages and replies in order
            if message.wamid in self._recent:
                return
            self._remember(message.wamid)
            picked = await self._numbered(message)
            if picked is not None and picked.answer is not None:  # a number not offered, or a list too old
                await self.delivery.windows.note_inbound(chat_id, message.received_at)
                await self._reply(chat_id, message.wamid, [Reply(text=picked.answer)])
                return
            event = await self._event(message, picked.payload if picked is not None else None)
            replies = await self.engine.handle(event)
            await self.delivery.windows.note_inbound(chat_id, message.received_at)
            await self._reply(chat_id, message.wamid, replies)

    def _remember(self, wamid: str) -> None:
        self._recent[wamid] = None
        while len(self._recent) > RECENT_WAMIDS:
            self._recent.popitem(last=False)

    async def _numbered(self, message: Inbound) -> Picked | None:
        """A typed number answering numbered choices (remembered across restarts with a database)."""
        if message.kind != "text":
            return None
        return await self.delivery.choices.take(message.chat.chat_id, message.text)

    async def _event(self, message: Inbound, picked: str | None = None) -> InputEvent:
        chat, wamid, at = message.chat, message.wamid, message.received_at
        if message.kind == "button":
            return ButtonEvent(chat, message.payload, wamid, at, message_ref=message.context_id)
        if message.kind == "text":
            if picked is not None:
                return ButtonEvent(chat, picked, wamid, at)
            return TextEvent(chat, message.text, wamid, at)
        if message.kind == "media":
            content = b""
            try:
                content, _ = await self.client.download(message.media_id, self.max_file_bytes)
            except (ValueError, WhatsAppError) as exc:  # too large or gone: the dialog still answers the file
                log.info("whatsapp media of %s not downloaded: %s", wamid, type(exc).__name__)
            return FileEvent(chat, message.file_name, message.mime_type, content, wamid, at, caption=message.caption)
        return TextEvent(chat, "", wamid, at)  # a voice note, a sticker: the dialog asks for words

    async def _reply(self, chat_id: str, wamid: str, replies: Sequence[Reply]) -> None:
        for index, reply in enumerate(replies):
            try:
                await self.delivery.deliver(chat_id, reply)
            except DeliveryInterrupted as exc:
                await self._queue(chat_id, wamid, [exc.remainder, *replies[index + 1 :]], exc.retry_after)
                return
            except Exception as exc:
                log.warning("whatsapp reply to %s not sent: %s", wamid, _describe(exc))
                return

    async def _queue(self, chat_id: str, wamid: str, replies: Sequence[Reply], seconds: float) -> None:
        """Throughput limit mid-answer: the rest goes through the outbox (the sender waits and sends it)."""
        if self.outbox is None:
            log.warning("whatsapp rate limit: %d replies to %s dropped (no outbox)", len(replies), wamid)
            return
        import datetime as dt

        not_before = self.now() + dt.timedelta(seconds=seconds)
        for index, reply in enumerate(replies):
            await self.outbox.enqueue(
                channel="whatsapp",
                chat_id=chat_id,
                payload=reply.to_dict(),
                not_before=not_before,
                dedupe_key=f"wa-inline:{wamid}:{index}"[:200],
            )

    async def _status(self, status: DeliveryStatus) -> None:
        await self.statuses.record(status)
        unreachable = {UNDELIVERABLE, UNSUPPORTED_TYPE} & set(status.error_codes)
        if status.status == "failed" and unreachable and status.recipient:
            await self.delivery.windows.mark_unreachable(status.recipient)


def _same(given: str, expected: str) -> bool:
    import hmac

    return hmac.compare_digest(given.encode(), expected.encode())


def _describe(exc: Exception) -> str:
    return str(exc)[:200] if isinstance(exc, WhatsAppError | ValueError) else type(exc).__name__
