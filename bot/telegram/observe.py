"""``UpdateTracker``: an observer middleware that knows when each update has been fully handled, and how long it took.

The end-to-end tests wait on it (an update is done when its replies are sent — no sleeping for timing) and the bench
reads its latencies."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UpdateTracker(BaseMiddleware):
    def __init__(self) -> None:
        self.done: dict[int, int] = {}  # update id → times handled (a redelivery counts again)
        self.durations: list[float] = []
        self.finished_at: dict[int, float] = {}  # update id → ``time.perf_counter()`` when its handling ended
        self._changed = asyncio.Condition()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        started = time.perf_counter()
        try:
            return await handler(event, data)
        finally:
            finished = time.perf_counter()
            self.durations.append(finished - started)
            if isinstance(event, Update):
                self.finished_at.setdefault(event.update_id, finished)
                async with self._changed:
                    self.done[event.update_id] = self.done.get(event.update_id, 0) + 1
                    self._changed.notify_all()

    async def wait_for(self, update_id: int, times: int = 1, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Until update ``update_id`` has been handled ``times`` times (the timeout only guards a broken test)."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: self.done.get(update_id, 0) >= times), timeout=timeout
            )

    async def wait_count(self, count: int, timeout: float = 60.0) -> None:  # noqa: ASYNC109
        """Until ``count`` updates in all have been handled."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: sum(self.done.values()) >= count), timeout=timeout)
