"""The migrations build exactly the models' schema, on SQLite and PostgreSQL, and keep the audit log append-only."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from core.storage import AuditLog, Base, Database, append_audit, current_revision, head_revision, run_migrations


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_schema_matches_models(database: Database) -> None:
    async with database.engine.connect() as connection:
        assert await connection.run_sync(_diff) == []


async def test_database_is_at_head(database: Database) -> None:
    assert await current_revision(database.url) == head_revision()


async def test_migrating_again_is_a_no_op(database: Database) -> None:
    await run_migrations(database.url)
    assert await current_revision(database.url) == head_revision()


async def test_run_migrations_creates_sqlite_directory(tmp_path: Any) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'deep' / 'er' / 'db.sqlite3'}"
    await run_migrations(url)
    assert await current_revision(url) == head_revision()


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"])
async def test_audit_log_rejects_update_and_delete(database: Database, statement: str) -> None:
    async with database.session() as s:
        await append_audit(s, "system", "test.action", details={"amount": 1})
        await s.commit()
    async with database.session() as s:
        with pytest.raises(DBAPIError, match="append-only"):
            await s.execute(text(statement))
        await s.rollback()
    async with database.session() as s:
        rows = (await s.execute(text("SELECT action FROM audit_log"))).all()
        assert [r[0] for r in rows] == ["test.action"]
        assert isinstance(await s.get(AuditLog, 1), AuditLog)


async def test_sqlite_pragmas(sqlite_db: Database) -> None:
    async with sqlite_db.engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
        assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar_one() == 30000


async def test_downgrade_to_base_and_up_again(database: Database) -> None:
    from core.storage.migrate import downgrade_migrations

    await database.dispose()  # no pooled connection may hold the tables
    await downgrade_migrations(database.url)
    assert await current_revision(database.url) is None
    async with database.engine.connect() as connection:
        assert set(await connection.run_sync(lambda c: c.dialect.get_table_names(c))) <= {"alembic_version"}
    await run_migrations(database.url)
    async with database.engine.connect() as connection:
        assert await connection.run_sync(_diff) == []


async def test_concurrent_migrators_leave_one_schema(database: Database) -> None:
    from core.storage.migrate import downgrade_migrations

    await database.dispose()
    await downgrade_migrations(database.url)
    await asyncio.gather(*(run_migrations(database.url) for _ in range(3)))  # bot and workers starting together
    assert await current_revision(database.url) == head_revision()
    async with database.engine.connect() as connection:
        assert await connection.run_sync(_diff) == []
