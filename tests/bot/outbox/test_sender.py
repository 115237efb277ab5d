"""The outbox sender over the in-memory store and over the real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import pytest

from bot.outbox.memory import MemoryOutbox
from bot.outbox.protocol import PermanentSendError, RetryAfter, SendResult, TransientSendError
from bot.outbox.ratelimit import TokenBucket
from bot.outbox.sender import OutboxSender, SenderConfig
from bot.outbox.sql import SqlOutbox
from core.storage import Database, outbox_counts
from dialogs.contract import Reply

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@dataclass
class FakeTime:
    """A clock that sleeping moves forward: rate-limit tests never wait."""

    mono: float = 0.0
    start: dt.datetime = T0

    def monotonic(self) -> float:
        return self.mono

    async def sleep(self, seconds: float) -> None:
        self.mono += seconds

    def now(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=self.mono)

    def advance(self, seconds: float) -> None:
        self.mono += seconds


@dataclass
class FakeChannel:
    channel: str = "telegram"
    sent: list[tuple[str, str]] = field(default_factory=list)
    #: errors to raise, in order, before succeeding
    errors: list[Exception] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    clock: FakeTime | None = None

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append((chat_id, reply.text))
        if self.clock is not None:
            self.times.append(self.clock.mono)
        return SendResult(provider_message_id=str(len(self.sent)))


def sender(store: object, channel: FakeChannel, clock: FakeTime, rate: float = 25.0, **config: object) -> OutboxSender:
    bucket = TokenBucket(rate, monotonic=clock.monotonic, sleep=clock.sleep)
    return OutboxSender(
        store,  # type: ignore[arg-type]
        [channel],
        {"telegram": bucket},
        config=SenderConfig(**config),  # type: ignore[arg-type]
        worker_id="w1",
        now=clock.now,
    )


async def fill(store: MemoryOutbox | SqlOutbox, n: int, *, chats: int = 1, at: dt.datetime = T0) -> None:
    for i in range(n):
        payload = Reply(text=f"напоминание {i}").to_dict()
        await store.enqueue(
            channel="telegram", chat_id=str(100 + i % chats), payload=payload, not_before=at, dedupe_key=f"r{i}"
        )


async def test_sends_everything_in_order_and_marks_it_sent_with_the_provider_id() -> None:
    clock, store, channel = FakeTime(), MemoryOutbox(), FakeChannel()
    await fill(store, 5)
    assert await sender(store, channel, clock).drain_once() == 5
    assert [text for _, text in channel.sent] == [f"напоминание {i}" for i in range(5)]
    assert [row.provider_message_id for row in store.rows.values()] == ["1", "2", "3", "4", "5"]
    assert await sender(store, channel, clock).drain_once() == 0


async def test_global_rate_limit_spreads_sends() -> None:
    clock, store = FakeTime(), MemoryOutbox()
    channel = FakeChannel(clock=clock)
    await fill(store, 100, chats=100)
    s = sender(store, channel, clock, rate=25.0, batch_size=100)
    assert await s.drain_once() == 100
    # a burst of 5, then 25 per second: the 100th send no earlier than (100 - 5) / 25 s
    assert channel.times[-1] == pytest.approx(95 / 25)
    for i in range(5, 100):
        window = [t for t in channel.times if channel.times[i] - 1.0 < t <= channel.times[i]]
        assert len(window) <= 5 + 25  # burst + rate × 1 s


async def test_retry_after_defers_without_counting_an_attempt_and_pauses_the_channel() -> None:
    clock, store = FakeTime(), MemoryOutbox()
    channel = FakeChannel(errors=[RetryAfter(30)])
    await fill(store, 3)  # one chat: the later two wait with the first, in order
    assert await sender(store, channel, clock).drain_once() == 3
    assert channel.sent == []
    rows = list(store.rows.values())
    assert [r.status for r in rows] == ["pending"] * 3
    assert rows[0].not_before == T0 + dt.timedelta(seconds=30)
    assert [r.item.attempts for r in rows] == [0, 0, 0]
    s = sender(store, channel, clock)
    assert await s.drain_once() == 0  # all three wait, in order
    clock.advance(30)
    assert await s.drain_once() == 3
    assert [text for _, text in channel.sent] == [f"напоминание {i}" for i in range(3)]
    assert store.by_status("sent") == rows


async def test_paused_channel_defers_rows_instead_of_holding_their_lease() -> None:
    clock, store = FakeTime(), MemoryOutbox()
    channel = FakeChannel(errors=[RetryAfter(120)])
    await fill(store, 2, chats=2)
    await sender(store, channel, clock, concurrency=1).drain_once()
    second = store.rows[2]
    assert (second.status, second.not_before) == ("pending", T0 + dt.timedelta(seconds=120))
    assert channel.sent == []


async def test_transient_errors_retry_with_backoff_then_fail_after_max_attempts() -> None:
    clock, store = FakeTime(), MemoryOutbox()
    channel = FakeChannel(errors=[TransientSendError("502")] * 3)
    await fill(store, 1)
    s = sender(store, channel, clock, max_attempts=3, backoff_base=dt.timedelta(seconds=10))
    await s.drain_once()
    row = store.rows[1]
    assert (row.status, row.item.attempts, row.not_before) == ("pending", 1, T0 + dt.timedelta(seconds=10))
    clock.advance(10)
    await s.drain_once()
    assert row.not_before == T0 + dt.timedelta(seconds=30)  # 10 s, then 20 s
    clock.advance(20)
    await s.drain_once()
    assert (row.status, row.item.attempts, row.last_error) == ("failed", 3, "502")
    assert channel.sent == []


async def test_permanent_refusal_and_unreadable_payload_fail_at_once() -> None:
    clock, store = FakeTime(), MemoryOutbox()
    channel = FakeChannel(errors=[PermanentSendError("Forbidden: bot was blocked by the user")])
    await fill(store, 1)
    await store.enqueue(channel="telegram", chat_id="5", payload={"no": "text"}, not_before=T0, dedupe_key="bad")
    await sender(store, channel, clock).drain_once()
    assert [r.status for r in store.rows.values()] == ["failed", "failed"]
    assert store.rows[1].last_error == "Forbidden: bot was blocked by the user"


async def test_a_partly_sent_reply_queues_only_its_remainder() -> None:
    clock, store = FakeTime(), MemoryOutbox()
    channel = FakeChannel(errors=[RetryAfter(3, remainder=Reply(text="вторая часть"))])
    await fill(store, 1)
    await sender(store, channel, clock).drain_once()
    assert store.rows[1].status == "sent"
    rest = store.rows[2]
    assert (Reply.from_dict(rest.item.payload).text, rest.not_before) == ("вторая часть", T0 + dt.timedelta(seconds=3))


async def test_a_crashed_worker_s_rows_are_resent_only_after_the_lease_expires() -> None:
    clock, store, channel = FakeTime(), MemoryOutbox(), FakeChannel()
    await fill(store, 1)
    lease = dt.timedelta(seconds=60)
    crashed = await store.claim(worker_id="dead", channel="telegram", limit=10, now=clock.now(), lease=lease)
    assert len(crashed) == 1
    s = sender(store, channel, clock)
    assert await s.drain_once() == 0
    clock.advance(61)
    assert await s.drain_once() == 1
    assert channel.sent == [("100", "напоминание 0")]
    assert not await store.mark_sent(crashed[0], provider_message_id="x", now=clock.now())  # the dead one lost it


async def test_run_stops_on_the_event() -> None:
    clock, store, channel = FakeTime(), MemoryOutbox(), FakeChannel()
    await fill(store, 2)
    stop = asyncio.Event()
    s = sender(store, channel, clock, idle_seconds=0.01)
    original = s.drain_once

    async def drain_then_stop() -> int:
        handled = await original()
        if handled == 0:
            stop.set()  # the outbox is empty: ask the loop to stop
        return handled

    s.drain_once = drain_then_stop  # type: ignore[method-assign]
    await asyncio.wait_for(s.run(stop), timeout=5)
    assert len(channel.sent) == 2


async def test_sql_outbox_round_trip(database: Database) -> None:
    clock, channel = FakeTime(), FakeChannel(errors=[RetryAfter(5)])
    store = SqlOutbox(database)
    await fill(store, 3, chats=3)
    await fill(store, 3, chats=3)  # same dedupe keys: nothing new
    s = sender(store, channel, clock)
    await s.drain_once()
    clock.advance(5)
    await s.drain_once()
    assert sorted(channel.sent) == [("100", "напоминание 0"), ("101", "напоминание 1"), ("102", "напоминание 2")]
    async with database.session() as session:
        assert await outbox_counts(session) == {"sent": 3}


@pytest.mark.postgres
async def test_two_workers_on_postgres_never_send_a_row_twice(postgres_url: str) -> None:
    databases = [Database(postgres_url), Database(postgres_url)]  # two pools, like two processes
    try:
        await fill(SqlOutbox(databases[0]), 120, chats=30)
        channel = FakeChannel()
        workers = [
            OutboxSender(
                SqlOutbox(db),
                [channel],
                {"telegram": TokenBucket(1e6, burst=1e6)},
                config=SenderConfig(batch_size=10),
                worker_id=f"w{i}",
            )
            for i, db in enumerate(databases)
        ]

        async def drain(worker: OutboxSender) -> int:
            total = 0
            while handled := await worker.drain_once():
                total += handled
            return total

        counts = await asyncio.gather(*(drain(w) for w in workers))
        per_row = Counter(text for _, text in channel.sent)
        assert len(per_row) == 120
        assert set(per_row.values()) == {1}
        assert sum(counts) == 120
        assert all(c > 0 for c in counts)  # both really worked
        for chat in {chat_id for chat_id, _ in channel.sent}:  # and each chat's rows arrived in order
            numbers = [int(text.split()[-1]) for chat_id, text in channel.sent if chat_id == chat]
            assert numbers == sorted(numbers)
        async with databases[0].session() as session:
            assert await outbox_counts(session) == {"sent": 120}
    finally:
        for db in databases:
            await db.dispose()


async def test_sql_lease_expiry_resends_a_crashed_workers_row_once(database: Database) -> None:
    clock, channel = FakeTime(), FakeChannel()
    store = SqlOutbox(database)
    await fill(store, 1)
    crashed = await store.claim(
        worker_id="dead", channel="telegram", limit=5, now=clock.now(), lease=dt.timedelta(seconds=60)
    )
    assert len(crashed) == 1
    s = sender(store, channel, clock)
    assert await s.drain_once() == 0  # the lease still holds
    clock.advance(61)
    assert await s.drain_once() == 1
    assert channel.sent == [("100", "напоминание 0")]
    assert not await store.mark_sent(crashed[0], provider_message_id="late", now=clock.now())
    async with database.session() as session:
        assert await outbox_counts(session) == {"sent": 1}


async def test_telegram_channel_sorts_errors_into_wait_retry_and_fail() -> None:
    from bot.outbox.telegram import TelegramChannelSender
    from tests.bot.telegram.fakes import fake_bot_api

    async with fake_bot_api() as (api, bot):
        channel = TelegramChannelSender(bot)
        api.failures["sendMessage"] = [(429, 3), (502, 0), (403, 0), (400, 0)]
        with pytest.raises(RetryAfter) as waited:
            await channel.send("7", Reply(text="a"))
        assert (waited.value.seconds, waited.value.remainder) == (3, None)
        with pytest.raises(TransientSendError):
            await channel.send("7", Reply(text="a"))
        with pytest.raises(PermanentSendError):
            await channel.send("7", Reply(text="a"))
        with pytest.raises(PermanentSendError):
            await channel.send("7", Reply(text="a"))
        with pytest.raises(PermanentSendError):
            await channel.send("not-a-number", Reply(text="a"))
        assert (await channel.send("7", Reply(text="ok"))).provider_message_id.isdigit()
