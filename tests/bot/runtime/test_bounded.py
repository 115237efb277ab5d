"""The engine gate: never more events inside than the limit; SQLite gets a limit of one."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

from bot.runtime.bounded import BoundedEngine, for_dialect
from dialogs.contract import ChatRef, InputEvent, Reply, TextEvent


class SlowEngine:
    def __init__(self) -> None:
        self.inside = 0
        self.most = 0
        self.release = asyncio.Event()
        self.two_inside = asyncio.Event()

    async def handle(self, event: InputEvent) -> Sequence[Reply]:
        self.inside += 1
        self.most = max(self.most, self.inside)
        if self.inside >= 2:
            self.two_inside.set()
        await self.release.wait()
        self.inside -= 1
        return [Reply(text=event.event_id)]


def event(i: int) -> TextEvent:
    return TextEvent(ChatRef("telegram", str(i)), "hi", str(i), dt.datetime(2026, 12, 1, tzinfo=dt.UTC))


async def test_at_most_limit_events_inside() -> None:
    slow = SlowEngine()
    gate = BoundedEngine(slow, 2)
    tasks = [asyncio.create_task(gate.handle(event(i))) for i in range(6)]
    await slow.two_inside.wait()
    for _ in range(10):  # give the waiting four every chance to barge in
        await asyncio.sleep(0)
    assert slow.inside == 2
    slow.release.set()
    results = await asyncio.gather(*tasks)
    assert slow.most == 2
    assert [r[0].text for r in results] == [str(i) for i in range(6)]


def test_sqlite_is_served_one_event_at_a_time() -> None:
    slow = SlowEngine()
    assert isinstance(for_dialect(slow, "sqlite"), BoundedEngine)
    assert for_dialect(slow, "postgresql") is slow
