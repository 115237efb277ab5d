"""A small typed Cloud API client on aiohttp (one HTTP stack with the Telegram side): send, upload, download.

The token goes in the ``Authorization`` header only — never in a URL, a log line or a repr.
"""

from __future__ import annotations

import json
import re
from typing import Any

import aiohttp

from bot.whatsapp.errors import WhatsAppApiError, WhatsAppNetworkError, from_response

JsonDict = dict[str, Any]
#: a business-scoped user id: ``<ISO country>.<alphanumerics>`` (``KZ.1349…``, ``KZ.ENT.…`` for a parent id)
BSUID = re.compile(r"^[A-Z]{2}\.[A-Za-z0-9.]{1,160}$")
DEFAULT_RETRY_SECONDS = 2.0


def recipient_fields(chat_id: str) -> JsonDict:
    """A BSUID goes in ``recipient``, a phone number (``wa_id``) in ``to`` — Meta's Messages API since 2026."""
    return {"recipient": chat_id} if BSUID.match(chat_id) else {"to": chat_id}


class WhatsAppClient:
    """``POST /{phone_number_id}/messages``, ``POST /{phone_number_id}/media``, ``GET /{media_id}``."""

    def __init__(
        self,
        *,
        api_base: str,
        phone_number_id: str,
        token: str,
        session: aiohttp.ClientSession | None = None,
        timeout_seconds: float = 30.0,
    ) -> None:
        self._session = session
        self._own_session = session is None
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self.api_base = api_base.rstrip("/")
        self.phone_number_id = phone_number_id
        self._token = token

    def __repr__(self) -> str:
        return f"WhatsAppClient({self.api_base!r}, phone_number_id={self.phone_number_id!r})"

    @property
    def session(self) -> aiohttp.ClientSession:
        """The HTTP session (created on first use, inside the running loop, when none was given)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
            self._own_session = True
        return self._session

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
        self._session = None

    @property
    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    async def send(self, chat_id: str, body: JsonDict) -> str:
        """Send one message (``body`` is its ``type`` part); the ``wamid`` Meta gave it."""
        payload = {"messaging_product": "whatsapp", "recipient_type": "individual", **recipient_fields(chat_id)}
        payload.update(body)
        answer = await self._call("POST", f"/{self.phone_number_id}/messages", json=payload)
        messages = answer.get("messages")
        if not isinstance(messages, list) or not messages or "id" not in messages[0]:
            raise WhatsAppApiError(-1, "no message id in the answer", status=200)
        return str(messages[0]["id"])

    async def upload(self, content: bytes, mime_type: str, file_name: str) -> str:
        """Upload a media file; its media id (valid for 30 days)."""
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("type", mime_type)
        form.add_field("file", content, filename=file_name, content_type=mime_type)
        answer = await self._call("POST", f"/{self.phone_number_id}/media", data=form)
        return str(answer["id"])

    async def download(self, media_id: str, max_bytes: int) -> tuple[bytes, str]:
        """A user's media: the URL from ``GET /{media_id}``, then the bytes (``ValueError`` over ``max_bytes``)."""
        info = await self._call("GET", f"/{media_id}")
        if int(info.get("file_size", 0) or 0) > max_bytes:
            raise ValueError("file too large")
        try:
            async with self.session.get(str(info["url"]), headers=self._auth) as response:
                if response.status != 200:
                    raise from_response(response.status, await _json(response))
                content = await response.content.read(max_bytes + 1)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise WhatsAppNetworkError(type(exc).__name__) from exc
        if len(content) > max_bytes:
            raise ValueError("file too large")
        return content, str(info.get("mime_type") or "application/octet-stream")

    async def _call(self, method: str, path: str, **kwargs: Any) -> JsonDict:
        try:
            async with self.session.request(method, self.api_base + path, headers=self._auth, **kwargs) as response:
                body = await _json(response)
                if response.status >= 400 or (isinstance(body, dict) and "error" in body):
                    raise from_response(response.status, body, _retry_after(response))
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise WhatsAppNetworkError(type(exc).__name__) from exc
        if not isinstance(body, dict):
            raise WhatsAppApiError(-1, "answer is not a JSON object", status=response.status)
        return body


async def _json(response: aiohttp.ClientResponse) -> Any:
    text = await response.text()
    try:
        return json.loads(text) if text.strip() else {}
    except json.JSONDecodeError:
        return {}


def _retry_after(response: aiohttp.ClientResponse) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return DEFAULT_RETRY_SECONDS
