"""Small helpers shared by the repositories."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.storage.models import Base

_UNIQUE_VIOLATION = "23505"
#: ``insert_ignore`` statements by (model, dialect, columns), built once with bind parameters
_INSERT_IGNORE: dict[tuple[type[Base], str, tuple[str, ...]], Any] = {}  # SQLSTATE of PostgreSQL's unique_violation


def is_unique_violation(exc: IntegrityError) -> bool:
    """True for a unique/primary-key conflict; False for a foreign-key, CHECK or NOT NULL violation."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == _UNIQUE_VIOLATION:
        return True
    return "UNIQUE constraint failed" in str(orig)  # SQLite (primary keys report the same way)


async def insert_once(session: AsyncSession, row: Base) -> bool:
    """Insert ``row`` unless a unique constraint says it exists: a portable ``ON CONFLICT DO NOTHING``.

    The insert runs inside a SAVEPOINT, so a conflict rolls back only this row and the caller's transaction goes on.
    Returns True when inserted, False on a unique conflict; any other integrity error (a foreign key to nothing,
    a CHECK) is raised — it is a bug, not a repeat.
    """
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        return False
    return True


async def insert_ignore(session: AsyncSession, model: type[Base], **values: Any) -> bool:
    """Insert one row with ``ON CONFLICT DO NOTHING``: ``insert_once`` in one statement, without the savepoint.

    For hot paths (an inbound update's dedupe): one round trip instead of three. Only unique conflicts are ignored;
    a foreign key to nothing or a CHECK still raises. The row is not added to the session (nothing to load back).
    """
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        return await insert_once(session, model(**values))
    key = (model, dialect, tuple(sorted(values)))
    stmt = _INSERT_IGNORE.get(key)
    if stmt is None:
        make = pg_insert if dialect == "postgresql" else sqlite_insert
        primary = next(iter(model.__mapper__.primary_key))
        params = {name: bindparam(f"i_{name}", type_=model.__table__.c[name].type) for name in values}
        stmt = _INSERT_IGNORE[key] = make(model).values(**params).on_conflict_do_nothing().returning(primary)
    bound = {f"i_{name}": value for name, value in values.items()}
    return (await session.execute(stmt, bound)).first() is not None


def rowcount(result: Any) -> int:
    """Rows touched by an UPDATE/DELETE result."""
    assert isinstance(result, CursorResult)
    return int(result.rowcount)
