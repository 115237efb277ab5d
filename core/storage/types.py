"""Portable column types: timezone-aware UTC timestamps and money (Numeric(18, 2), ``Decimal`` in and out)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Integer, Numeric
from sqlalchemy.types import TypeDecorator

# SQLite only auto-increments an ``INTEGER PRIMARY KEY``; PostgreSQL gets a 64-bit identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")

# Money: 16 integer digits and tiyn. SQLite keeps it as a float (exact below 10^13 tenge), PostgreSQL as NUMERIC.
Money = Numeric(18, 2, asdecimal=True)

# A rate snapshot (share of one, e.g. 0.03 for 3 %).
Rate = Numeric(9, 6, asdecimal=True)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware timestamp stored in UTC; naive datetimes are refused (they hide bugs)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware value (UTC)")
        utc = value.astimezone(dt.UTC)
        # SQLite has no time zones: store naive UTC so string comparison orders correctly.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)
