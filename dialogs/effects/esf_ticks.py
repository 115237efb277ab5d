"""The worker's ESF tick: follow every ESF to its final status, push it once, and queue the issue-term reminders.

``poll_esf(session, now, ports, codec)`` — call it every minute or so inside a transaction the worker commits (like
``dialogs.effects.ticks.poll_filings``). It picks up a phone signature that arrived while nobody pressed «Проверить
подпись», uploads a signed ESF that ИС ЭСФ did not answer (the same body: a repeat is recognised as the invoice
already there), reads ``IN_QUEUE`` / ``IN_PROCESSING`` ones until ``CREATED`` or ``FAILED``, and pushes each new
status once (``dedupe_key = esf:<effect>:<status>``); then ``esf_reminders.queue_deadline_reminders``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.effects.esf_ports import EsfPorts
from dialogs.effects.store import EffectRow, EffectStore
from dialogs.effects.ticks import _each
from dialogs.payloads import PayloadCodec

log = logging.getLogger("asistent.dialogs")
PUSHED = ("uploaded", "created", "failed", "declined")


@dataclass(frozen=True, slots=True)
class EsfTickReport:
    looked_at: int
    pushed: int
    failed: int = 0
    reminders: int = 0


async def poll_esf(
    session: AsyncSession, now: dt.datetime, ports: EsfPorts, codec: PayloadCodec | None = None
) -> EsfTickReport:
    from dialogs.effects.esf_reminders import queue_deadline_reminders
    from dialogs.flows.esf import KIND, advance_esf, status_push

    effects = EffectStore(session)
    rows = await effects.in_status(KIND, ("signing", "signed", "uploaded"))

    async def one(row: EffectRow) -> bool:
        moved, what = await advance_esf(effects, ports, row, actor="system")
        if what not in PUSHED:
            return False
        lang = await effects.language(moved.user_id)
        await effects.push(moved.user_id, status_push(moved, lang), f"esf:{moved.id}:{moved.status}", now)
        return True

    report = await _each(session, rows, one)
    reminders, failed = 0, report.failed
    try:
        async with session.begin_nested():  # a failing reminder pass never undoes the statuses moved above
            reminders = await queue_deadline_reminders(session, now, codec)
    except Exception:
        failed += 1
        log.exception("esf deadline reminders failed")
    return EsfTickReport(report.looked_at, report.pushed, failed, reminders)


def esf_tick(
    ports: EsfPorts, payload_secret: bytes | None = None
) -> Callable[[AsyncSession, dt.datetime], Awaitable[Any]]:
    """``poll_esf`` as a worker tick ``tick(session, now)``; ``payload_secret`` (the engine's) gives the reminders a
    working «Выписать ЭСФ» button."""
    codec = PayloadCodec(payload_secret) if payload_secret else None

    async def tick(session: AsyncSession, now: dt.datetime) -> EsfTickReport:
        return await poll_esf(session, now, ports, codec)

    return tick
