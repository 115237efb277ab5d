"""``HttpTaxpayerLookup``: the ``TaxpayerLookup`` protocol over HTTP (the sandbox server, ``server.py``, or a gateway
to the state service with the same shape). A lookup is read-only, so transport failures and 5xx are retried."""

from __future__ import annotations

import asyncio
from typing import Any

from integrations.common.http import TRANSPORT_ERRORS, JsonServiceClient, error_fields
from integrations.egov.base import TaxpayerLookupError, TaxpayerRecord, check_iin


class HttpTaxpayerLookup(JsonServiceClient):
    """``GET /v1/taxpayers/{iin}`` → 200 the record, 404 not an ИП."""

    async def find(self, iin: str) -> TaxpayerRecord | None:
        check_iin(iin)
        for attempt in range(1, self._attempts + 1):
            try:
                return await self._once(iin)
            except TaxpayerLookupError as exc:
                if exc.code not in ("transport", "server") or attempt == self._attempts:
                    raise
                await asyncio.sleep(self._backoff * attempt)
        return None  # pragma: no cover — the loop returns or raises

    async def _once(self, iin: str) -> TaxpayerRecord | None:
        try:
            status, payload = await self._exchange("GET", f"/v1/taxpayers/{iin}")
        except TRANSPORT_ERRORS as exc:
            raise TaxpayerLookupError("transport", type(exc).__name__) from None
        if status == 404:
            return None
        if status == 200 and isinstance(payload, dict):
            return TaxpayerRecord.from_json(payload)
        code, message = error_fields(status, payload)
        raise TaxpayerLookupError("server" if status >= 500 else code, message or f"HTTP {status}")

    async def apply(self, iin: str, name: str, **fields: Any) -> None:
        """Sandbox only: file the application the user's eGov form would (``POST /v1/applications``)."""
        body = {"iin": iin, "name": name, **fields}
        try:
            status, payload = await self._exchange("POST", "/v1/applications", json=body)
        except TRANSPORT_ERRORS as exc:
            raise TaxpayerLookupError("transport", type(exc).__name__) from None
        if status != 200:
            code, message = error_fields(status, payload)
            raise TaxpayerLookupError("server" if status >= 500 else code, message)
