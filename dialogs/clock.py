"""Kazakhstan time: one zone, UTC+5, since 1 March 2024 (no daylight saving)."""

from __future__ import annotations

import datetime as dt

KZ_TZ = dt.timezone(dt.timedelta(hours=5), "Asia/Almaty")


def as_utc(moment: dt.datetime) -> dt.datetime:
    """An aware UTC datetime (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def kz_today(moment: dt.datetime) -> dt.date:
    """The local date in Kazakhstan at ``moment``."""
    return as_utc(moment).astimezone(KZ_TZ).date()
