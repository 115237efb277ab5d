"""Serve an emulator app on loopback (port 0 picks a free port), with an access log that hides bot tokens.

Bot API URLs carry the token (``/bot<token>/…``); aiohttp's default access log writes the request line as is, and
secrets are never logged. ``RedactingAccessLogger`` is for any runner serving these routes (``asistent run`` too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

_TOKEN_IN_PATH = re.compile(r"/bot[^/]+/")


def redact_path(path: str) -> str:
    """``/bot123:abc/sendMessage`` → ``/bot<token>/sendMessage`` (also ``/file/bot…/…``)."""
    return _TOKEN_IN_PATH.sub("/bot<token>/", path)


class RedactingAccessLogger(AbstractAccessLogger):
    """One line per request: method, path without token or query, status, duration."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %.1fms", request.method, redact_path(request.path), response.status, time * 1000)


@dataclass
class RunningServer:
    runner: web.AppRunner
    url: str  # e.g. http://127.0.0.1:41234, no trailing slash

    async def close(self) -> None:
        await self.runner.cleanup()


async def serve(app: web.Application, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Start ``app``; the URL has the real port when ``port`` is 0."""
    runner = web.AppRunner(app, access_log_class=RedactingAccessLogger, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = [sock.getsockname()[1] for server in [site._server] if server for sock in getattr(server, "sockets", [])]
    return RunningServer(runner, f"http://{host}:{bound[0] if bound else port}")
