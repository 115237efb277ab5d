"""Typed errors of the calculators: all are bad input (``ValueError``), shown to a user as one short line."""

from __future__ import annotations

from core.rules.places import UnknownPlaceError


class CalcInputError(ValueError):
    """Bad input to a calculator (negative amount, malformed period, contradictory options)."""


class UnsupportedPeriodError(CalcInputError):
    """The period is outside the years the rules cover, or the regime does not exist then."""


__all__ = ["CalcInputError", "UnknownPlaceError", "UnsupportedPeriodError"]
