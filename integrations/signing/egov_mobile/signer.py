"""``EgovMobileSigner``: the ``Signer`` protocol over the eGov mobile service (the recommended way)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from integrations.signing.base import SigningContext
from integrations.signing.egov_mobile.protocol import EgovMobileService, SignRequest, SignStatus

OnRequest = Callable[[SignRequest, SigningContext], Awaitable[None]]


class EgovMobileSigner:
    """Creates a sign request, lets the chat show it (``on_request``), then waits for the phone's signature."""

    def __init__(
        self, service: EgovMobileService, on_request: OnRequest | None = None, timeout_seconds: float | None = None
    ) -> None:
        self._service = service
        self._on_request = on_request
        self._timeout = timeout_seconds

    async def request_signature(self, document: bytes, user: SigningContext) -> SignRequest:
        """Register ``document``; the chat sends ``deep_link`` as a button and ``qr_png`` as a photo."""
        return self._service.create(document, user)

    def poll(self, request_id: str) -> SignStatus:
        return self._service.status(request_id)

    async def wait(self, request_id: str, timeout_seconds: float | None = None) -> bytes:
        return await self._service.wait(request_id, timeout_seconds if timeout_seconds is not None else self._timeout)

    async def sign_xml(self, xml: bytes, context: SigningContext) -> bytes:
        request = await self.request_signature(xml, context)
        if self._on_request is not None:
            await self._on_request(request, context)
        try:
            return await self.wait(request.id)
        finally:
            self._service.forget(request.id)
