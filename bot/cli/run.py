"""``asistent run`` (everything in one process) and ``asistent worker`` (outbox sender + reminder scheduler).

Both stop gracefully on SIGINT/SIGTERM. Log lines never carry a secret: tokens are masked wherever they appear
(Bot API URLs include the token), and settings hold secrets as ``SecretStr``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.cli.common import UsageError
from bot.runtime.logs import setup_logging
from core.settings import Settings, get_settings


def _install_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread / no signals here
            loop.add_signal_handler(sig, stop.set)


async def _run(settings: Settings) -> None:
    from bot.app import start_all, stop_all

    runtime = await start_all(settings)
    _install_signals(runtime.stop)
    try:
        await runtime.stop.wait()
    finally:
        await stop_all(runtime)


async def _worker(settings: Settings) -> None:
    from bot.app import run_worker

    stop = asyncio.Event()
    _install_signals(stop)
    await run_worker(settings, stop)


def _guard(coro: Any, settings: Settings) -> int:
    from bot.app import ConfigError

    try:
        asyncio.run(coro)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:  # the port is taken, the database is unreachable
        raise UsageError(f"cannot start: {exc.strerror or type(exc).__name__}") from None
    except SQLAlchemyError as exc:
        raise UsageError(f"database error: {type(exc).__name__}") from None
    return 0


def _handle_run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if args.port is not None:
        settings = settings.model_copy(update={"HTTP_PORT": args.port})
    setup_logging(settings.LOG_LEVEL)
    return _guard(_run(settings), settings)


def _handle_worker(args: argparse.Namespace) -> int:
    settings = get_settings()
    setup_logging(settings.LOG_LEVEL)
    return _guard(_worker(settings), settings)


def register(subparsers: Any) -> None:
    run = subparsers.add_parser(
        "run",
        help="run everything: web chat + local Telegram emulator (no token), or the bot by polling/webhook",
    )
    run.add_argument("--port", type=int, help="HTTP port (default: the HTTP_PORT setting, 8080)")
    run.set_defaults(handler=_handle_run)
    worker = subparsers.add_parser("worker", help="run the outbox sender and the reminder scheduler only")
    worker.set_defaults(handler=_handle_worker)
