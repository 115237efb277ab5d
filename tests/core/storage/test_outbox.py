"""The outbox: dedupe, claiming with leases, retries, and concurrent claimers (SKIP LOCKED on PostgreSQL)."""

from __future__ import annotations

import asyncio
import datetime as dt

from core.storage import (
    Database,
    claim_outbox,
    defer,
    enqueue,
    mark_failed,
    mark_sent,
    outbox_counts,
    record_delivery,
)

T0 = dt.datetime(2026, 3, 1, 4, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(seconds=60)


async def _fill(db: Database, n: int) -> None:
    async with db.session() as s:
        for i in range(n):
            await enqueue(s, "telegram", f"chat-{i % 7}", {"text": f"m{i}"}, f"k{i}")
        await s.commit()


async def test_enqueue_dedupes(database: Database) -> None:
    async with database.session() as s:
        first, created = await enqueue(s, "telegram", "1", {"text": "hi"}, "reminder:5:d7")
        again, created_again = await enqueue(s, "telegram", "1", {"text": "other"}, "reminder:5:d7")
        await s.commit()
    assert created
    assert not created_again
    assert again.id == first.id
    assert again.payload == {"text": "hi"}


async def test_claim_send_and_lease_expiry(database: Database) -> None:
    await _fill(database, 3)
    async with database.session() as s:
        claimed = await claim_outbox(s, "w1", 2, T0, lease=LEASE)
        await s.commit()
    assert [m.dedupe_key for m in claimed] == ["k0", "k1"]
    assert all(m.status == "sending" and m.claimed_by == "w1" and m.attempts == 1 for m in claimed)
    async with database.session() as s:
        assert [m.dedupe_key for m in await claim_outbox(s, "w2", 10, T0 + dt.timedelta(seconds=30))] == ["k2"]
        await s.commit()
    # w1 crashes; after its lease w3 takes its rows over and w1's late report is refused
    async with database.session() as s:
        taken = await claim_outbox(s, "w3", 10, T0 + dt.timedelta(seconds=61))
        await s.commit()
    assert [m.dedupe_key for m in taken] == ["k0", "k1"]
    assert all(m.attempts == 2 for m in taken)
    async with database.session() as s:
        assert not await mark_sent(s, claimed[0].id, "w1", provider_message_id="x", now=T0)
        assert await mark_sent(s, taken[0].id, "w3", provider_message_id="tg-1", now=T0)
        assert await record_delivery(s, "telegram", "tg-1", "delivered")
        await s.commit()
        assert await outbox_counts(s) == {"sent": 1, "sending": 2}


async def test_retry_after_and_permanent_failure(database: Database) -> None:
    await _fill(database, 2)
    async with database.session() as s:
        a, b = await claim_outbox(s, "w", 2, T0)
        assert await defer(s, a.id, "w", T0 + dt.timedelta(seconds=5))  # 429 retry_after=5
        assert await mark_failed(s, b.id, "w", "403 blocked by user")
        await s.commit()
    async with database.session() as s:
        assert await claim_outbox(s, "w", 10, T0 + dt.timedelta(seconds=4)) == []
        [again] = await claim_outbox(s, "w", 10, T0 + dt.timedelta(seconds=5))
        assert (again.id, again.attempts) == (a.id, 1)  # the deferred try did not count
        assert await mark_failed(s, again.id, "w", "timeout", retry_at=T0 + dt.timedelta(seconds=10))
        await s.commit()
        assert await outbox_counts(s) == {"pending": 1, "failed": 1}


async def test_not_before_is_respected(database: Database) -> None:
    async with database.session() as s:
        await enqueue(s, "whatsapp", "1", {"t": 1}, "later", not_before=T0 + dt.timedelta(hours=3))
        await s.commit()
        assert await claim_outbox(s, "w", 5, T0) == []
        assert len(await claim_outbox(s, "w", 5, T0 + dt.timedelta(hours=3))) == 1


async def test_concurrent_claimers_never_share_and_lose_nothing(database: Database) -> None:
    total = 60
    await _fill(database, total)
    seen: list[int] = []

    async def worker(name: str) -> None:
        while True:
            async with database.session() as s:
                batch = await claim_outbox(s, name, 4, T0 + dt.timedelta(seconds=1))
                await s.commit()
            if not batch:
                return
            seen.extend(m.id for m in batch)
            async with database.session() as s:
                for m in batch:
                    assert await mark_sent(s, m.id, name, provider_message_id=f"p{m.id}")
                await s.commit()

    await asyncio.gather(*(worker(f"w{i}") for i in range(4)))
    assert len(seen) == total
    assert len(set(seen)) == total
    async with database.session() as s:
        assert await outbox_counts(s) == {"sent": total}


async def test_postgres_skip_locked_while_a_claim_is_open(postgres_db: Database) -> None:
    await _fill(postgres_db, 5)
    async with postgres_db.session() as a, postgres_db.session() as b:
        first = await claim_outbox(a, "a", 3, T0)  # uncommitted: rows stay locked
        second = await claim_outbox(b, "b", 10, T0)
        await a.commit()
        await b.commit()
    assert [m.dedupe_key for m in first] == ["k0", "k1", "k2"]
    assert [m.dedupe_key for m in second] == ["k3", "k4"]
