"""Clocks for the emulators: the real one, and a manual one tests drive without sleeping."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Time as the emulator sees it: a monotonic reading for rate limits and a Unix time for message dates."""

    def monotonic(self) -> float: ...

    def unix_time(self) -> float: ...


class SystemClock:
    """The process clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def unix_time(self) -> float:
        return time.time()


class ManualClock:
    """A clock that moves only when told (``advance``), so rate-limit tests never wait on wall-clock time."""

    def __init__(self, start_unix: float = 1_790_000_000.0) -> None:
        self._mono = 0.0
        self._unix = start_unix

    def monotonic(self) -> float:
        return self._mono

    def unix_time(self) -> float:
        return self._unix

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock never goes back")
        self._mono += seconds
        self._unix += seconds
