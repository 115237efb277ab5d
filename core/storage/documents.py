"""Counterparties (контрагенты) and issued documents (счёт на оплату, АВР, накладная) with gapless numbering.

Numbers come from ``document_counters``: the increment and the document's insert share one SAVEPOINT inside the
caller's transaction, so a failed or rolled-back issue releases its number (no gap) and concurrent issues queue on
the counter row (no duplicate; PostgreSQL row lock, SQLite single writer).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.identity import is_valid_iin_bin
from core.storage._util import insert_once, is_unique_violation, rowcount
from core.storage.models import DOCUMENT_TYPES, Counterparty, Document, DocumentCounter

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


async def _next_number(session: AsyncSession, user_id: int, doc_type: str) -> int:
    bump = (
        update(DocumentCounter)
        .where(DocumentCounter.user_id == user_id, DocumentCounter.doc_type == doc_type)
        .values(last_number=DocumentCounter.last_number + 1)
        .returning(DocumentCounter.last_number)
        .execution_options(synchronize_session=False)
    )
    number = (await session.execute(bump)).scalar_one_or_none()
    if number is not None:
        return int(number)
    if await insert_once(session, DocumentCounter(user_id=user_id, doc_type=doc_type, last_number=1)):
        return 1
    return int((await session.execute(bump)).scalar_one())  # another transaction created the counter first


async def _by_key(session: AsyncSession, user_id: int, idempotency_key: str) -> Document | None:
    stmt = select(Document).where(Document.user_id == user_id, Document.idempotency_key == idempotency_key)
    return (await session.scalars(stmt)).one_or_none()


async def issue_document(
    session: AsyncSession,
    user_id: int,
    doc_type: str,
    issued_on: dt.date,
    total: Decimal,
    content: dict[str, Any],
    idempotency_key: str,
    *,
    vat: Decimal | None = None,
    counterparty_id: int | None = None,
    corrects_id: int | None = None,
    source_document_id: int | None = None,
) -> tuple[Document, bool]:
    """Issue a document with the next number of its type; a repeated key returns the issued one and False."""
    if doc_type not in DOCUMENT_TYPES:
        raise ValueError(f"unknown document type {doc_type!r}")
    existing = await _by_key(session, user_id, idempotency_key)
    if existing is not None:
        return existing, False
    try:
        async with session.begin_nested():
            row = Document(
                user_id=user_id, doc_type=doc_type, number=await _next_number(session, user_id, doc_type),
                issued_on=issued_on, total=total, vat=vat, content=content, idempotency_key=idempotency_key,
                counterparty_id=counterparty_id, corrects_id=corrects_id, source_document_id=source_document_id,
            )  # fmt: skip
            session.add(row)
    except IntegrityError as exc:  # the same key issued concurrently: its number was rolled back with the savepoint
        again = await _by_key(session, user_id, idempotency_key) if is_unique_violation(exc) else None
        if again is None:
            raise
        return again, False
    return row, True


async def documents_of(
    session: AsyncSession,
    user_id: int,
    *,
    doc_type: str | None = None,
    counterparty_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[Document]:
    """The user's documents, filtered by type, counterparty and issue period; by date and number."""
    stmt = select(Document).where(Document.user_id == user_id)
    if doc_type is not None:
        stmt = stmt.where(Document.doc_type == doc_type)
    if counterparty_id is not None:
        stmt = stmt.where(Document.counterparty_id == counterparty_id)
    if start is not None:
        stmt = stmt.where(Document.issued_on >= start)
    if end is not None:
        stmt = stmt.where(Document.issued_on <= end)
    return list((await session.scalars(stmt.order_by(Document.issued_on, Document.number))).all())


async def find_document(session: AsyncSession, user_id: int, doc_type: str, number: int) -> Document | None:
    """The user's document of a type by its number ("акт по счёту №12")."""
    stmt = select(Document).where(
        Document.user_id == user_id, Document.doc_type == doc_type, Document.number == number
    )
    return (await session.scalars(stmt)).one_or_none()


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
