"""The engine and sessions: ``Database(url)``, ``async with db.session() as s:``, ``await db.dispose()``.

SQLite (the embedded default, via aiosqlite): WAL journal, foreign keys on, a busy timeout, and every transaction
opened with ``BEGIN IMMEDIATE`` — one writer at a time, so a read-then-write transaction never fails half-way with
``SQLITE_BUSY`` and savepoints work (the driver's own implicit BEGIN is switched off).
Never open a second session while one is open in the same task on SQLite: it waits for the first (a deadlock until
the busy timeout). An in-memory SQLite URL shares one connection, so it allows one session at a time — use a file.
PostgreSQL (production, ``postgresql+asyncpg://…``): a plain pooled engine, READ COMMITTED. A connection that sat idle
in the pool for ``PING_AFTER_IDLE_SECONDS`` is pinged on checkout (and replaced when dead); a busy pool pays no ping
per checkout. A disconnect seen mid-use invalidates the whole pool (SQLAlchemy's own handling), so the connections
opened before a server restart are replaced on their next checkout; ``pool_recycle`` bounds a connection's age.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool

SQLITE_BUSY_TIMEOUT_SECONDS = 30.0
#: PostgreSQL: a pooled connection idle longer than this is pinged before use (a dead one is replaced)
PING_AFTER_IDLE_SECONDS = 10.0
#: PostgreSQL: connections older than this are closed and reopened on checkout
POOL_RECYCLE_SECONDS = 1800


def normalise_url(url: str | URL) -> URL:
    """The URL with its async driver: ``sqlite://`` → aiosqlite, ``postgresql://`` → asyncpg."""
    parsed = make_url(url)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL (``None`` for in-memory databases and for other servers)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _install_sqlite_hooks(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _install_postgres_hooks(engine: AsyncEngine) -> None:
    dialect = engine.sync_engine.dialect

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # fresh, or just used: a dead server shows on use and invalidates the pool
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.DisconnectionError("pooled connection failed its ping") from error  # the pool reconnects


def create_engine(url: str | URL, **kwargs: Any) -> AsyncEngine:
    """An async engine configured for its backend (see the module docstring).

    ``hide_parameters``: a database error's message would otherwise carry the bound values (an ИИН, a name) into logs.
    """
    parsed = normalise_url(url)
    if parsed.drivername.startswith("sqlite"):
        options: dict[str, Any] = {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}, "hide_parameters": True}
        if sqlite_path(parsed) is None:
            options["poolclass"] = StaticPool  # one shared in-memory database
        engine = create_async_engine(parsed, **{**options, **kwargs})
        _install_sqlite_hooks(engine)
        return engine
    # no pre-ping on every checkout (a round trip per transaction): idle connections are pinged (see the hooks)
    options = {"pool_recycle": POOL_RECYCLE_SECONDS, "hide_parameters": True, **kwargs}
    engine = create_async_engine(parsed, **options)
    if not options.get("pool_pre_ping"):
        _install_postgres_hooks(engine)
    return engine


class Database:
    """One database: an engine and a session factory (``expire_on_commit=False``)."""

    def __init__(self, url: str | URL, **engine_kwargs: Any) -> None:
        self.url = normalise_url(url)
        self.engine = create_engine(self.url, **engine_kwargs)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session; the caller commits (``await s.commit()``); anything uncommitted is rolled back on exit."""
        async with self._sessions() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed when the block ends, rolled back on an exception."""
        async with self._sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
