"""The effects table, the audit log and the outbox, inside the current transaction (the engine's event or a tick).

One row per idempotency key (``core.storage.begin_effect``); a step moves the status only from the status it read
(``advance_effect``, compare-and-set), so a double tap, a redelivered update, a tick and a button racing each other,
or a replay after a crash never perform the same step twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core import storage
from core.storage.models import Effect, Profile, User
from dialogs.contract import Reply
from dialogs.i18n import Lang


@dataclass(frozen=True, slots=True)
class EffectRow:
    id: int
    key: str
    user_id: str
    kind: str
    status: str
    request: dict[str, Any]
    result: dict[str, Any]


def _row(effect: Effect) -> EffectRow:
    return EffectRow(
        effect.id,
        effect.key,
        str(effect.user_id),
        effect.kind,
        effect.status,
        dict(effect.request or {}),
        dict(effect.result or {}),
    )


class EffectStore:
    """Effects of one transaction (``session`` is the engine's event transaction or the tick's)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def of(cls, store: object) -> EffectStore | None:
        """For a dialog ``Store`` backed by ``core.storage`` (``SqlStore``); ``None`` for the in-memory one."""
        session = getattr(store, "session", None)
        return cls(session) if isinstance(session, AsyncSession) else None

    async def begin(
        self, key: str, user_id: str, kind: str, request: dict[str, Any], status: str
    ) -> tuple[EffectRow, bool]:
        effect, created = await storage.begin_effect(self.session, key, int(user_id), kind, request, status=status)
        return _row(effect), created

    async def get(self, key: str) -> EffectRow | None:
        effect = await storage.get_effect(self.session, key)
        return _row(effect) if effect is not None else None

    async def owned(self, user_id: str, effect_id: str, kind: str) -> EffectRow | None:
        """The effect ``effect_id`` if it is this user's and of this kind (a forged id finds nothing)."""
        if not effect_id.isdigit():
            return None
        stmt = select(Effect).where(Effect.id == int(effect_id)).execution_options(populate_existing=True)
        effect = (await self.session.scalars(stmt)).one_or_none()
        if effect is None or str(effect.user_id) != user_id or effect.kind != kind:
            return None
        return _row(effect)

    async def advance(self, row: EffectRow, new_status: str, result: dict[str, Any] | None = None) -> EffectRow | None:
        """Move ``row`` from the status it was read with; the new row, or ``None`` when another step moved it."""
        merged = {**row.result, **(result or {})}
        if not await storage.advance_effect(self.session, row.key, row.status, new_status, result=merged):
            return None
        return EffectRow(row.id, row.key, row.user_id, row.kind, new_status, row.request, merged)

    async def of_user(self, user_id: str, kind: str) -> list[EffectRow]:
        return [_row(e) for e in await storage.effects_of(self.session, int(user_id), kind)]

    async def in_status(self, kind: str, statuses: tuple[str, ...], limit: int = 200) -> list[EffectRow]:
        stmt = (
            select(Effect)
            .where(Effect.kind == kind, Effect.status.in_(statuses))
            .order_by(Effect.id)
            .limit(limit)
            .execution_options(populate_existing=True)
        )
        return [_row(e) for e in await self.session.scalars(stmt)]

    async def full_name(self, user_id: str) -> str | None:
        row = await self.session.get(Profile, int(user_id))
        return row.full_name if row is not None else None

    async def set_full_name(self, user_id: str, name: str) -> None:
        await storage.update_profile(self.session, int(user_id), full_name=name)

    async def language(self, user_id: str) -> Lang:
        row = await self.session.get(User, int(user_id))
        return "kk" if row is not None and row.language == "kk" else "ru"

    async def audit(
        self, user_id: str, action: str, effect: EffectRow | None, details: dict[str, Any], actor: str = "user"
    ) -> None:
        subject = f"effect:{effect.id}" if effect is not None else ""
        await storage.append_audit(self.session, actor, action, user_id=int(user_id), subject=subject, details=details)

    async def push(self, user_id: str, reply: Reply, dedupe_key: str, now: dt.datetime) -> None:
        """Queue ``reply`` for every active chat of the user (the outbox sender delivers it)."""
        from dialogs.sql_store import SqlStore

        await SqlStore(self.session).enqueue(user_id, reply, dedupe_key, now)
