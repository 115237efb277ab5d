"""Helpers shared by CLI modules: the usage error, JSON output, argument parsers for dates and amounts."""

from __future__ import annotations

import datetime as dt
import json
import sys
from decimal import Decimal
from typing import Any


class UsageError(Exception):
    """Bad input on the command line: printed as one line, exit code 2."""


def parse_date(text: str) -> dt.date:
    """ISO date ``YYYY-MM-DD`` or a ``UsageError``."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(payload: Any) -> str:
    """JSON with Cyrillic kept readable; whole-tenge ``Decimal`` as integers, dates as ISO strings."""
    return json.dumps(payload, ensure_ascii=False, default=_default)


def print_json(payload: Any) -> None:
    """Print one JSON document on stdout."""
    sys.stdout.write(dumps(payload) + "\n")
