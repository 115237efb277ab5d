"""Persisted dialog state (состояние диалога) with optimistic concurrency: a write names the version it read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.storage._util import insert_ignore, rowcount
from core.storage.models import DialogState
from core.storage.types import utcnow


class StaleState(Exception):  # noqa: N818 — the name other modules use
    """The state changed since it was read (another update of the same user won); reload and retry."""


@dataclass(frozen=True)
class StateSnapshot:
    """The state as read: ``version`` 0 means none stored yet."""

    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    updated_at: dt.datetime | None = None


def _typed(name: str, column: str) -> Any:
    return bindparam(name, type_=DialogState.__table__.c[column].type)


#: built once (with bind parameters): building a statement costs more than executing a cached one
_SAVE_STATE = (
    update(DialogState)
    .where(DialogState.user_id == bindparam("s_user"), DialogState.version == bindparam("s_expected"))
    .values(
        flow=_typed("s_flow", "flow"),
        step=_typed("s_step", "step"),
        data=_typed("s_data", "data"),
        version=_typed("s_version", "version"),
        updated_at=_typed("s_at", "updated_at"),
    )
    .execution_options(synchronize_session=False)
)


async def load_state(session: AsyncSession, user_id: int) -> StateSnapshot | None:
    """The stored state of a user's dialog, or ``None``."""
    stmt = select(DialogState).where(DialogState.user_id == user_id).execution_options(populate_existing=True)
    row = (await session.scalars(stmt)).one_or_none()
    if row is None:
        return None
    return StateSnapshot(row.flow, row.step, dict(row.data), row.version, row.updated_at)


async def save_state(
    session: AsyncSession, user_id: int, flow: str, step: str, data: dict[str, Any], expected_version: int
) -> int:
    """Store the state if it is still at ``expected_version`` (0: none yet); returns the new version.

    Raises ``StaleState`` when another writer got there first.
    """
    now = utcnow()
    if expected_version == 0:
        values = {"user_id": user_id, "flow": flow, "step": step, "data": data, "version": 1, "updated_at": now}
        if not await insert_ignore(session, DialogState, **values):
            raise StaleState(f"dialog state of user {user_id} already exists")
        return 1
    params = {"s_user": user_id, "s_expected": expected_version, "s_flow": flow, "s_step": step, "s_data": data}
    params |= {"s_version": expected_version + 1, "s_at": now}
    if rowcount(await session.execute(_SAVE_STATE, params)) != 1:
        raise StaleState(f"dialog state of user {user_id} is not at version {expected_version}")
    return expected_version + 1


async def clear_state(session: AsyncSession, user_id: int) -> None:
    """Forget the user's dialog state."""
    await session.execute(
        delete(DialogState).where(DialogState.user_id == user_id).execution_options(synchronize_session=False)
    )
