"""The sandbox bank over HTTP (aiohttp): the protocol ``HttpBank`` speaks.

    POST /v1/orders                      body: ``PaymentOrder.to_json()`` (+ ``signature_base64``: the payer's
                                         signed document); header Idempotency-Key → 200 bank order
                                         (the same one for a repeated key); 400 bad key/order; 409 key reused
    GET  /v1/orders/{id}                 → 200 bank order; 404 unknown
    GET  /v1/accounts/{iban}/statement?from=YYYY-MM-DD&to=YYYY-MM-DD → 200 statement; 400 bad dates; 404 unknown
    POST /v1/sandbox/accounts            body {"iban", "holder", "balance"} → 200 (sandbox only: open an account)

Errors are JSON ``{"error": code, "message": text}``. Run locally: ``python -m integrations.bank.server``.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from aiohttp import web

from integrations.bank.base import BadRequestError, IdempotencyConflictError, UnknownOrderError
from integrations.bank.sandbox import SandboxBank

SANDBOX: web.AppKey[SandboxBank] = web.AppKey("bank_sandbox", SandboxBank)
MAX_BODY = 1024 * 1024


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status, dumps=_dumps)


def _dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False)


async def _json(request: web.Request) -> Any:
    try:
        return await request.json()
    except (ValueError, UnicodeDecodeError):
        raise BadRequestError("bad_json", "body is not JSON") from None


def _signature(value: Any) -> bytes | None:
    """The payer's signed document sent next to the order (base64), if any."""
    if value is None:
        return None
    try:
        return base64.b64decode(str(value), validate=True)
    except ValueError:
        raise BadRequestError("bad_signature", "signature_base64 is not base64") from None


async def send(request: web.Request) -> web.Response:
    try:
        raw = await _json(request)
        if not isinstance(raw, dict):
            raise BadRequestError("bad_order", "the order must be a JSON object")
        signature = _signature(raw.pop("signature_base64", None))
        key = request.headers.get("Idempotency-Key", "")
        bank = request.app[SANDBOX]
        found = bank.send(raw, key, signature) if signature is not None else bank.send(raw, key)
    except BadRequestError as exc:
        return _error(400, exc.code, exc.message)
    except IdempotencyConflictError as exc:
        return _error(409, exc.code, exc.message)
    return web.json_response(found.to_json(), dumps=_dumps)


async def status(request: web.Request) -> web.Response:
    try:
        found = request.app[SANDBOX].status(request.match_info["id"])
    except UnknownOrderError as exc:
        return _error(404, exc.code, exc.message)
    return web.json_response(found.to_json(), dumps=_dumps)


async def statement(request: web.Request) -> web.Response:
    try:
        start = dt.date.fromisoformat(request.query.get("from", ""))
        end = dt.date.fromisoformat(request.query.get("to", ""))
    except ValueError:
        return _error(400, "bad_period", "from and to must be YYYY-MM-DD")
    try:
        found = request.app[SANDBOX].statement(request.match_info["iban"], start, end)
    except BadRequestError as exc:
        return _error(400, exc.code, exc.message)
    except UnknownOrderError as exc:
        return _error(404, exc.code, exc.message)
    return web.json_response(found.to_json(), dumps=_dumps)


async def open_account(request: web.Request) -> web.Response:
    try:
        raw = await _json(request)
        request.app[SANDBOX].open_account(str(raw["iban"]), str(raw["holder"]), Decimal(str(raw.get("balance", 0))))
    except BadRequestError as exc:
        return _error(400, exc.code, exc.message)
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        return _error(400, "bad_account", f"{type(exc).__name__}: {exc}")
    return web.json_response({"iban": raw["iban"]}, dumps=_dumps)


def create_app(sandbox: SandboxBank) -> web.Application:
    """The aiohttp application serving ``sandbox``."""
    app = web.Application(client_max_size=MAX_BODY)
    app[SANDBOX] = sandbox
    app.router.add_post("/v1/orders", send)
    app.router.add_get("/v1/orders/{id}", status)
    app.router.add_get("/v1/accounts/{iban}/statement", statement)
    app.router.add_post("/v1/sandbox/accounts", open_account)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="sandbox bank (loopback)")
    parser.add_argument("--port", type=int, default=8094)
    args = parser.parse_args(argv)
    web.run_app(create_app(SandboxBank()), host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
