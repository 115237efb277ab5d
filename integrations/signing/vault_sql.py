"""``KeyVault`` storage in the ``secret_blobs`` table: the sealed key of one user and one purpose, per transaction.

``SqlKeyRepository(session, purpose)`` is a ``KeyRepository`` over ``core.storage.vault`` inside the caller's
transaction (the dialog engine's event or a worker's tick), so storing a key commits with the dialog step that
asked for it, and a redelivered update or a rollback leaves nothing behind. SQLite allows one writer: a repository
that opened its own session inside an event would wait for the event's own transaction — hence a session, not a
database. The row holds the wrapped data key and the ciphertext only; ``meta`` gets the master key id (rotation) and
what the caller adds (certificate serial, expiry, holder) — never the key or its password. Erasure
(``core.storage.erasure``) deletes every row of the user.

```mermaid
flowchart LR
  V[KeyVault.store] -->|SealedKey| R[SqlKeyRepository.save] --> B[(secret_blobs: ciphertext, wrapped_key, meta)]
  L[KeyVault.load] --> G[SqlKeyRepository.get] --> B
  D[KeyVault.destroy / erase_user] --> B
```
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.storage.vault import delete_secrets, get_secret, put_secret
from integrations.signing.vault import KeyVault, SealedKey

#: the purpose of a key kept for signing (``secret_blobs.purpose``)
KEPT_KEY_PURPOSE = "signing_key"
#: an uploaded key file waiting for its password (the password never waits: it arrives last)
PENDING_KEY_PURPOSE = "signing_key_upload"


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)  # SQLite returns naive UTC


class SqlKeyRepository:
    """A ``KeyRepository`` over ``secret_blobs`` for one ``purpose``, in the caller's transaction."""

    def __init__(self, session: AsyncSession, purpose: str = KEPT_KEY_PURPOSE, meta: Mapping[str, Any] | None = None):
        self.session = session
        self.purpose = purpose
        self.meta = dict(meta or {})

    def __repr__(self) -> str:
        return f"SqlKeyRepository(purpose={self.purpose!r})"

    async def save(self, user_id: str, sealed: SealedKey) -> None:
        meta = {**self.meta, "master_key_id": sealed.master_key_id}
        row = await put_secret(
            self.session, int(user_id), self.purpose, sealed.ciphertext, sealed.wrapped_data_key, meta=meta
        )
        row.created_at = sealed.created_at
        await self.session.flush()

    async def get(self, user_id: str) -> SealedKey | None:
        row = await get_secret(self.session, int(user_id), self.purpose)
        if row is None:
            return None
        return SealedKey(
            wrapped_data_key=bytes(row.wrapped_key),
            ciphertext=bytes(row.ciphertext),
            master_key_id=str((row.meta or {}).get("master_key_id", "")),
            created_at=_aware(row.created_at),
        )

    async def meta_of(self, user_id: str) -> dict[str, Any] | None:
        """The row's non-secret facts (``None`` when there is no row)."""
        row = await get_secret(self.session, int(user_id), self.purpose)
        return dict(row.meta or {}) if row is not None else None

    async def delete(self, user_id: str) -> bool:
        return await delete_secrets(self.session, int(user_id), self.purpose) > 0


def sql_vault(
    master_key: bytes,
    session: AsyncSession,
    purpose: str = KEPT_KEY_PURPOSE,
    *,
    meta: Mapping[str, Any] | None = None,
    clock: Any = None,
) -> KeyVault:
    """A ``KeyVault`` whose records live in ``secret_blobs`` under ``purpose`` (built per transaction: cheap)."""
    repository = SqlKeyRepository(session, purpose, meta)
    return KeyVault(master_key, repository) if clock is None else KeyVault(master_key, repository, clock)
