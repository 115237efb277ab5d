"""The worker's ticks for the chat's effects: follow filings and payments to their final status and push it.

``poll_filings(session, now, filing_ports)`` and ``poll_payments(session, now, payment_ports)`` — call them every
minute or so, each inside a transaction the worker commits (like ``dialogs.reminders.scheduler_tick``).
``poll_filings`` picks up a phone signature that arrived while nobody pressed «Проверить подпись», resubmits a
signed declaration the cabinet did not answer (same idempotency key) and reads the status of submitted ones;
``poll_payments`` resends unanswered orders (same key) and reads the status of sent ones. Each change is audited
(actor ``system``) and queued once in the outbox (``dedupe_key = filing|payment:<effect>:<status>``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.effects.ports import FilingPorts, PaymentPorts
from dialogs.effects.store import EffectRow, EffectStore

log = logging.getLogger("asistent.dialogs")


@dataclass(frozen=True, slots=True)
class PollReport:
    looked_at: int
    pushed: int
    failed: int = 0


async def poll_filings(session: AsyncSession, now: dt.datetime, ports: FilingPorts) -> PollReport:
    from dialogs.flows.filing import KIND, advance_filing, status_push

    effects = EffectStore(session)
    rows = await effects.in_status(KIND, ("signing", "signed", "submitted"))

    async def one(row: EffectRow) -> bool:
        moved, what = await advance_filing(effects, ports, row, actor="system")
        if what not in ("submitted", "processed", "rejected"):
            return False
        lang = await effects.language(moved.user_id)
        await effects.push(moved.user_id, status_push(moved, lang), f"filing:{moved.id}:{moved.status}", now)
        return True

    return await _each(session, rows, one)


async def poll_payments(session: AsyncSession, now: dt.datetime, ports: PaymentPorts) -> PollReport:
    """Resend unanswered orders (same key) and follow sent ones to ``executed`` / ``rejected``; each change is
    audited and pushed once (``dedupe_key = payment:<effect>:<status>``)."""
    from dialogs.flows.payment import KIND, advance_payment, status_push

    effects = EffectStore(session)
    rows = await effects.in_status(KIND, ("sending", "sent"))

    async def one(row: EffectRow) -> bool:
        moved, what = await advance_payment(effects, ports, row, actor="system")
        if what not in ("executed", "rejected"):
            return False
        lang = await effects.language(moved.user_id)
        await effects.push(moved.user_id, status_push(moved, lang), f"payment:{moved.id}:{moved.status}", now)
        return True

    return await _each(session, rows, one)


async def _each(
    session: AsyncSession, rows: list[EffectRow], step: Callable[[EffectRow], Awaitable[bool]]
) -> PollReport:
    """Each row in its own savepoint: a failure (a crash in an outside call, a scrubbed row) rolls back that row's
    step only, is logged without personal data, and is retried on the next tick; the other rows go on."""
    pushed = failed = 0
    for row in rows:
        if not row.request:  # scrubbed by erasure: nothing left to follow
            continue
        try:
            async with session.begin_nested():
                pushed += int(await step(row))
        except Exception:
            failed += 1
            log.exception("effect step failed effect=%s kind=%s status=%s", row.id, row.kind, row.status)
    return PollReport(len(rows), pushed, failed)
