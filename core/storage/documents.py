"""Counterparties (контрагенты) and the status fields of issued documents (ESF status, paid).

Issuing, numbering (gapless, per user, type and year) and listing documents live in one place:
``core.documents.store`` (``issue``, ``find_issued``, ``list_issued``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.identity import is_valid_iin_bin
from core.storage._util import rowcount
from core.storage.models import Counterparty, Document

COUNTERPARTY_FIELDS = frozenset({"name", "address", "iban", "bic", "kbe", "vat_payer"})


async def save_counterparty(
    session: AsyncSession, user_id: int, name: str, *, bin_iin: str | None = None, **fields: Any
) -> Counterparty:
    """Create or update (by БИН/ИИН when given) a counterparty; the БИН/ИИН check digit is verified."""
    unknown = set(fields) - COUNTERPARTY_FIELDS
    if unknown:
        raise ValueError(f"not counterparty fields: {sorted(unknown)}")
    if bin_iin is not None and not is_valid_iin_bin(bin_iin):
        raise ValueError("БИН/ИИН check digit does not match")
    existing = None
    if bin_iin is not None:
        stmt = select(Counterparty).where(Counterparty.user_id == user_id, Counterparty.bin_iin == bin_iin)
        existing = (await session.scalars(stmt)).one_or_none()
    row = existing or Counterparty(user_id=user_id, bin_iin=bin_iin, name=name)
    row.name = name
    for key, value in fields.items():
        setattr(row, key, value)
    session.add(row)
    await session.flush()
    return row


async def counterparties_of(session: AsyncSession, user_id: int) -> list[Counterparty]:
    """The user's counterparties by name (matching "Альфа" → ТОО «Альфа» is the feature's fuzzy search)."""
    stmt = select(Counterparty).where(Counterparty.user_id == user_id).order_by(Counterparty.name, Counterparty.id)
    return list((await session.scalars(stmt)).all())


async def set_esf_status(
    session: AsyncSession, document_id: int, status: str, registration_number: str | None = None
) -> None:
    """Record the ESF status (and registration number) of a document — its content stays as issued."""
    values: dict[str, Any] = {"esf_status": status}
    if registration_number is not None:
        values["esf_registration_number"] = registration_number
    await session.execute(
        update(Document)
        .where(Document.id == document_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def mark_document_paid(session: AsyncSession, document_id: int, at: dt.datetime) -> bool:
    """Mark an invoice paid once; False when it already was."""
    stmt = (
        update(Document)
        .where(Document.id == document_id, Document.paid_at.is_(None))
        .values(paid_at=at)
        .execution_options(synchronize_session=False)
    )
    return rowcount(await session.execute(stmt)) == 1
