"""``asistent migrate``: upgrade the database at ``DATABASE_URL`` (or ``--url``) to the newest schema."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from bot.cli.common import UsageError
from core.settings import get_settings
from core.storage.db import normalise_url
from core.storage.migrate import current_revision, run_migrations


def _redacted(url: str) -> str:
    return normalise_url(url).render_as_string(hide_password=True)


def _handle(args: argparse.Namespace) -> int:
    url: str = args.url or get_settings().DATABASE_URL
    try:
        normalise_url(url)
    except ArgumentError:
        raise UsageError(f"not a database URL: {url!r}") from None
    try:
        asyncio.run(run_migrations(url, args.revision))
        revision = asyncio.run(current_revision(url))
    except (SQLAlchemyError, OSError) as exc:
        raise UsageError(f"cannot migrate {_redacted(url)}: {type(exc).__name__}") from None
    print(f"database {_redacted(url)} at revision {revision}")
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("migrate", help="upgrade the database to the newest schema")
    parser.add_argument("--url", help="database URL (default: the DATABASE_URL setting)")
    parser.add_argument("--revision", default="head", help="target revision (default: head)")
    parser.set_defaults(handler=_handle)
