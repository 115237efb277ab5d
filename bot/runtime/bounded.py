"""``BoundedEngine``: at most ``limit`` events inside the dialog engine at once, the rest wait in line here.

On SQLite (one writer at a time) concurrent transactions wait on the database lock with sqlite's busy handler, which
sleeps and retries — that is where the long tail of latency comes from. Waiting in an asyncio queue instead costs
nothing, so the runtime puts SQLite behind a limit of 1; PostgreSQL runs unbounded (the engine orders events of one
chat itself)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from dialogs.contract import DialogEngine, InputEvent, Reply


class BoundedEngine:
    def __init__(self, engine: DialogEngine, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.engine = engine
        self._gate = asyncio.Semaphore(limit)

    async def handle(self, event: InputEvent) -> Sequence[Reply]:
        async with self._gate:
            return await self.engine.handle(event)


def for_dialect(engine: DialogEngine, dialect: str) -> DialogEngine:
    """The engine as the runtime should call it on this database."""
    return BoundedEngine(engine, 1) if dialect == "sqlite" else engine
