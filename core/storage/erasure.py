"""«Удалить мои данные»: erase a user's personal data, keep what the law requires — without identity.

Erased (deleted or blanked): the profile's personal fields (ИИН, full name, birth date, pensioner, disability group,
opt-in), every chat binding (so a later /start from the same chat is a new user), link codes, the dialog state,
unsent outbox messages (and the text and chat id of sent ones), the key vault's secrets, counterparties of income and
expense entries, request/result payloads of effects (they may hold names and ИИН), derived obligations with
their reminders, the user's counterparties (their names, БИН/ИИН, accounts), the content snapshots of issued
documents (names, ИИН, addresses, line texts) and the notices of the revenue body kept for the user (their texts
name the taxpayer; the cabinet keeps the originals).

Kept, detached from identity: the user row (a bare id, ``erased_at`` set), income and expense amounts and dates
(the books behind filed declarations — tax records are kept for the limitation period), the effects' key/kind/status
(that a submission or payment happened), issued documents' type, number, date, totals and ESF registration number
(numbering must stay gapless; the full copies live with the buyer and in ИС ЭСФ), the non-identifying profile
facts used by kept calculations (regime, place, its rate, employees), and the audit log (append-only by this
codebase's rule; it holds ids and amounts only).
Processed-update keys hold no personal data and simply expire.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.storage._util import rowcount
from core.storage.audit import append_audit
from core.storage.models import (
    ChatBinding,
    Counterparty,
    DialogState,
    Document,
    Effect,
    ExpenseEntry,
    IncomeEntry,
    LinkCode,
    Obligation,
    OutboxMessage,
    Profile,
    SecretBlob,
    TaxNotice,
    User,
)
from core.storage.types import utcnow


@dataclass(frozen=True)
class ErasureReport:
    """What ``erase_user`` did, in counts (safe to log and to audit)."""

    bindings: int
    outbox_deleted: int
    outbox_scrubbed: int
    secrets: int
    entries_scrubbed: int
    obligations: int
    effects_scrubbed: int
    counterparties: int
    documents_scrubbed: int
    notices: int = 0


async def _run(session: AsyncSession, stmt: object) -> int:
    return rowcount(await session.execute(stmt.execution_options(synchronize_session="fetch")))  # type: ignore[attr-defined]


async def erase_user(
    session: AsyncSession, user_id: int, *, now: dt.datetime | None = None, correlation_id: str | None = None
) -> ErasureReport:
    """Erase a user's personal data (see the module docstring) and audit it. Idempotent; the caller commits."""
    moment = now or utcnow()
    await _run(
        session,
        update(Profile)
        .where(Profile.user_id == user_id)
        .values(iin=None, full_name=None, birth_date=None, pensioner=False, disability_group=None,
                proactive_opt_in=False, updated_at=moment),
    )  # fmt: skip
    report = ErasureReport(
        bindings=await _run(session, delete(ChatBinding).where(ChatBinding.user_id == user_id)),
        outbox_deleted=await _run(
            session, delete(OutboxMessage).where(OutboxMessage.user_id == user_id, OutboxMessage.status != "sent")
        ),
        outbox_scrubbed=await _run(
            session, update(OutboxMessage).where(OutboxMessage.user_id == user_id).values(payload={}, chat_id="")
        ),
        secrets=await _run(session, delete(SecretBlob).where(SecretBlob.user_id == user_id)),
        entries_scrubbed=await _run(
            session, update(IncomeEntry).where(IncomeEntry.user_id == user_id).values(counterparty=None)
        )
        + await _run(session, update(ExpenseEntry).where(ExpenseEntry.user_id == user_id).values(counterparty=None)),
        obligations=await _run(session, delete(Obligation).where(Obligation.user_id == user_id)),
        effects_scrubbed=await _run(
            session, update(Effect).where(Effect.user_id == user_id).values(request={}, result=None)
        ),
        documents_scrubbed=await _run(
            session, update(Document).where(Document.user_id == user_id).values(content={}, counterparty_id=None)
        ),
        counterparties=await _run(session, delete(Counterparty).where(Counterparty.user_id == user_id)),
        notices=await _run(session, delete(TaxNotice).where(TaxNotice.user_id == user_id)),
    )
    await _run(session, delete(LinkCode).where(LinkCode.user_id == user_id))
    await _run(session, delete(DialogState).where(DialogState.user_id == user_id))
    await _run(session, update(User).where(User.id == user_id).values(erased_at=moment))
    await append_audit(
        session,
        "user",
        "user.erased",
        user_id=user_id,
        subject=f"user:{user_id}",
        details=report.__dict__,
        correlation_id=correlation_id,
    )
    return report
