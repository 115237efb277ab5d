"""``NcaNodeSigner``: signing through an NCANode sidecar (v3 HTTP API), the way to sign with a GOST key.

NCANode (``ncanode-kz/NCANode``, Java + Kalkan) listens on port 14579: ``POST /xml/sign``
``{xml, signers: [{key: base64 p12, password, keyAlias?}], clearSignatures, trimXml}`` → ``{status, message, xml}``
and ``POST /xml/verify`` ``{xml, revocationCheck?}`` → ``{status, message, valid, signers}``.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from pydantic import SecretStr

from integrations.signing.base import SigningContext
from integrations.signing.errors import SigningError

_OK = 200


@dataclass(frozen=True)
class NcaNodeVerification:
    """NCANode's verdict: ``valid`` and the raw signer certificate descriptions."""

    valid: bool
    signers: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""


class NcaNodeClient:
    """A thin client; the session is injected (its lifetime belongs to the caller)."""

    def __init__(self, base_url: str, session: aiohttp.ClientSession, timeout_seconds: float = 15.0) -> None:
        self._base = base_url.rstrip("/")
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            async with self._session.post(f"{self._base}{path}", json=body, timeout=self._timeout) as response:
                payload: Any = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise SigningError("ncanode_unavailable", f"NCANode недоступен: {type(exc).__name__}") from None
        if not isinstance(payload, dict):
            raise SigningError("ncanode_error", "NCANode ответил не JSON-объектом")
        if payload.get("status") != _OK:
            raise SigningError("ncanode_error", f"NCANode: {payload.get('message') or payload.get('status')}")
        return payload

    async def sign_xml(self, xml: bytes, p12: bytes, password: str, key_alias: str | None = None) -> bytes:
        signer: dict[str, Any] = {"key": base64.b64encode(p12).decode("ascii"), "password": password}
        if key_alias:
            signer["keyAlias"] = key_alias
        body = {"xml": xml.decode("utf-8"), "signers": [signer], "clearSignatures": False, "trimXml": False}
        payload = await self._post("/xml/sign", body)
        signed = payload.get("xml")
        if not isinstance(signed, str) or not signed:
            raise SigningError("ncanode_error", "NCANode не вернул подписанный XML")
        return signed.encode("utf-8")

    async def verify_xml(self, xml: bytes, *, check_ocsp: bool = False) -> NcaNodeVerification:
        body: dict[str, Any] = {"xml": xml.decode("utf-8")}
        if check_ocsp:
            body["revocationCheck"] = ["OCSP"]
        payload = await self._post("/xml/verify", body)
        signers = payload.get("signers") or []
        return NcaNodeVerification(bool(payload.get("valid")), list(signers), str(payload.get("message") or ""))


class NcaNodeSigner:
    """The ``Signer`` protocol over NCANode, with the user's key file (RSA or GOST)."""

    def __init__(self, client: NcaNodeClient, p12: bytes, password: SecretStr) -> None:
        self._client = client
        self._p12 = p12
        self._password = password

    async def sign_xml(self, xml: bytes, context: SigningContext) -> bytes:
        return await self._client.sign_xml(xml, self._p12, self._password.get_secret_value())
