"""Calendar periods as the obligations name them (``2026-11``, ``2026-Q4``, ``2026-H2``, ``2026``)."""

from __future__ import annotations

import datetime as dt


def period_end(period: str) -> dt.date | None:
    """The last day of a calendar period ``2026-11`` / ``2026-H2`` / ``2026-Q4`` / ``2026``; ``None`` when unknown."""
    try:
        year = int(period[:4])
        rest = period[5:]
        if not rest:
            return dt.date(year, 12, 31)
        last_month = int(rest[1:]) * (6 if rest[0] == "H" else 3) if rest[0] in "HQ" else int(rest)
        following = dt.date(year + last_month // 12, last_month % 12 + 1, 1)
    except (ValueError, IndexError):
        return None
    return following - dt.timedelta(days=1)
