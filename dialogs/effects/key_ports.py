"""The port of the key kept by the service (``flows/signing_key.py``): check a PKCS#12 with its password, hold the
uploaded file sealed until the password arrives, keep the key sealed, show what is kept, destroy it.

Every call takes the dialog ``Store`` of the current transaction (``dialogs.adapters.keys`` reads its session), so a
stored key commits with the dialog step. Nothing here returns key material except ``held`` (the uploaded file, to
the flow's password step, in memory only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class KeyFacts:
    """What the chat may say about a key: the holder, the ИИН, the certificate serial and expiry."""

    iin: str | None
    name: str | None
    serial: str
    not_after: dt.datetime
    test_key: bool = False


class KeyRefused(Exception):  # noqa: N818 — a verdict on the user's key, not a bug
    """The key cannot be kept: ``code`` from the certificate policy (``bad_password``, ``gost_key``, ``expired``,
    ``test_key``, ``revoked``, ``not_signing_key``, ``bad_iin``, ``no_iin``, ``unknown_issuer``, ``forged_issuer``,
    ``ca_expired``, ``bad_ca``, ``no_trust_anchors``, ``unreadable_key``,
    …); ``day`` the date an ``expired`` / ``not_yet_valid`` message names."""

    def __init__(self, code: str, day: dt.date | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.day = day


class KeyKeeper(Protocol):
    def check(self, p12: bytes, password: str) -> KeyFacts:
        """Open the container and check its certificate; ``KeyRefused`` when it cannot sign for the service."""
        ...

    async def hold(self, store: object, user_id: str, p12: bytes, now: dt.datetime) -> None:
        """Seal the uploaded file, received ``now``, until the password comes (replacing an earlier upload)."""

    async def held(self, store: object, user_id: str, max_age: dt.timedelta, now: dt.datetime) -> bytes | None:
        """The held file if it is younger than ``max_age`` (an older one is destroyed), else ``None``."""
        ...

    async def drop_held(self, store: object, user_id: str) -> None: ...

    async def keep(self, store: object, user_id: str, p12: bytes, password: str, facts: KeyFacts) -> None:
        """Seal the key and its password for signing (replacing a key kept before)."""

    async def is_kept_password(self, store: object, user_id: str, text: str) -> bool:
        """Whether ``text`` is the kept key's password (a password sent twice is deleted again, not parsed)."""
        ...

    async def kept(self, store: object, user_id: str) -> KeyFacts | None:
        """The kept key's facts (read from the row's metadata: the key is not opened)."""
        ...

    async def destroy(self, store: object, user_id: str) -> bool:
        """Destroy the kept key and any held upload; True when a key was kept."""
        ...


@dataclass(slots=True)
class KeyPorts:
    keeper: KeyKeeper
    #: wrong passwords before the upload is destroyed and the user starts again
    password_attempts: int = 3
    #: how long an uploaded file waits, sealed, for its password
    hold_for: dt.timedelta = dt.timedelta(minutes=15)
    #: after the key is kept, a message within this time that repeats the password is deleted too
    repeat_window: dt.timedelta = dt.timedelta(minutes=5)
