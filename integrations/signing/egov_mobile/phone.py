"""A phone simulator that plays eGov mobile: opens the link, fetches the documents, signs them, sends them back."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp

from integrations.signing.pkcs12 import Pkcs12Signer

QR_PREFIX = "mobileSign:"


def service_url_from(link: str) -> str:
    """The API 1 URL inside a QR text (``mobileSign:…``) or a deep link (``…page.link/?link=…``)."""
    if link.startswith(QR_PREFIX):
        return link[len(QR_PREFIX) :]
    query = parse_qs(urlsplit(link).query)
    if "link" in query:
        return query["link"][0]
    return link


class PhoneSimulator:
    """eGov mobile, played by a test key (``Pkcs12Signer``); ``tamper`` edits the document after signing."""

    def __init__(self, session: aiohttp.ClientSession, signer: Pkcs12Signer) -> None:
        self._session = session
        self._signer = signer

    async def _json(self, method: str, url: str, headers: dict[str, str], body: Any = None) -> tuple[int, Any]:
        async with self._session.request(method, url, headers=headers, json=body) as response:
            return response.status, await response.json(content_type=None)

    async def sign(self, link: str, *, tamper: bool = False) -> tuple[int, Any]:
        """Do what the app does; returns the HTTP status and body of the final PUT (or of the failing step)."""
        status, info = await self._json("GET", service_url_from(link), {})
        if status != 200:
            return status, info
        document = info["document"]
        headers = {"Authorization": f"Bearer {document['auth_token']}"} if document["auth_type"] == "Token" else {}
        status, payload = await self._json("GET", document["uri"], headers)
        if status != 200:
            return status, payload
        for item in payload["documentsToSign"]:
            signed = self._signer.sign(item["documentXml"].encode("utf-8"))
            if tamper:
                signed = signed.replace(b"</fno>", b"<extra/></fno>", 1)
            item["documentXml"] = signed.decode("utf-8")
        return await self._json("PUT", document["uri"], headers, payload)
