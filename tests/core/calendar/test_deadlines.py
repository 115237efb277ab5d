import datetime as dt

import pytest

from core.calendar import Obligation, TaxProfile, f910_deadlines, obligations, social_payments_due
from core.rules import parameters

D = dt.date


def _keys(items: list[Obligation]) -> list[tuple[str, str, str, dt.date]]:
    return [(o.obligation, o.action, o.period, o.due) for o in items]


def test_910_deadlines_moved_off_weekends() -> None:
    assert f910_deadlines(2026, 1) == (D(2026, 8, 17), D(2026, 8, 25))  # 15 Aug 2026 is a Saturday
    assert f910_deadlines(2025, 2) == (D(2026, 2, 16), D(2026, 2, 25))  # 15 Feb 2026 is a Sunday
    assert f910_deadlines(2024, 2) == (D(2025, 2, 17), D(2025, 2, 25))  # 15 Feb 2025 is a Saturday


def test_910_half_must_be_1_or_2() -> None:
    with pytest.raises(ValueError, match="half"):
        f910_deadlines(2026, 3)


def test_social_payments_due() -> None:
    assert social_payments_due(2025, 12) == D(2026, 1, 26)  # 25 Jan 2026 is a Sunday
    assert social_payments_due(2026, 10) == D(2026, 11, 25)
    assert social_payments_due(2026, 9) == D(2026, 10, 27)  # Sunday, then Republic Day observed


def test_simplified_second_half_of_2026() -> None:
    items = obligations(TaxProfile("simplified"), D(2026, 7, 1), D(2026, 12, 31))
    assert _keys(items) == [
        ("social_payments", "pay", "2026-06", D(2026, 7, 27)),
        ("910.00", "file", "2026-H1", D(2026, 8, 17)),
        ("910.00", "pay", "2026-H1", D(2026, 8, 25)),
        ("social_payments", "pay", "2026-07", D(2026, 8, 25)),
        ("social_payments", "pay", "2026-08", D(2026, 9, 25)),
        ("social_payments", "pay", "2026-09", D(2026, 10, 27)),
        ("social_payments", "pay", "2026-10", D(2026, 11, 25)),
        ("social_payments", "pay", "2026-11", D(2026, 12, 25)),
    ]
    assert items[1].original_due == D(2026, 8, 15)
    assert "214-VIII" in items[1].reference


def test_simplified_with_employees_adds_payroll_not_200() -> None:
    items = obligations(TaxProfile("simplified", 3), D(2026, 11, 1), D(2026, 11, 30))
    assert {o.obligation for o in items} == {"social_payments", "payroll_payments"}


def test_general_with_employees() -> None:
    items = obligations(TaxProfile("general", 2), D(2026, 1, 1), D(2026, 12, 31))
    codes = {(o.obligation, o.action, o.period) for o in items}
    assert ("220.00", "file", "2025") in codes
    assert ("220.00", "pay", "2025") in codes
    f200 = [o for o in items if o.obligation == "200.00"]
    assert [(o.period, o.due) for o in f200] == [
        ("2025-Q4", D(2026, 2, 16)),
        ("2026-Q1", D(2026, 5, 15)),
        ("2026-Q2", D(2026, 8, 17)),
        ("2026-Q3", D(2026, 11, 16)),
    ]
    assert "910.00" not in {o.obligation for o in items}
    assert sum(o.obligation == "payroll_payments" for o in items) == 12


def test_general_without_employees_has_no_payroll() -> None:
    items = obligations(TaxProfile("general"), D(2026, 1, 1), D(2026, 12, 31))
    assert {o.obligation for o in items} == {"220.00", "social_payments"}
    f220 = {o.action: o.due for o in items if o.obligation == "220.00"}
    assert f220 == {"file": D(2026, 3, 31), "pay": D(2026, 4, 10)}


def test_self_employed_only_from_2026() -> None:
    items = obligations(TaxProfile("self_employed"), D(2025, 6, 1), D(2026, 3, 31))
    assert _keys(items) == [
        ("self_employed_payments", "pay", "2026-01", D(2026, 2, 25)),
        ("self_employed_payments", "pay", "2026-02", D(2026, 3, 26)),  # 25 March 2026 is Nauryz (observed)
    ]


def test_range_is_inclusive_and_sorted() -> None:
    items = obligations(TaxProfile("simplified"), D(2026, 8, 17), D(2026, 8, 17))
    assert _keys(items) == [("910.00", "file", "2026-H1", D(2026, 8, 17))]
    wide = obligations(TaxProfile("general", 1), D(2024, 1, 1), D(2026, 12, 31))
    assert [o.due for o in wide] == sorted(o.due for o in wide)


def test_bad_profile() -> None:
    with pytest.raises(ValueError, match="regime"):
        obligations(TaxProfile("patent"), D(2026, 1, 1), D(2026, 2, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        obligations(TaxProfile("general", -1), D(2026, 1, 1), D(2026, 2, 1))


def test_every_deadline_rule_is_sourced_data() -> None:
    tree = parameters()
    paths = tree.paths("deadlines.")
    assert paths
    for path in paths:
        for value in tree.get(path).values:
            assert value.reference.title
            if not path.endswith(".applies"):
                assert set(value.value) == {"day", "months_after"}


def test_extreme_years_do_not_crash() -> None:
    assert obligations(TaxProfile("simplified"), D(1, 1, 1), D(1, 12, 31)) == []
    late = obligations(TaxProfile("simplified"), D(9999, 1, 1), D(9999, 12, 31))
    assert [o.period for o in late if o.obligation == "910.00"] == ["9998-H2", "9998-H2", "9999-H1", "9999-H1"]
