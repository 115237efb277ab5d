"""How figures and dates look in chat: ``150 000 ₸``, ``25.12.2026``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.money import whole_tenge

THIN_SPACE = "\u00a0"


def money(amount: Decimal) -> str:
    """Whole tenge with a no-break space between thousands: ``150 000 ₸``."""
    value = int(whole_tenge(amount))
    return f"{value:,}".replace(",", THIN_SPACE) + f"{THIN_SPACE}₸"


def date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def percent(share: Decimal) -> str:
    """A share (0.04) as a percent (``4 %``, ``0,5 %``)."""
    value = (share * 100).normalize()
    text = format(value, "f").replace(".", ",")
    return f"{text}{THIN_SPACE}%"
