"""The sandbox register over HTTP (aiohttp), the shape ``HttpTaxpayerLookup`` speaks; mounted in local mode.

    GET  /v1/taxpayers/{iin}   → 200 {iin, name, registered_on, status, tax_office, oked, kato}; 404 not an ИП;
                                 400 not 12 digits
    POST /v1/applications      {iin, name, start?, oked?, kato?} → 200 {iin, applied_at} — SANDBOX ONLY: what the
                                 user's eGov form does in real life

Errors are JSON ``{"error": code, "message": text}``.
"""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from integrations.egov.base import TaxpayerLookupError
from integrations.egov.sandbox import SandboxRegister

REGISTER: web.AppKey[SandboxRegister] = web.AppKey("register", SandboxRegister)


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


async def taxpayer(request: web.Request) -> web.Response:
    try:
        found = request.app[REGISTER].find_now(request.match_info["iin"])
    except TaxpayerLookupError as exc:
        return _error(400, exc.code, exc.message)
    if found is None:
        return _error(404, "not_found", "налогоплательщик не зарегистрирован как ИП")
    return web.json_response(found.as_json())


async def application(request: web.Request) -> web.Response:
    try:
        raw = await request.json()
        start = dt.date.fromisoformat(raw["start"]) if raw.get("start") else None
        made = request.app[REGISTER].apply(
            str(raw["iin"]),
            str(raw.get("name", "")),
            start=start,
            oked=tuple(str(c) for c in raw.get("oked", ())),
            kato=str(raw.get("kato", "")),
        )
    except TaxpayerLookupError as exc:
        return _error(400, exc.code, exc.message)
    except (ValueError, KeyError, TypeError, AttributeError):
        return _error(400, "bad_request", "ожидается JSON {iin, name, start?, oked?, kato?}")
    return web.json_response({"iin": made.iin, "applied_at": made.applied_at.isoformat(), "sandbox": True})


def create_app(register: SandboxRegister) -> web.Application:
    app = web.Application()
    app[REGISTER] = register
    app.router.add_get("/v1/taxpayers/{iin}", taxpayer)
    app.router.add_post("/v1/applications", application)
    return app
