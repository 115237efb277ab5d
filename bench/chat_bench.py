"""Chat throughput and latency through the whole stack over loopback HTTP, against a bare aiogram echo bot.

    python -m bench chat                                   # SQLite, plus PostgreSQL when TEST_DATABASE_URL is set
    python -m bench chat --users 40 --messages 25 --rate 200 --pg-url postgresql+asyncpg://postgres@127.0.0.1/test

Each target runs in this process: the Telegram emulator (relaxed limits) served on a loopback port → a real aiogram
``Bot`` long-polling it → the dispatcher → (product) the dialog engine → SQLite or PostgreSQL, or (echo) a handler
that answers each text with ``message.answer``. Simulated users are the emulator's user side: each sends a message,
waits until the bot has handled it (the reply is sent), then sends the next.

Two runs per target:
- **saturate** — no pause between a user's messages: the throughput the stack sustains (updates/s);
- **paced** — users spaced to offer ``--rate`` updates/s in total: the latency at that load (p50/p99, from the moment
  the user's message is queued at the emulator to the moment the bot's reply has been sent).

With ``--processes N`` the product runs instead as N bot processes in webhook mode on PostgreSQL, the bench process
delivering each update by webhook, round-robin, to one of them (``bench/chat_workers.py``); ``cpu ms`` is then the
bench process's plus the workers' CPU per update.

Latency and throughput, not correctness, are measured here; the tests own correctness. Bounded: at most
``users × messages`` updates per run and ``--timeout`` seconds per run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.types import Message

from bot.emulator import serve
from bot.emulator.telegram import DEFAULT_TOKEN, Limits, TelegramEmulator, create_telegram_emulator
from bot.outbox.sql import SqlOutbox
from bot.runtime.bounded import for_dialect
from bot.telegram import build_dispatcher, make_bot
from bot.telegram.observe import UpdateTracker
from core.storage import Database, run_migrations
from dialogs.engine import Engine
from dialogs.services import default_services
from dialogs.sql_store import SqlStores
from dialogs.testing import ScriptedChat, onboarding_scenario

SECRET = b"bench-payload-secret"
#: what the simulated entrepreneurs write (after onboarding): deadlines, an income to confirm, help, taxes
TEXTS = ("/deadlines", "получил 15 000 от ТОО Альфа", "/help", "сколько налогов за месяц?")


@dataclass
class Result:
    target: str
    run: str
    updates: int
    seconds: float
    updates_per_s: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float = float("nan")  # this process's CPU time per update (emulator + bot + engine + drivers)

    def line(self, echo: Result | None) -> str:
        ratio = f"{self.updates_per_s / echo.updates_per_s:5.2f}" if echo and echo.updates_per_s else "    -"
        return (
            f"{self.target:<9} {self.run:<14} {self.updates:>7} {self.updates_per_s:>9.1f} "
            f"{self.p50_ms:>8.1f} {self.p99_ms:>8.1f} {self.cpu_ms:>7.1f}  {ratio}"
        )


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def echo_dispatcher(tracker: UpdateTracker) -> Dispatcher:
    """The baseline: aiogram with nothing behind it but one ``sendMessage`` per update."""
    router = Router()

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dp = Dispatcher()
    dp.update.outer_middleware(tracker)
    dp.include_router(router)
    return dp


@asynccontextmanager
async def fresh_database(kind: str, pg_url: str | None) -> AsyncIterator[Database]:
    """A migrated, empty database: a temp SQLite file, or a new PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            sqlite_url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
            await run_migrations(sqlite_url)
            sqlite_db = Database(sqlite_url)
            try:
                yield sqlite_db
            finally:
                await sqlite_db.dispose()
        return
    import asyncpg
    from sqlalchemy.engine import make_url

    assert pg_url is not None
    base = make_url(pg_url)
    name = f"asistent_bench_{uuid.uuid4().hex[:10]}"
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(admin_dsn)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    url = base.set(drivername="postgresql+asyncpg", database=name)
    db: Database | None = None
    try:
        await run_migrations(url)
        db = Database(url, pool_size=20, max_overflow=20)
        yield db
    finally:
        if db is not None:
            await db.dispose()
        conn = await asyncpg.connect(admin_dsn)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


class Harness:
    """One target: emulator + polling bot + dispatcher, and the users' side."""

    def __init__(self, dp_factory: Callable[[UpdateTracker], Dispatcher]) -> None:
        self.tracker = UpdateTracker()
        self.dp = dp_factory(self.tracker)
        self.emulator = TelegramEmulator(limits=Limits.relaxed())
        self.bot: Bot | None = None
        self._polling: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Harness:
        self.server = await serve(create_telegram_emulator(self.emulator))
        self.bot = make_bot(DEFAULT_TOKEN, self.server.url)
        self._polling = asyncio.create_task(
            self.dp.start_polling(
                self.bot, handle_signals=False, close_bot_session=False, polling_timeout=5, tasks_concurrency_limit=256
            )
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.dp.stop_polling()
        if self._polling is not None:
            await self._polling
        if self.bot is not None:
            await self.bot.session.close()
        await self.server.close()

    async def run(
        self, users: Sequence[int], messages: int, rate: float, limit_s: float
    ) -> tuple[int, float, list[float]]:
        """Every user sends ``messages`` texts; with ``rate`` > 0 each waits so that all offer ``rate`` per second."""
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
                update = self.emulator.send_text(uid, TEXTS[(i + index) % len(TEXTS)])
                update_id = int(update["update_id"])
                await self.tracker.wait_for(update_id, timeout=limit_s)
                latencies.append(self.tracker.finished_at[update_id] - sent)

        began = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(user(i, uid) for i, uid in enumerate(users))), timeout=limit_s)
        return len(latencies), time.perf_counter() - began, latencies


async def onboard(engine: Engine, uids: Sequence[int]) -> None:
    """Onboard every user straight through the engine (not measured), so the measured texts reach real flows."""
    now = dt.datetime.now(dt.UTC)

    async def one(uid: int) -> None:
        chat = ScriptedChat(engine.handle, chat_id=str(uid), language_code="ru", now=now)
        await onboarding_scenario(chat, "ru")

    for start in range(0, len(uids), 10):
        await asyncio.gather(*(one(uid) for uid in uids[start : start + 10]))


async def measure(
    target: str,
    args: argparse.Namespace,
    dp_factory: Callable[[UpdateTracker], Dispatcher],
    engine: Engine | None,
    harness_factory: Callable[[], Any] | None = None,
) -> list[Result]:
    results: list[Result] = []
    async with harness_factory() if harness_factory else Harness(dp_factory) as harness:
        others = getattr(harness, "worker_cpu", lambda: 0.0)  # CPU of the webhook workers, if any
        uids = [harness.emulator.create_user(f"ИП {i}").id for i in range(args.users)]
        if engine is not None:
            await onboard(engine, uids)
        await harness.run(uids, len(TEXTS), 0, args.timeout)  # warm-up: every user (pool connections), every text
        for run, rate in (("saturate", 0.0), (f"paced {args.rate:g}/s", args.rate)):
            cpu = time.process_time() + others()
            count, seconds, latencies = await harness.run(uids, args.messages, rate, args.timeout)
            cpu = time.process_time() + others() - cpu
            results.append(
                Result(
                    target,
                    run,
                    count,
                    round(seconds, 3),
                    round(count / seconds, 1),
                    round(statistics.median(latencies) * 1000, 1),
                    round(percentile(latencies, 0.99) * 1000, 1),
                    round(cpu * 1000 / max(count, 1), 2),
                )
            )
            print(results[-1].line(None), file=sys.stderr, flush=True)
    return results


async def bench_product(kind: str, args: argparse.Namespace) -> list[Result]:
    async with fresh_database(kind, args.pg_url) as database:
        engine = Engine(SqlStores(database), default_services(), SECRET)
        served = for_dialect(engine, database.dialect)  # as ``asistent run`` serves it

        def factory(tracker: UpdateTracker) -> Dispatcher:
            return build_dispatcher(served, outbox=SqlOutbox(database), observers=[tracker], publish_commands=False)

        if not args.processes:
            return await measure(kind, args, factory, engine)
        from bench.chat_workers import WebhookHarness

        url = database.url.render_as_string(hide_password=False)
        return await measure(
            f"pg ×{args.processes}", args, factory, engine, lambda: WebhookHarness(args.processes, url, SECRET)
        )


async def main_async(args: argparse.Namespace) -> list[Result]:
    results = await measure("echo", args, echo_dispatcher, None)
    for kind in args.db:
        if kind == "postgres" and not args.pg_url:
            print("postgres: skipped (no --pg-url / TEST_DATABASE_URL)", file=sys.stderr)
            continue
        results += await bench_product(kind, args)
    return results


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench chat", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--messages", type=int, default=25, help="messages per user per run")
    parser.add_argument("--rate", type=float, default=200.0, help="offered updates/s of the paced run")
    parser.add_argument("--db", nargs="+", choices=("sqlite", "postgres"), default=["sqlite", "postgres"])
    parser.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run at most")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    parser.add_argument(
        "--processes",
        type=int,
        default=0,
        help="run the product as N bot processes in webhook mode (PostgreSQL only); 0: one in-process polling bot",
    )
    args = parser.parse_args(list(argv))
    if args.users < 1 or args.messages < 1 or args.rate <= 0:
        parser.error("--users, --messages and --rate must be positive")
    if args.processes < 0 or (args.processes and args.db != ["postgres"]):
        parser.error("--processes N needs --db postgres (SQLite is one writer)")
    return args


def main(argv: list[str]) -> int:
    args = parse(argv)
    logging.basicConfig(level=logging.WARNING)
    for noisy in ("aiogram", "aiohttp.access", "asistent", "bot", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    print(f"users={args.users} messages/user={args.messages} paced rate={args.rate:g}/s", flush=True)
    results = asyncio.run(main_async(args))
    echo = next((r for r in results if r.target == "echo" and r.run == "saturate"), None)
    header = f"{'target':<9} {'run':<14} {'updates':>7} {'upd/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'cpu ms':>7}"
    print(f"{header}  ratio to echo")
    for result in results:
        print(result.line(echo if result.run == "saturate" else None))
    if args.json:
        print(json.dumps([asdict(r) for r in results], ensure_ascii=False))
    return 0
