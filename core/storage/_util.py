"""Small helpers shared by the repositories."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.storage.models import Base


async def insert_once(session: AsyncSession, row: Base) -> bool:
    """Insert ``row`` unless a unique constraint says it exists: a portable ``ON CONFLICT DO NOTHING``.

    The insert runs inside a SAVEPOINT, so a conflict rolls back only this row and the caller's transaction goes on.
    Returns True when inserted.
    """
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


def rowcount(result: Any) -> int:
    """Rows touched by an UPDATE/DELETE result."""
    assert isinstance(result, CursorResult)
    return int(result.rowcount)
