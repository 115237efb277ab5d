"""``HttpTaxCabinet``: the ``TaxCabinet`` protocol over HTTP against the sandbox server (``server.py``).

A submit is retried with the same idempotency key when the connection fails or the server answers 5xx, so a lost
response never makes a second submission: the retry returns the same registration number.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any
from urllib.parse import quote

from integrations.common.http import TRANSPORT_ERRORS, JsonServiceClient, error_fields
from integrations.tax_cabinet.base import (
    ExplanationStatus,
    IdempotencyConflictError,
    Notice,
    Submission,
    SubmissionState,
    SubmissionStatus,
    TaxCabinetError,
    UnknownSubmissionError,
)


class HttpTaxCabinet(JsonServiceClient):
    """Client of the sandbox; pass a ``session`` to share one, else one is made and closed by ``close``."""

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            status, payload = await self._exchange(method, path, **kwargs)
        except TRANSPORT_ERRORS as exc:
            raise TaxCabinetError("transport", f"{type(exc).__name__}: {exc}") from None
        if status == 200 and isinstance(payload, dict):
            return payload
        code, message = error_fields(status, payload)
        if status == 404:
            raise UnknownSubmissionError(code, message)
        if status == 409:
            raise IdempotencyConflictError(code, message)
        raise TaxCabinetError("server" if status >= 500 else code, message or f"HTTP {status}")

    async def submit(self, signed_xml: bytes, idempotency_key: str) -> Submission:
        headers = {"Idempotency-Key": idempotency_key, "Content-Type": "application/xml"}
        for attempt in range(1, self._attempts + 1):
            try:
                raw = await self._call("POST", "/v1/fno", data=signed_xml, headers=headers)
                break
            except (UnknownSubmissionError, IdempotencyConflictError):
                raise
            except TaxCabinetError as exc:
                if exc.code not in ("transport", "server") or attempt == self._attempts:
                    raise
                await asyncio.sleep(self._backoff * attempt)
        return Submission(raw["registration_number"], SubmissionState(raw["status"]), tuple(raw.get("reasons", ())))

    async def status(self, registration_number: str) -> SubmissionStatus:
        raw = await self._call("GET", f"/v1/fno/{quote(registration_number, safe='')}")
        updated = raw.get("updated_at")
        return SubmissionStatus(
            SubmissionState(raw["status"]),
            tuple(raw.get("reasons", ())),
            dt.datetime.fromisoformat(updated) if updated else None,
        )

    async def list_notices(self, since: dt.datetime | None = None, iin: str | None = None) -> list[Notice]:
        params = {"since": since.isoformat()} if since is not None else {}
        if iin is not None:
            params["iin"] = iin
        raw = await self._call("GET", "/v1/notices", params=params)
        return [Notice.from_json(n) for n in raw.get("notices", [])]

    async def get_notice(self, notice_id: str) -> Notice:
        return Notice.from_json(await self._call("GET", f"/v1/notices/{quote(notice_id, safe='')}"))

    async def send_explanation(self, signed_xml: bytes, idempotency_key: str) -> ExplanationStatus:
        """Retried with the same key on a transport failure or 5xx, like ``submit``: never two explanations."""
        headers = {"Idempotency-Key": idempotency_key, "Content-Type": "application/xml"}
        for attempt in range(1, self._attempts + 1):
            try:
                raw = await self._call("POST", "/v1/explanations", data=signed_xml, headers=headers)
                break
            except (UnknownSubmissionError, IdempotencyConflictError):
                raise
            except TaxCabinetError as exc:
                if exc.code not in ("transport", "server") or attempt == self._attempts:
                    raise
                await asyncio.sleep(self._backoff * attempt)
        return ExplanationStatus.from_json(raw)

    async def explanation_status(self, registration_number: str) -> ExplanationStatus:
        raw = await self._call("GET", f"/v1/explanations/{quote(registration_number, safe='')}")
        return ExplanationStatus.from_json(raw)
