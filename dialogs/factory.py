"""Wiring for the app: the engine over the product's database and services, with a stable payload secret.

    from core.storage import Database
    from dialogs.factory import build_engine
    engine = build_engine(Database(settings.DATABASE_URL))          # a DialogEngine
    replies = await engine.handle(event)

The payload secret keys the owner tags of buttons; it must stay the same across restarts and processes (or old
buttons stop working): derived from ``MASTER_KEY`` / ``MASTER_KEY_FILE`` when set, else a random key kept in
``DATA_DIR/payload-secret`` (created once, mode 0600). It is never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from core.settings import Settings, get_settings
from core.storage import Database
from dialogs.engine import Engine
from dialogs.ports import Services
from dialogs.services import default_services
from dialogs.sql_store import SqlStores

_LABEL = b"asistent/dialogs/payload-tags/v1"
SECRET_FILE = "payload-secret"  # noqa: S105 — a file name, not a secret


def _derive(master: bytes) -> bytes:
    return hmac.new(master, _LABEL, hashlib.sha256).digest()


def _file_secret(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(fd, "wb") as fh:
        secret = os.urandom(32)
        fh.write(secret)
    return secret


def payload_secret(settings: Settings | None = None) -> bytes:
    """The server secret for button payload tags (see the module docstring)."""
    settings = settings or get_settings()
    if settings.MASTER_KEY is not None:
        return _derive(settings.MASTER_KEY.get_secret_value().encode())
    if settings.MASTER_KEY_FILE is not None and settings.MASTER_KEY_FILE.exists():
        return _derive(settings.MASTER_KEY_FILE.read_bytes())
    return _derive(_file_secret(settings.DATA_DIR / SECRET_FILE))


def build_engine(database: Database, settings: Settings | None = None, services: Services | None = None) -> Engine:
    """The product's dialog engine: persisted through ``core.storage``, services from ``core`` and ``nlu``."""
    return Engine(SqlStores(database), services or default_services(), payload_secret(settings))
