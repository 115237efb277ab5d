"""Several bot processes behind the webhook, for ``python -m bench chat --processes N`` (PostgreSQL).

The design keeps dialog state, dedupe and the outbox in the database, so webhook mode scales by processes: a load
balancer spreads Telegram's POSTs over N ``asistent``-like workers. Here the bench process plays Telegram and the
balancer: the emulator (Bot API, the users' side) stays in it, and each update a user sends is POSTed, round-robin,
to one of N worker processes. A worker is what ``asistent run`` is in webhook mode, minus the scheduler: aiogram's
``SimpleRequestHandler`` → the dispatcher → the engine → PostgreSQL, replies sent to the emulator's Bot API.

The worker handles the update before it answers the POST (``handle_in_background=False``), so the POST's end is the
moment the replies have been sent — the same end point as the polling bench's tracker. Telegram itself keeps up to
``max_connections`` POSTs in flight; here each user has at most one in flight (a user waits for the answer), so a
chat's updates never overtake each other, and across processes the engine's versioned state write guards the order.

    python -m bench.chat_workers --api URL --db URL --port P    # one worker (started by the bench)
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import sys
import time
from asyncio.subprocess import PIPE
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.emulator import serve
from bot.emulator.telegram import DEFAULT_TOKEN, Limits, TelegramEmulator, create_telegram_emulator

HOOK = "/telegram/webhook"
ROOT = Path(__file__).resolve().parent.parent


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far, from ``/proc`` (the workers' share of the run)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class WebhookHarness:
    """The emulator + N worker processes; ``run`` has the polling harness's interface (``chat_bench.Harness``)."""

    def __init__(self, processes: int, db_url: str, secret: bytes) -> None:
        self.processes = processes
        self.db_url = db_url
        self.secret = secret
        self.emulator = TelegramEmulator(limits=Limits.relaxed())
        self.workers: list[asyncio.subprocess.Process] = []
        self.urls: list[str] = []

    async def __aenter__(self) -> WebhookHarness:
        self.server = await serve(create_telegram_emulator(self.emulator))
        for _ in range(self.processes):
            port = _free_port()
            command = ["-m", "bench.chat_workers", "--api", self.server.url, "--db", self.db_url]
            command += ["--port", str(port), "--secret", self.secret.decode()]
            process = await asyncio.create_subprocess_exec(sys.executable, *command, cwd=ROOT, stdout=PIPE)
            self.workers.append(process)
            self.urls.append(f"http://127.0.0.1:{port}{HOOK}")
        for worker in self.workers:  # each prints one line when it listens
            line = await worker.stdout.readline() if worker.stdout else b""
            if not line.startswith(b"ready"):
                raise RuntimeError(f"a bench worker did not start: {line!r}")
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        self._next = itertools.cycle(self.urls)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()
        for worker in self.workers:
            worker.terminate()
        for worker in self.workers:
            await asyncio.wait_for(worker.wait(), 10)
        await self.server.close()

    def worker_cpu(self) -> float:
        return sum(cpu_seconds(w.pid) for w in self.workers)

    async def deliver(self, update: dict[str, Any]) -> None:
        async with self.session.post(next(self._next), json=update) as response:
            response.raise_for_status()
            await response.read()
        self.emulator.updates.done(update)  # confirmed, as a 2xx confirms it to Telegram

    async def run(
        self, users: Sequence[int], messages: int, rate: float, limit_s: float
    ) -> tuple[int, float, list[float]]:
        from bench.chat_bench import TEXTS

        latencies: list[float] = []
        interval = len(users) / rate if rate > 0 else 0.0
        loop = asyncio.get_running_loop()

        async def user(index: int, uid: int) -> None:
            start = loop.time() + (interval * index / len(users))
            for i in range(messages):
                if interval:
                    delay = start + i * interval - loop.time()
                    if delay > 0:
                        await asyncio.sleep(delay)
                sent = time.perf_counter()
                await self.deliver(self.emulator.send_text(uid, TEXTS[(i + index) % len(TEXTS)]))
                latencies.append(time.perf_counter() - sent)

        began = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(user(i, uid) for i, uid in enumerate(users))), timeout=limit_s)
        return len(latencies), time.perf_counter() - began, latencies


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def worker(api: str, db_url: str, port: int, secret: bytes) -> None:
    """One bot process in webhook mode, until terminated."""
    from bot.outbox.sql import SqlOutbox
    from bot.telegram import build_dispatcher, make_bot
    from core.storage import Database
    from dialogs.engine import Engine
    from dialogs.services import default_services
    from dialogs.sql_store import SqlStores

    database = Database(db_url, pool_size=20, max_overflow=20)
    engine = Engine(SqlStores(database), default_services(), secret)
    dp = build_dispatcher(engine, outbox=SqlOutbox(database), publish_commands=False)
    bot = make_bot(DEFAULT_TOKEN, api)
    app = web.Application()
    SimpleRequestHandler(dispatcher=dp, bot=bot, handle_in_background=False).register(app, path=HOOK)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("ready", flush=True)
    await asyncio.Event().wait()


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.chat_workers")
    parser.add_argument("--api", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args(list(argv))
    import logging

    logging.basicConfig(level=logging.WARNING)
    asyncio.run(worker(args.api, args.db, args.port, args.secret.encode()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
