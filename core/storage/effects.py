"""Operations with a money or legal effect (submission, payment, signature, ESF): one row per idempotency key.

The flow's state machine lives with its feature; here only the storage contract: ``begin_effect`` creates the row
once (a repeat returns it), ``advance_effect`` moves its status only from the status the caller expects, so two
workers or a replay after a crash cannot both perform the step.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.storage._util import insert_once, rowcount
from core.storage.models import Effect
from core.storage.types import utcnow


async def begin_effect(
    session: AsyncSession, key: str, user_id: int, kind: str, request: dict[str, Any], *, status: str = "pending"
) -> tuple[Effect, bool]:
    """The effect with this key, created if new; returns ``(effect, created)``."""
    row = Effect(key=key, user_id=user_id, kind=kind, request=request, status=status)
    if await insert_once(session, row):
        return row, True
    existing = await get_effect(session, key)
    assert existing is not None
    return existing, False


async def get_effect(session: AsyncSession, key: str) -> Effect | None:
    """The effect with this key, freshly read."""
    stmt = select(Effect).where(Effect.key == key).execution_options(populate_existing=True)
    return (await session.scalars(stmt)).one_or_none()


async def advance_effect(
    session: AsyncSession, key: str, expected_status: str, new_status: str, *, result: dict[str, Any] | None = None
) -> bool:
    """Compare-and-set the status; ``result`` replaces the stored result when given. False if the status moved on."""
    values: dict[str, Any] = {"status": new_status, "updated_at": utcnow()}
    if result is not None:
        values["result"] = result
    stmt = (
        update(Effect)
        .where(Effect.key == key, Effect.status == expected_status)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.execute(stmt)) == 1


async def effects_of(session: AsyncSession, user_id: int, kind: str | None = None) -> list[Effect]:
    """A user's effects (optionally of one kind), oldest first."""
    stmt = select(Effect).where(Effect.user_id == user_id)
    if kind is not None:
        stmt = stmt.where(Effect.kind == kind)
    return list((await session.scalars(stmt.order_by(Effect.id))).all())
