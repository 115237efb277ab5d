"""Small helpers shared by the calculators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.calc._trace import Tracer
from core.explain import format_amount as amount
from core.explain import format_share as share

ZERO = Decimal(0)

__all__ = ["ZERO", "amount", "clamp", "opvr_exemption", "share"]


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """``value`` limited to ``[low, high]``."""
    return max(low, min(value, high))


def opvr_exemption(
    t: Tracer, *, born: dt.date | None, pensioner: bool, disability_group: int | None
) -> tuple[str, str] | None:
    """Why ОПВР are not paid for this person (ru, kk), or ``None`` when they are."""
    cutoff: dt.date = t.v("social.opvr.born_on_or_after")
    if born is not None and born < cutoff:
        return f"родился до {cutoff.isoformat()}", f"{cutoff.isoformat()} дейін туған"
    if pensioner and t.v("social.opvr.exempt_pensioner"):
        return "пенсионер", "зейнеткер"
    if disability_group is not None and disability_group in t.v("social.opvr.exempt_disability_groups"):
        return f"инвалидность {disability_group} группы", f"{disability_group} топтағы мүгедектік"
    return None
