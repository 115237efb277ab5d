"""The sandbox tax cabinet over HTTP (aiohttp): the protocol ``HttpTaxCabinet`` speaks.

    POST /v1/fno                 body: the signed XML; header Idempotency-Key → 200 {registration_number, status,
                                 reasons}; 400 no/bad key; 409 key reused for another document; 413 too large
    GET  /v1/fno/{number}        → 200 {registration_number, status, reasons, updated_at}; 404 unknown
    GET  /v1/notices?since=ISO&iin=IIN → 200 {"notices": [...]}; 400 bad since
    GET  /v1/notices/{id}        → 200 notice; 404 unknown
    POST /v1/explanations        body: the signed explanation XML; header Idempotency-Key → 200 {registration_number,
                                 status, reasons, updated_at}; 400 no/bad key; 409 key reused for another document
    GET  /v1/explanations/{number} → 200 the same; 404 unknown
    POST /v1/sandbox/notices     sandbox only (tests, local mode): {"iin", "kind", "period", "form", "payment",
                                 "amounts": {key: "123.45"}, "delivered": "YYYY-MM-DD"} → 200 the notice issued

Errors are JSON ``{"error": code, "message": text}``. Run locally: ``python -m integrations.tax_cabinet.server``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from aiohttp import web

from core.notices import NoticeType
from integrations.tax_cabinet.base import IdempotencyConflictError, UnknownSubmissionError
from integrations.tax_cabinet.sandbox import MAX_DOCUMENT, SandboxCabinet

SANDBOX: web.AppKey[SandboxCabinet] = web.AppKey("sandbox", SandboxCabinet)


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


def _dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False)


async def submit(request: web.Request) -> web.Response:
    key = request.headers.get("Idempotency-Key", "")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _error(413, "too_large", f"документ больше {MAX_DOCUMENT} байт")
    try:
        submission = request.app[SANDBOX].submit(body, key)
    except IdempotencyConflictError as exc:
        return _error(409, exc.code, exc.message)
    except ValueError as exc:
        return _error(400, "bad_request", str(exc))
    return web.json_response(submission.as_json(), dumps=_dumps)


async def status(request: web.Request) -> web.Response:
    number = request.match_info["number"]
    try:
        found = request.app[SANDBOX].status(number)
    except UnknownSubmissionError as exc:
        return _error(404, exc.code, exc.message)
    payload = {
        "registration_number": number,
        "status": found.status.value,
        "reasons": list(found.reasons),
        "updated_at": found.updated_at.isoformat() if found.updated_at else None,
    }
    return web.json_response(payload, dumps=_dumps)


async def notices(request: web.Request) -> web.Response:
    raw = request.query.get("since")
    since = None
    if raw:
        try:
            since = dt.datetime.fromisoformat(raw)
        except ValueError:
            return _error(400, "bad_request", f"since is not an ISO datetime: {raw!r}")
        if since.tzinfo is None:
            return _error(400, "bad_request", "since needs a time zone")
    found = request.app[SANDBOX].list_notices(since, request.query.get("iin") or None)
    return web.json_response({"notices": [n.as_json() for n in found]}, dumps=_dumps)


async def notice(request: web.Request) -> web.Response:
    try:
        found = request.app[SANDBOX].get_notice(request.match_info["id"])
    except UnknownSubmissionError as exc:
        return _error(404, exc.code, exc.message)
    return web.json_response(found.as_json(), dumps=_dumps)


async def send_explanation(request: web.Request) -> web.Response:
    key = request.headers.get("Idempotency-Key", "")
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _error(413, "too_large", f"документ больше {MAX_DOCUMENT} байт")
    try:
        found = request.app[SANDBOX].submit_explanation(body, key)
    except IdempotencyConflictError as exc:
        return _error(409, exc.code, exc.message)
    except ValueError as exc:
        return _error(400, "bad_request", str(exc))
    return web.json_response(found.as_json(), dumps=_dumps)


async def explanation_status(request: web.Request) -> web.Response:
    try:
        found = request.app[SANDBOX].explanation_status(request.match_info["number"])
    except UnknownSubmissionError as exc:
        return _error(404, exc.code, exc.message)
    return web.json_response(found.as_json(), dumps=_dumps)


async def issue_notice(request: web.Request) -> web.Response:
    """The sandbox's test control: issue a notice of the revenue body to a taxpayer."""
    try:
        raw = await request.json()
        amounts = {str(k): Decimal(str(v)) for k, v in dict(raw.get("amounts") or {}).items()}
        delivered = dt.date.fromisoformat(raw["delivered"]) if raw.get("delivered") else None
        found = request.app[SANDBOX].issue_notice(
            str(raw["iin"]),
            NoticeType(raw["kind"]),
            period=raw.get("period"),
            form=raw.get("form"),
            payment=raw.get("payment"),
            amounts=amounts,
            delivered=delivered,
        )
    except (KeyError, ValueError, TypeError, ArithmeticError) as exc:
        return _error(400, "bad_request", f"{type(exc).__name__}: {exc}")
    return web.json_response(found.as_json(), dumps=_dumps)


def create_app(sandbox: SandboxCabinet) -> web.Application:
    """The aiohttp application serving ``sandbox``."""
    app = web.Application(client_max_size=MAX_DOCUMENT + 1024)
    app[SANDBOX] = sandbox
    app.router.add_post("/v1/fno", submit)
    app.router.add_get("/v1/fno/{number}", status)
    app.router.add_get("/v1/notices", notices)
    app.router.add_get("/v1/notices/{id}", notice)
    app.router.add_post("/v1/explanations", send_explanation)
    app.router.add_get("/v1/explanations/{number}", explanation_status)
    app.router.add_post("/v1/sandbox/notices", issue_notice)
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="sandbox tax cabinet (loopback)")
    parser.add_argument("--port", type=int, default=8093)
    parser.add_argument("--test-mode", action="store_true", help="accept the NCA test keys and the test ИИН")
    args = parser.parse_args(argv)
    web.run_app(create_app(SandboxCabinet(test_mode=args.test_mode)), host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
