"""A storage micro-benchmark (not a test): ``python -m core.storage.bench --url URL [--messages N] [--workers K]``.

Measures, on a fresh database at ``URL`` (it must be empty or disposable; tables are created by the migrations):
migration time, idempotent income inserts per second (each key sent twice), and outbox throughput with K
concurrent claimers (enqueue N, claim in batches, mark sent), checking that no message is claimed twice or lost.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import time
from decimal import Decimal

from core.storage.db import Database
from core.storage.ledger import add_income
from core.storage.migrate import run_migrations
from core.storage.outbox import claim_outbox, enqueue, mark_sent
from core.storage.users import get_or_create_user_for_chat


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")


async def _income(db: Database, n: int) -> float:
    async with db.transaction() as s:
        user, _, _ = await get_or_create_user_for_chat(s, "web", "bench")
    start = time.perf_counter()
    for i in range(n):
        async with db.transaction() as s:
            await add_income(s, user.id, Decimal(1000), dt.date(2026, 1, 1), f"k{i // 2}")
    return n / (time.perf_counter() - start)


async def _outbox(db: Database, n: int, workers: int, batch: int) -> tuple[float, float]:
    start = time.perf_counter()
    async with db.transaction() as s:
        for i in range(n):
            await enqueue(s, "telegram", str(i % 50), {"text": "x"}, f"b{i}")
    enqueue_rate = n / (time.perf_counter() - start)
    seen: list[int] = []

    async def worker(name: str) -> None:
        while True:
            async with db.transaction() as s:
                rows = await claim_outbox(s, name, batch)
            if not rows:
                return
            async with db.transaction() as s:
                for row in rows:
                    await mark_sent(s, row.id, name, provider_message_id=str(row.id))
            seen.extend(r.id for r in rows)

    start = time.perf_counter()
    await asyncio.gather(*(worker(f"w{i}") for i in range(workers)))
    elapsed = time.perf_counter() - start
    if len(seen) != n or len(set(seen)) != n:
        raise SystemExit(f"outbox lost or duplicated messages: {len(seen)} claims, {len(set(seen))} distinct of {n}")
    return enqueue_rate, n / elapsed


async def main(url: str, messages: int, workers: int, batch: int, pre_ping: bool) -> None:
    start = time.perf_counter()
    await run_migrations(url)
    _say(f"migrate to head: {time.perf_counter() - start:.3f} s")
    db = Database(url) if pre_ping or url.startswith("sqlite") else Database(url, pool_pre_ping=False)
    try:
        _say(f"add_income (one transaction each, half repeats): {await _income(db, 500):.0f} /s")
        enqueue_rate, send_rate = await _outbox(db, messages, workers, batch)
        _say(f"outbox enqueue (one transaction): {enqueue_rate:.0f} msg/s")
        _say(f"outbox claim+mark_sent, {workers} workers, batch {batch}: {send_rate:.0f} msg/s, none lost or doubled")
    finally:
        await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--no-pre-ping", action="store_true", help="PostgreSQL: skip the pool's liveness ping")
    args = parser.parse_args()
    asyncio.run(main(args.url, args.messages, args.workers, args.batch, not args.no_pre_ping))
