"""Working days in Kazakhstan (рабочие дни): weekends, public holidays, and government day-off transfers.

Public holidays come from the ``holidays`` package (``country_holidays("KZ")``, which includes the days off moved
from a weekend). Government transfers (перенос выходных) are data in ``day_off_transfers.yaml``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays

from core.rules.loader import ParameterError, Reference, read_yaml

TRANSFERS_FILE = Path(__file__).with_name("day_off_transfers.yaml")
_SATURDAY = 5
_ONE_DAY = dt.timedelta(days=1)
# A safety bound: no run of days off in Kazakhstan is anywhere near this long.
_MAX_DAYS_OFF_IN_A_ROW = 31


@dataclass(frozen=True, slots=True)
class Transfer:
    """One government transfer: ``working_day`` (a weekend day) works, ``day_off`` (a weekday) rests."""

    working_day: dt.date
    day_off: dt.date
    reference: Reference
    confidence: str | None = None


def _transfer(raw: Any) -> Transfer:
    if not isinstance(raw, dict) or not isinstance(raw.get("working_day"), dt.date):
        raise ParameterError(f"day-off transfer needs working_day and day_off dates: {raw!r}")
    if not isinstance(raw.get("day_off"), dt.date):
        raise ParameterError(f"day-off transfer needs a day_off date: {raw!r}")
    ref = raw.get("reference") or {}
    if not ref.get("title") or not (ref.get("href") or ref.get("article")):
        raise ParameterError(f"day-off transfer needs a reference {{title, href}}: {raw!r}")
    return Transfer(
        working_day=raw["working_day"],
        day_off=raw["day_off"],
        reference=Reference(title=str(ref["title"]), href=ref.get("href"), article=ref.get("article")),
        confidence=raw.get("confidence"),
    )


def load_transfers(path: Path = TRANSFERS_FILE) -> tuple[Transfer, ...]:
    """Read and validate the transfers data file."""
    raw = read_yaml(path) or {}
    return tuple(_transfer(item) for item in raw.get("transfers") or [])


@lru_cache(maxsize=1)
def transfers() -> tuple[Transfer, ...]:
    """The project's day-off transfers, loaded once."""
    return load_transfers()


@lru_cache(maxsize=1)
def _transfer_sets() -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    items = transfers()
    return frozenset(t.working_day for t in items), frozenset(t.day_off for t in items)


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("KZ", years=year))


def is_working_day(d: dt.date) -> bool:
    """True when ``d`` is a working day of the five-day week (пятидневная рабочая неделя)."""
    working, days_off = _transfer_sets()
    if d in working:
        return True
    if d in days_off or d.weekday() >= _SATURDAY:
        return False
    return d not in _public_holidays(d.year)


def next_working_day(d: dt.date) -> dt.date:
    """``d`` itself when it is a working day, else the first working day after it."""
    current = d
    for _ in range(_MAX_DAYS_OFF_IN_A_ROW):
        if is_working_day(current):
            return current
        current += _ONE_DAY
    raise ValueError(f"no working day within {_MAX_DAYS_OFF_IN_A_ROW} days of {d.isoformat()}")


def add_working_days(d: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``d`` (before it when ``n`` < 0); ``n`` = 0 gives ``next_working_day(d)``."""
    if n == 0:
        return next_working_day(d)
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    current, left = d, abs(n)
    while left:
        current += step
        if is_working_day(current):
            left -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in the half-open range [start, end); negative when ``end`` is before ``start``."""
    if end < start:
        return -working_days_between(end, start)
    count, current = 0, start
    while current < end:
        count += is_working_day(current)
        current += _ONE_DAY
    return count
