"""Keep other web sites out of the local chat: same-origin POSTs, and no DNS-rebinding host names.

The page has no login (it is a local tool), so a site open in the same browser must neither drive it (cross-origin
POSTs) nor read it through a rebinding domain that resolves to 127.0.0.1 (such a request carries that domain as
``Host``; a loopback name or an IP literal cannot be rebound).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_local_host(host: str) -> bool:
    """``localhost``, ``*.localhost`` or an IP literal (with or without a port)."""
    hostname = urlsplit(f"//{host}").hostname or ""
    if hostname == "localhost" or hostname.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(hostname)
    except ValueError:
        return False
    return True


def _is_page(path: str) -> bool:
    return path == "/" or path.startswith("/webchat/")


@web.middleware
async def webchat_guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not _is_page(request.path):
        return await handler(request)
    if not is_local_host(request.host):
        return web.json_response({"error": "open the chat by localhost or an IP address"}, status=403)
    origin = request.headers.get("Origin")
    if request.method == "POST" and origin is not None and urlsplit(origin).netloc != request.host:
        return web.json_response({"error": "cross-origin request refused"}, status=403)
    return await handler(request)
