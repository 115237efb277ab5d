"""Tax periods: a calendar month (социальные платежи) and a half-year (910.00), and the years the rules cover."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from core.calc.errors import CalcInputError, UnsupportedPeriodError
from core.rules import parameters

MONTHS_PER_HALF = 6
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def supported_years() -> range:
    """Years with rules: from the first МРП value to the year of the last one (a new budget law extends it)."""
    values = parameters().get("base.mrp").values
    return range(values[0].since.year, values[-1].since.year + 1)


def check_year(year: int) -> None:
    """Raise ``UnsupportedPeriodError`` for a year the rules do not cover."""
    years = supported_years()
    if year not in years:
        raise UnsupportedPeriodError(f"year {year} is not supported (rules cover {years.start}–{years.stop - 1})")


@dataclass(frozen=True, slots=True, order=True)
class Month:
    """A calendar month, ``2026-03``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise CalcInputError(f"month must be 1–12, got {self.month}")
        check_year(self.year)

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"2026-03"`` → ``Month(2026, 3)``; malformed text or an unsupported year is bad input."""
        match = _MONTH_RE.match(text.strip())
        if not match:
            raise CalcInputError(f"malformed period {text!r} (expected YYYY-MM)")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, value: Month | dt.date | str) -> Month:
        if isinstance(value, Month):
            return value
        if isinstance(value, dt.date):
            return cls(value.year, value.month)
        return cls.parse(value)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, slots=True, order=True)
class HalfYear:
    """A half-year of form 910.00 (``half`` is 1 or 2)."""

    year: int
    half: int

    def __post_init__(self) -> None:
        if self.half not in (1, 2):
            raise CalcInputError(f"half must be 1 or 2, got {self.half}")
        check_year(self.year)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, (self.half - 1) * MONTHS_PER_HALF + 1, 1)

    @property
    def january_first(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    def months(self) -> list[Month]:
        """The six months of the half-year."""
        first = (self.half - 1) * MONTHS_PER_HALF + 1
        return [Month(self.year, first + i) for i in range(MONTHS_PER_HALF)]

    def iso(self) -> str:
        return f"{self.year:04d}-H{self.half}"


def non_negative(name: str, amount: Decimal) -> Decimal:
    """Refuse negative or non-finite amounts (bad input), return the amount."""
    if not amount.is_finite() or amount < 0:
        raise CalcInputError(f"{name} must be a non-negative amount, got {amount}")
    return amount
