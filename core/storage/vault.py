"""Encrypted secrets of users (the key vault's storage): ciphertext and a wrapped data key, nothing in clear.

Encryption itself (AES-GCM, the master key) belongs to the signing work; this module only stores bytes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.storage._util import rowcount
from core.storage.models import SecretBlob


async def put_secret(
    session: AsyncSession,
    user_id: int,
    purpose: str,
    ciphertext: bytes,
    wrapped_key: bytes,
    meta: dict[str, Any] | None = None,
) -> SecretBlob:
    """Store (or replace) the user's secret for ``purpose``."""
    await delete_secrets(session, user_id, purpose)
    row = SecretBlob(user_id=user_id, purpose=purpose, ciphertext=ciphertext, wrapped_key=wrapped_key, meta=meta or {})
    session.add(row)
    await session.flush()
    return row


async def get_secret(session: AsyncSession, user_id: int, purpose: str) -> SecretBlob | None:
    """The user's secret for ``purpose``, or ``None``."""
    stmt = select(SecretBlob).where(SecretBlob.user_id == user_id, SecretBlob.purpose == purpose)
    return (await session.scalars(stmt)).one_or_none()


async def delete_secrets(session: AsyncSession, user_id: int, purpose: str | None = None) -> int:
    """Destroy the user's secrets (one purpose, or all); returns how many."""
    stmt = delete(SecretBlob).where(SecretBlob.user_id == user_id)
    if purpose is not None:
        stmt = stmt.where(SecretBlob.purpose == purpose)
    return rowcount(await session.execute(stmt.execution_options(synchronize_session="fetch")))
