"""The Cloud API over HTTP (``/whatsapp/v23.0/…`` by default) and the webhook deliverer, on any aiohttp app.

Routes: ``POST {prefix}/{phone_number_id}/messages``, ``POST {prefix}/{phone_number_id}/media`` (multipart),
``GET {prefix}/{media_id}`` (the media's URL and facts) and the URL itself, ``GET /whatsapp/media/{media_id}``.
Every route wants ``Authorization: Bearer <token>`` (190 otherwise).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
from aiohttp import web

from bot.emulator.whatsapp.errors import GraphError, invalid
from bot.emulator.whatsapp.state import WhatsAppEmulator
from bot.whatsapp.signature import SIGNATURE_HEADER, sign

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
WA_EMULATOR_KEY = web.AppKey("whatsapp_emulator", WhatsAppEmulator)
DEFAULT_PREFIX = "/whatsapp/v23.0"
MEDIA_PATH = "/whatsapp/media"


def create_whatsapp_emulator(
    emulator: WhatsAppEmulator | None = None, *, prefix: str = DEFAULT_PREFIX, webhook_retry_seconds: float = 1.0
) -> web.Application:
    """An app serving the Cloud API of ``emulator`` (``app[WA_EMULATOR_KEY]``)."""
    emu = emulator or WhatsAppEmulator()
    app = web.Application(client_max_size=emu.limits.max_media_bytes + 1024 * 1024)
    app[WA_EMULATOR_KEY] = emu
    setup_cloud_api(app, emu, prefix=prefix, webhook_retry_seconds=webhook_retry_seconds)
    return app


def setup_cloud_api(
    app: web.Application, emu: WhatsAppEmulator, *, prefix: str = DEFAULT_PREFIX, webhook_retry_seconds: float = 1.0
) -> None:
    """Add the Cloud API routes and the webhook deliverer to an existing app."""
    router = app.router
    router.add_post(f"{prefix}/{{phone_number_id}}/messages", _guarded(emu, _messages(emu)))
    router.add_post(f"{prefix}/{{phone_number_id}}/media", _guarded(emu, _upload(emu)))
    router.add_get(f"{prefix}/{{media_id}}", _guarded(emu, _media_info(emu)))
    router.add_get(f"{MEDIA_PATH}/{{media_id}}", _guarded(emu, _media_content(emu)))

    async def deliverer(_: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            task = asyncio.create_task(WebhookDeliverer(emu, session, webhook_retry_seconds).run())
            yield
            emu.close()
            task.cancel()

    app.cleanup_ctx.append(deliverer)


def _error(error: GraphError) -> web.Response:
    return web.json_response(error.body(), status=error.status)


def _guarded(emu: WhatsAppEmulator, handler: Handler) -> Handler:
    async def guarded(request: web.Request) -> web.StreamResponse:
        if not emu.accepts(request.headers.get("Authorization")):
            return _error(GraphError(190))
        phone = request.match_info.get("phone_number_id")
        if phone is not None and phone != emu.phone_number_id:
            return _error(GraphError(100, f"Object with ID '{phone}' does not exist"))
        try:
            return await handler(request)
        except GraphError as error:
            return _error(error)
        except web.HTTPRequestEntityTooLarge:
            return _error(GraphError(131053, "file too large"))
        except Exception:
            log.exception("emulated Cloud API call failed")
            return _error(GraphError(1, "An unknown error occurred", status=500, title="API Unknown"))

    return guarded


def _messages(emu: WhatsAppEmulator) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise invalid("a JSON body is required") from None
        if not isinstance(body, dict):
            raise invalid("a JSON object is required")
        return web.json_response(emu.send(body))

    return handle


def _upload(emu: WhatsAppEmulator) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        upload = form.get("file")
        if form.get("messaging_product") != "whatsapp" or not isinstance(upload, web.FileField):
            raise invalid("messaging_product=whatsapp and a file are required")
        mime = str(form.get("type") or upload.content_type or "application/octet-stream")
        return web.json_response({"id": emu.upload(upload.file.read(), mime, upload.filename)})

    return handle


def _media_info(emu: WhatsAppEmulator) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        media = emu.media(request.match_info["media_id"])
        url = f"{request.scheme}://{request.host}{MEDIA_PATH}/{media.media_id}"
        return web.json_response(media.info(url))

    return handle


def _media_content(emu: WhatsAppEmulator) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        media = emu.media(request.match_info["media_id"])
        return web.Response(body=media.content, content_type=media.mime_type)

    return handle


class WebhookDeliverer:
    """POSTs queued notifications, in order, signed with the app secret; a non-2xx is retried after a pause."""

    def __init__(self, emu: WhatsAppEmulator, session: aiohttp.ClientSession, retry_seconds: float = 1.0) -> None:
        self.emu = emu
        self.session = session
        self.retry_seconds = retry_seconds
        self.last_error: str | None = None

    async def run(self) -> None:
        emu = self.emu
        while not emu.closed:
            version = emu.queued.version
            if emu.webhook_url is None or not emu.queue:
                await emu.queued.wait(version, 3600)
            elif await self._deliver(emu.webhook_url, emu.queue[0]):
                emu.delivered.append(emu.queue.pop(0))
            else:
                await emu.queued.wait(emu.queued.version, self.retry_seconds)

    async def _deliver(self, url: str, notification: dict[str, object]) -> bool:
        body = json.dumps(notification, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(body, self.emu.app_secret)}
        try:
            async with self.session.post(url, data=body, headers=headers) as response:
                if 200 <= response.status < 300:
                    return True
                self.last_error = f"HTTP {response.status}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.last_error = type(exc).__name__
        return False
