"""Serve an emulator app on loopback (port 0 picks a free port) without an access log.

The access log is off because Bot API URLs carry the bot token (``/bot<token>/…``) and secrets are never logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web


@dataclass
class RunningServer:
    runner: web.AppRunner
    url: str  # e.g. http://127.0.0.1:41234, no trailing slash

    async def close(self) -> None:
        await self.runner.cleanup()


async def serve(app: web.Application, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Start ``app``; the URL has the real port when ``port`` is 0."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    sockets = [s for server in [site._server] if server is not None for s in getattr(server, "sockets", [])]
    bound_port = sockets[0].getsockname()[1] if sockets else port
    return RunningServer(runner, f"http://{host}:{bound_port}")
