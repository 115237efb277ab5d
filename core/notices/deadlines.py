"""Response deadlines of notices: days from ``notices.yaml`` counted from the day after delivery.

Working days are counted with ``core.calendar.add_working_days`` (weekends, public holidays and government day-off
transfers); a calendar-day deadline falling on a day off moves to the next working day.
"""

from __future__ import annotations

import datetime as dt

from core.calendar import add_working_days, next_working_day
from core.notices.model import Deadline, Notice, NoticeType
from core.rules import parameters


def response_deadline(kind: NoticeType, delivered: dt.date) -> Deadline | None:
    """The deadline for a notice of ``kind`` delivered on ``delivered``, or ``None`` when the law sets none."""
    tree = parameters()
    days_value = tree.at(f"notices.{kind.value}.days", delivered)
    if days_value.value is None:
        return None
    days = int(days_value.value)
    day_kind = str(tree.value(f"notices.{kind.value}.day_kind", delivered))
    if day_kind == "working":
        date = add_working_days(delivered, days)  # the n-th working day after the day of delivery
    elif day_kind == "calendar":
        date = next_working_day(delivered + dt.timedelta(days=days))
    else:
        raise ValueError(f"notices.{kind.value}.day_kind must be working or calendar, got {day_kind!r}")
    return Deadline(date, days, day_kind, delivered, days_value.reference.cite())


def resolve_deadline(notice: Notice) -> Deadline | None:
    """The notice's deadline: by law from the delivery date (or the notice date when delivery is unknown); a date
    stated in the notice is used when the law sets none or no date is known."""
    start = notice.delivered or notice.date
    if start is not None:
        computed = response_deadline(notice.type, start)
        if computed is not None:
            return computed
    if notice.stated_deadline is not None:
        # a stated date on a day off moves to the next working day, like every deadline
        return Deadline(
            next_working_day(notice.stated_deadline), None, "stated", None, "срок, указанный в уведомлении"
        )
    if notice.stated_days is not None and start is not None:
        return Deadline(add_working_days(start, notice.stated_days), notice.stated_days, "working", start, "")
    return None
