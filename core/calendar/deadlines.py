"""Deadlines of an ИП (сроки сдачи отчётности и уплаты), from the dated rules in ``deadlines.yaml``.

Each rule is ``{day, months_after}`` counted from the month in which the period ends; the due date is then moved to
the next working day (перенос срока на следующий рабочий день).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from core.calendar.working_days import next_working_day
from core.rules import ParameterError, parameters
from core.rules.loader import ParameterValue

Regime = Literal["simplified", "general", "self_employed"]
Action = Literal["file", "pay"]
PeriodKind = Literal["month", "quarter", "half", "year"]
REGIMES: tuple[Regime, ...] = ("simplified", "general", "self_employed")


class Profile(Protocol):
    """What the calendar needs to know about an ИП: the tax regime and the number of employees."""

    @property
    def regime(self) -> str: ...

    @property
    def employees(self) -> int: ...


@dataclass(frozen=True, slots=True)
class TaxProfile:
    """A plain ``Profile``."""

    regime: Regime
    employees: int = 0


@dataclass(frozen=True, slots=True)
class Obligation:
    """One filing or payment: ``due`` is the working day, ``original_due`` the date the rule gives."""

    obligation: str
    action: Action
    period: str
    due: dt.date
    original_due: dt.date
    reference: str = ""


@dataclass(frozen=True, slots=True)
class _Kind:
    code: str
    node: str
    period: PeriodKind
    actions: tuple[Action, ...]


# Which forms/payments exist and their period: the shape of each obligation. Dates and who has it are data.
KINDS: tuple[_Kind, ...] = (
    _Kind("910.00", "deadlines.f910", "half", ("file", "pay")),
    _Kind("200.00", "deadlines.f200", "quarter", ("file",)),
    _Kind("220.00", "deadlines.f220", "year", ("file", "pay")),
    _Kind("social_payments", "deadlines.social_payments", "month", ("pay",)),
    _Kind("payroll_payments", "deadlines.payroll_payments", "month", ("pay",)),
    _Kind("self_employed_payments", "deadlines.self_employed", "month", ("pay",)),
)
_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period: its label ("2026-H1", "2026-Q3", "2026-10", "2026") and last day."""

    label: str
    end: dt.date


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _period(kind: PeriodKind, year: int, index: int) -> Period:
    end = _last_day(year, index * _MONTHS[kind])
    label = {"month": f"{year}-{index:02d}", "quarter": f"{year}-Q{index}", "half": f"{year}-H{index}"}.get(
        kind, str(year)
    )
    return Period(label, end)


def _periods(kind: PeriodKind, year: int) -> Iterator[Period]:
    for index in range(1, 12 // _MONTHS[kind] + 1):
        yield _period(kind, year, index)


def rule_date(rule: ParameterValue, period_end: dt.date) -> dt.date:
    """The date a ``{day, months_after}`` rule gives for a period ending on ``period_end`` (before the move)."""
    value: Any = rule.value
    try:
        day, months_after = int(value["day"]), int(value["months_after"])
    except (KeyError, TypeError, ValueError):
        raise ParameterError(f"{rule.path}: a deadline needs {{day, months_after}}, got {value!r}") from None
    month_index = period_end.year * 12 + period_end.month - 1 + months_after
    year, month = divmod(month_index, 12)
    month += 1
    if year > dt.MAXYEAR:
        raise OverflowError(f"{rule.path}: deadline after year {dt.MAXYEAR}")
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _deadline(node: str, action: Action, period_end: dt.date) -> tuple[dt.date, dt.date, str]:
    rule = parameters().at(f"{node}.{action}", period_end)
    original = rule_date(rule, period_end)
    return next_working_day(original), original, rule.reference.cite()


def social_payments_due(year: int, month: int) -> dt.date:
    """Due date of the social payments for ``year``-``month`` (соцплатежи за себя), on a working day."""
    return _deadline("deadlines.social_payments", "pay", _last_day(year, month))[0]


def f910_deadlines(year: int, half: int) -> tuple[dt.date, dt.date]:
    """(file_by, pay_by) of the 910.00 for a half-year (1 or 2), each on a working day."""
    if half not in (1, 2):
        raise ValueError(f"half must be 1 or 2, got {half!r}")
    end = _period("half", year, half).end
    return _deadline("deadlines.f910", "file", end)[0], _deadline("deadlines.f910", "pay", end)[0]


def _applies(kind: _Kind, profile: Profile, on: dt.date) -> bool:
    try:
        rule: Any = parameters().value(f"{kind.node}.applies", on)
    except ParameterError:
        return False  # the regime or form did not exist then (e.g. self-employed before 2026)
    if profile.regime not in rule["regimes"]:
        return False
    return rule.get("employees", "any") != "required" or profile.employees > 0


def _for_kind(kind: _Kind, profile: Profile, start: dt.date, end: dt.date) -> Iterator[Obligation]:
    # A period's deadline is at most a few months after it ends, so periods from the year before suffice.
    for year in range(max(start.year - 1, dt.MINYEAR), end.year + 1):
        for period in _periods(kind.period, year):
            if not _applies(kind, profile, period.end):
                continue
            for action in kind.actions:
                try:
                    due, original, cite = _deadline(kind.node, action, period.end)
                except OverflowError:
                    continue  # the deadline falls after year 9999
                if start <= due <= end:
                    yield Obligation(kind.code, action, period.label, due, original, cite)


def obligations(profile: Profile, start: dt.date, end: dt.date) -> list[Obligation]:
    """Every filing and payment of ``profile`` due in [start, end], sorted by due date."""
    if profile.regime not in REGIMES:
        raise ValueError(f"unknown regime {profile.regime!r}; one of {', '.join(REGIMES)}")
    if profile.employees < 0:
        raise ValueError("employees cannot be negative")
    found = [item for kind in KINDS for item in _for_kind(kind, profile, start, end)]
    return sorted(found, key=lambda o: (o.due, o.obligation, o.action, o.period))
