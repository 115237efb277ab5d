"""A change counter whose waiters wake on the next change: long polls with no wall-clock polling."""

from __future__ import annotations

import asyncio


class ChangeNotifier:
    """``notify()`` is synchronous (callable from plain methods); ``wait()`` returns when the version moves."""

    def __init__(self) -> None:
        self.version = 0
        self._event = asyncio.Event()

    def notify(self) -> None:
        self.version += 1
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait(self, since: int, timeout: float) -> int:  # noqa: ASYNC109 - a long-poll duration  # noqa: ASYNC109 - a long-poll duration, not a cancel
        """Wait until ``version > since`` or ``timeout`` seconds pass; the current version either way."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, timeout)
        while self.version <= since:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            try:
                await asyncio.wait_for(self._event.wait(), remaining)
            except TimeoutError:
                break
        return self.version
