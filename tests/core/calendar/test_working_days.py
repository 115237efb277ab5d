import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.calendar import add_working_days, is_working_day, next_working_day, working_days_between
from core.calendar.working_days import load_transfers, transfers
from core.rules import ParameterError

D = dt.date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 8, 15), D(2026, 8, 17)),  # Saturday
        (D(2026, 2, 15), D(2026, 2, 16)),  # Sunday
        (D(2025, 2, 15), D(2025, 2, 17)),  # Saturday
        (D(2026, 1, 25), D(2026, 1, 26)),  # Sunday
        (D(2026, 8, 17), D(2026, 8, 17)),  # a working Monday is itself
        (D(2025, 12, 16), D(2025, 12, 17)),  # Independence Day, a Tuesday
        (D(2026, 3, 21), D(2026, 3, 26)),  # Nauryz 21–23 March 2026 plus observed 24, 25 March
        (D(2025, 3, 21), D(2025, 3, 26)),  # Nauryz 2025 with observed 24, 25 March
        (D(2026, 10, 25), D(2026, 10, 27)),  # Sunday, then Republic Day observed on Monday 26
        (D(2026, 1, 1), D(2026, 1, 5)),  # New Year 1–2 January and the weekend
    ],
)
def test_next_working_day(day: dt.date, expected: dt.date) -> None:
    assert next_working_day(day) == expected


def test_transfer_makes_a_weekend_day_working_and_a_weekday_off() -> None:
    assert is_working_day(D(2024, 5, 4))  # Saturday made a working day
    assert not is_working_day(D(2024, 5, 8))  # Wednesday made a day off
    assert is_working_day(D(2025, 1, 5))  # Sunday made a working day
    assert not is_working_day(D(2025, 1, 3))
    assert next_working_day(D(2024, 5, 7)) == D(2024, 5, 10)  # 7, 8, 9 May off


def test_plain_weekdays_and_weekends() -> None:
    assert is_working_day(D(2026, 12, 1))  # Tuesday
    assert not is_working_day(D(2026, 12, 5))  # Saturday
    assert not is_working_day(D(2026, 12, 16))  # Independence Day


def test_add_working_days() -> None:
    assert add_working_days(D(2026, 12, 11), 1) == D(2026, 12, 14)  # Friday + 1 → Monday
    assert add_working_days(D(2026, 12, 15), 1) == D(2026, 12, 17)  # skips 16 December
    assert add_working_days(D(2026, 12, 14), -1) == D(2026, 12, 11)
    assert add_working_days(D(2026, 8, 15), 0) == D(2026, 8, 17)


def test_working_days_between() -> None:
    assert working_days_between(D(2026, 12, 14), D(2026, 12, 21)) == 4  # 16 December is off
    assert working_days_between(D(2026, 12, 21), D(2026, 12, 14)) == -4
    assert working_days_between(D(2026, 12, 14), D(2026, 12, 14)) == 0


def test_add_and_between_agree() -> None:
    start = D(2026, 3, 2)
    for n in range(1, 40):
        assert working_days_between(start, add_working_days(start, n)) == n


def test_transfers_file_is_valid_and_sourced() -> None:
    items = transfers()
    assert items
    for item in items:
        assert item.working_day.weekday() >= 5
        assert item.day_off.weekday() < 5
        assert item.reference.href


def test_transfer_without_reference_is_rejected(tmp_path: Path) -> None:
    file = tmp_path / "t.yaml"
    file.write_text("transfers:\n  - {working_day: 2024-05-04, day_off: 2024-05-08}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="reference"):
        load_transfers(file)


@given(st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31)))
def test_next_working_day_properties(day: dt.date) -> None:
    moved = next_working_day(day)
    assert moved >= day
    assert is_working_day(moved)
    assert working_days_between(day, moved) == 0  # nothing working was skipped
    assert (moved - day).days <= 6


@given(st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31)), st.integers(min_value=-30, max_value=30))
def test_add_working_days_lands_on_a_working_day(day: dt.date, n: int) -> None:
    result = add_working_days(day, n)
    assert is_working_day(result)
    if n > 0:
        assert working_days_between(day + dt.timedelta(days=1), result + dt.timedelta(days=1)) == n
