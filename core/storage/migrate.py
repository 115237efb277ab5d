"""Migrations from code: ``await run_migrations(url)`` upgrades a database to the newest revision (head).

Used by ``asistent migrate``, by ``asistent run`` at start and by the test fixtures. The Alembic configuration is
built here (no ``alembic.ini`` needed); the scripts live in ``core/storage/migrations``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL, Connection

from core.storage.db import create_engine, normalise_url, sqlite_path

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
MIGRATION_LOCK_ID = 0x61736973  # "asis": the advisory lock key that serialises concurrent migrators


def alembic_config(url: str | URL | None = None) -> Config:
    """An Alembic ``Config`` pointing at the package's migrations (and at ``url`` when given)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.set_main_option("sqlalchemy.url", normalise_url(url).render_as_string(hide_password=False))
    return config


def head_revision() -> str:
    """The newest revision id of the migration scripts."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _serialise(connection: Connection) -> None:
    """Let one migrator at a time through (``asistent run`` and workers may start together).

    PostgreSQL: a transaction-scoped advisory lock; the next migrator then finds the schema at head. SQLite: the
    transaction already began with ``BEGIN IMMEDIATE``, which excludes other writers.
    """
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})")


def _upgrade(connection: Connection, revision: str) -> None:
    _serialise(connection)
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _downgrade(connection: Connection, revision: str) -> None:
    _serialise(connection)
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def run_migrations(url: str | URL, revision: str = "head") -> None:
    """Upgrade the database at ``url`` to ``revision``; a SQLite file's directory is created first."""
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade, revision)
    finally:
        await engine.dispose()


async def downgrade_migrations(url: str | URL, revision: str = "base") -> None:
    """Downgrade the database at ``url`` to ``revision`` (``base``: nothing left). For developers and tests."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_downgrade, revision)
    finally:
        await engine.dispose()


def new_revision(message: str) -> Path:
    """Autogenerate the next migration (``NNNN_message.py``) from the models' difference to head. For developers."""
    import asyncio
    import tempfile

    script = ScriptDirectory.from_config(alembic_config())
    number = len(list(script.walk_revisions())) + 1
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'head.sqlite3'}"
        asyncio.run(run_migrations(url))
        generated = command.revision(alembic_config(url), message=message, autogenerate=True, rev_id=f"{number:04d}")
    if generated is None or isinstance(generated, list):
        raise RuntimeError("alembic generated no single revision")
    return Path(generated.path)


async def current_revision(url: str | URL) -> str | None:
    """The revision the database is at (``None`` when never migrated)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_current)
    finally:
        await engine.dispose()
