"""``HttpBank``: the ``Bank`` protocol over HTTP against the sandbox server (``server.py``), and ``LocalBank``, the
same protocol straight on a ``SandboxBank`` in the process (chat tests, local mode without a port).

A send is retried with the same idempotency key when the connection fails or the server answers 5xx, so a lost
response never makes a second payment: the retry returns the same bank order.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from core.payments import PaymentOrder
from integrations.bank.base import (
    BadRequestError,
    BankError,
    BankOrder,
    IdempotencyConflictError,
    Statement,
    UnknownOrderError,
)
from integrations.bank.sandbox import SandboxBank
from integrations.common.http import TRANSPORT_ERRORS, JsonServiceClient, error_fields

SIGNATURE_FIELD = "signature_base64"  # next to the order's fields in POST /v1/orders


class HttpBank(JsonServiceClient):
    """Client of the sandbox; pass a ``session`` to share one, else one is made and closed by ``close``."""

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            status, payload = await self._exchange(method, path, **kwargs)
        except TRANSPORT_ERRORS as exc:
            raise BankError("transport", f"{type(exc).__name__}: {exc}") from None
        if status == 200 and isinstance(payload, dict):
            return payload
        code, message = error_fields(status, payload)
        if status == 404:
            raise UnknownOrderError(code, message)
        if status == 409:
            raise IdempotencyConflictError(code, message)
        if status == 400:
            raise BadRequestError(code, message)
        raise BankError("server" if status >= 500 else code, message or f"HTTP {status}")

    async def send(self, order: PaymentOrder, idempotency_key: str, signature: bytes | None = None) -> BankOrder:
        headers = {"Idempotency-Key": idempotency_key}
        body = order.to_json()
        if signature is not None:  # the payer's signed document, base64 (``server.py`` takes it off the order)
            body = {**body, SIGNATURE_FIELD: base64.b64encode(signature).decode("ascii")}
        for attempt in range(1, self._attempts + 1):
            try:
                return BankOrder.from_json(await self._call("POST", "/v1/orders", json=body, headers=headers))
            except BankError as exc:
                if exc.code not in ("transport", "server") or attempt == self._attempts:
                    raise
                await asyncio.sleep(self._backoff * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    async def status(self, order_id: str) -> BankOrder:
        return BankOrder.from_json(await self._call("GET", f"/v1/orders/{quote(order_id, safe='')}"))

    async def open_sandbox_account(self, iban: str, holder: str, balance: Decimal) -> None:
        """Sandbox only (local mode, tests): open or reset an account with a balance."""
        body = {"iban": iban, "holder": holder, "balance": str(balance)}
        await self._call("POST", "/v1/sandbox/accounts", json=body)

    async def statement(self, account: str, start: dt.date, end: dt.date) -> Statement:
        params = {"from": start.isoformat(), "to": end.isoformat()}
        raw = await self._call("GET", f"/v1/accounts/{quote(account, safe='')}/statement", params=params)
        return Statement.from_json(raw)


class LocalBank:
    """The ``Bank`` protocol on an in-process ``SandboxBank`` (the order still goes through its JSON form)."""

    def __init__(self, sandbox: SandboxBank) -> None:
        self.sandbox = sandbox

    async def send(self, order: PaymentOrder, idempotency_key: str, signature: bytes | None = None) -> BankOrder:
        return self.sandbox.send(order.to_json(), idempotency_key, signature)

    async def status(self, order_id: str) -> BankOrder:
        return self.sandbox.status(order_id)

    async def statement(self, account: str, start: dt.date, end: dt.date) -> Statement:
        return self.sandbox.statement(account, start, end)
