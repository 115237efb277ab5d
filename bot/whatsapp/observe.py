"""Who wants to know when a notification has been fully handled (tests, the e2e harness): no sleeping, no polling."""

from __future__ import annotations

import asyncio
from collections import Counter


class ProcessedTracker:
    """Counts handled keys (a message's ``wamid``; ``status:<id>:<status>`` for a status) and wakes waiters."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._changed = asyncio.Condition()

    async def done(self, key: str) -> None:
        async with self._changed:
            self.counts[key] += 1
            self._changed.notify_all()

    async def wait_for(self, key: str, times: int = 1, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.counts[key] >= times), timeout)
