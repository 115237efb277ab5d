"""The deadline calendar: working days in Kazakhstan and the obligations of an ИП (календарь сроков)."""

from core.calendar.deadlines import (
    REGIMES,
    Obligation,
    Profile,
    TaxProfile,
    f910_deadlines,
    obligations,
    social_payments_due,
)
from core.calendar.working_days import add_working_days, is_working_day, next_working_day, working_days_between

__all__ = [
    "REGIMES",
    "Obligation",
    "Profile",
    "TaxProfile",
    "add_working_days",
    "f910_deadlines",
    "is_working_day",
    "next_working_day",
    "obligations",
    "social_payments_due",
    "working_days_between",
]
