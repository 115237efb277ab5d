"""Response deadlines in working days across weekends and holidays (core/calendar), from notices.yaml."""

from __future__ import annotations

import datetime as dt

import pytest

from core.notices import Notice, NoticeType, resolve_deadline, response_deadline

D = dt.date


@pytest.mark.parametrize(
    ("kind", "delivered", "expected", "why"),
    [
        # 10 working days from Fri 6 March 2026: 9 March is the day off for 8 March (Sunday) → 10–13, 16–20 March (9),
        # 21–25 March Наурыз → 26 March
        (NoticeType.NON_FILING, D(2026, 3, 6), D(2026, 3, 26), "9 March off, then Наурыз 21–25 March"),
        # 10 working days from Thu 12 March 2026: 13, 16–20 (6), then 21–25 March Наурыз → 26, 27, 30, 31 March
        (NoticeType.NON_FILING, D(2026, 3, 12), D(2026, 3, 31), "Наурыз 21–25 March"),
        # 5 working days from Tue 5 May 2026: 6, 8, 12, 13, 14 (7 May off; 9 May Sat → 11 May off)
        (NoticeType.ARREARS, D(2026, 5, 5), D(2026, 5, 14), "7 May and the 9 May transfer"),
        # 5 working days from Fri 28 Aug 2026: 31 Aug (Mon), 1, 2, 3, 4 Sep — 30 Aug (Constitution Day) is a Sunday
        (NoticeType.ARREARS, D(2026, 8, 28), D(2026, 9, 4), "30 August on a Sunday → 31 August off"),
        # 30 working days from Tue 6 Oct 2026 (25 Oct Sunday → 26 Oct off)
        (NoticeType.DESK_AUDIT, D(2026, 10, 6), D(2026, 11, 18), "Republic Day transfer"),
        # 2026 VAT: 5 working days from Fri 11 Dec 2026: 14, 15, (16 Independence Day) 17, 18, 21
        (NoticeType.VAT_REGISTRATION, D(2026, 12, 11), D(2026, 12, 21), "16 December"),
    ],
)
def test_working_day_deadlines(kind: NoticeType, delivered: dt.date, expected: dt.date, why: str) -> None:
    deadline = response_deadline(kind, delivered)
    assert deadline is not None, why
    assert deadline.date == expected, why
    assert deadline.day_kind == "working"
    assert deadline.counted_from == delivered
    assert deadline.basis


def test_delivered_on_a_weekend_counts_from_the_next_day() -> None:
    """Delivered Saturday 14 March 2026 (cabinet): 10 working days → 16–20 (5), 26, 27, 30, 31 Mar, 1 Apr."""
    deadline = response_deadline(NoticeType.NON_FILING, D(2026, 3, 14))
    assert deadline is not None
    assert deadline.date == D(2026, 4, 1)


def test_vat_period_changed_in_2026() -> None:
    before = response_deadline(NoticeType.VAT_REGISTRATION, D(2025, 6, 2))
    after = response_deadline(NoticeType.VAT_REGISTRATION, D(2026, 6, 1))
    assert before is not None
    assert after is not None
    assert (before.days, after.days) == (10, 5)


@pytest.mark.parametrize("kind", [NoticeType.INFORMATION, NoticeType.ACCOUNT_SUSPENSION])
def test_no_statutory_deadline(kind: NoticeType) -> None:
    assert response_deadline(kind, D(2026, 6, 1)) is None


def test_stated_deadline_on_a_day_off_moves_to_the_next_working_day() -> None:
    notice = Notice(NoticeType.INFORMATION, date=D(2026, 7, 1), stated_deadline=D(2026, 8, 15))
    deadline = resolve_deadline(notice)
    assert deadline is not None
    assert deadline.date == D(2026, 8, 17)
    assert deadline.day_kind == "stated"


def test_without_a_delivery_date_the_notice_date_counts() -> None:
    notice = Notice(NoticeType.ARREARS, date=D(2026, 9, 14))
    deadline = resolve_deadline(notice)
    assert deadline is not None
    assert deadline.date == D(2026, 9, 21)
