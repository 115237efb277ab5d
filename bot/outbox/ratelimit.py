"""A token bucket: at most ``rate`` sends per second on average, ``burst`` at once; ``pause`` after a 429.

Time is injected (a monotonic reading and a sleep), so tests drive it without waiting."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

_EPSILON = 1e-9
_MIN_SLEEP = 1e-4


class TokenBucket:
    def __init__(
        self,
        rate: float,
        burst: float | None = None,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, rate / 5)
        self._monotonic = monotonic
        self._sleep = sleep
        self._tokens = self.burst
        self._stamp = monotonic()
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    def _refill(self, now: float) -> None:
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    async def acquire(self) -> None:
        """Wait for one token (first in, first served)."""
        async with self._lock:
            while True:
                now = self._monotonic()
                if now < self._paused_until:
                    await self._sleep(self._paused_until - now)
                    continue
                self._refill(now)
                if self._tokens >= 1 - _EPSILON:  # float dust must not spin the loop
                    self._tokens = max(0.0, self._tokens - 1)
                    return
                await self._sleep(max((1 - self._tokens) / self.rate, _MIN_SLEEP))

    def pause(self, seconds: float) -> None:
        """Stop every send for ``seconds`` (Telegram's flood control is per bot, not only per chat)."""
        now = self._monotonic()
        self._paused_until = max(self._paused_until, now + seconds)
        self._refill(now)
        self._tokens = 0.0

    def paused_for(self) -> float:
        """Seconds left of a pause (0 when sending is allowed)."""
        return max(0.0, self._paused_until - self._monotonic())
