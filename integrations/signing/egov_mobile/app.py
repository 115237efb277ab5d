"""The aiohttp sub-app eGov mobile talks to: API 1 and API 2 over an ``EgovMobileService``.

Mount it under a public HTTPS prefix (``app.add_subapp("/egov-sign", create_egov_app(service))``) and give the
service that prefix as ``base_url``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from aiohttp import web

from integrations.signing.egov_mobile.protocol import EgovApiError, EgovMobileService

SERVICE_KEY = web.AppKey("egov_mobile_service", EgovMobileService)
_MAX_BODY = 5 * 1024 * 1024
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except EgovApiError as exc:
        return web.json_response({"message": exc.message}, status=exc.status)


async def _service_info(request: web.Request) -> web.Response:
    service = request.app[SERVICE_KEY]
    return web.json_response(service.service_info(request.match_info["id"]))


async def _documents(request: web.Request) -> web.Response:
    service = request.app[SERVICE_KEY]
    payload = service.documents(request.match_info["id"], request.headers.get("Authorization"))
    return web.json_response(payload)


async def _submit(request: web.Request) -> web.Response:
    service = request.app[SERVICE_KEY]
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise EgovApiError(400, "body must be JSON") from None
    service.submit(request.match_info["id"], request.headers.get("Authorization"), body)
    return web.json_response([])


def create_egov_app(service: EgovMobileService) -> web.Application:
    """The sub-app: ``GET /requests/{id}``, ``GET|PUT|POST /requests/{id}/documents``."""
    app = web.Application(middlewares=[_errors], client_max_size=_MAX_BODY)
    app[SERVICE_KEY] = service
    app.router.add_get("/requests/{id}", _service_info)
    app.router.add_get("/requests/{id}/documents", _documents)
    app.router.add_put("/requests/{id}/documents", _submit)
    app.router.add_post("/requests/{id}/documents", _submit)
    return app
