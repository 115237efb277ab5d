"""Issuing documents: numbers per user, document type and year without gaps or duplicates; immutable once issued.

Storage is the ``documents`` / ``document_counters`` tables of migration 0002 (no schema change):

- the counter row is keyed ``(user_id, "<kind>:<year>")`` — e.g. ``"invoice:2026"`` — and is bumped with
  ``UPDATE … RETURNING`` in the same SAVEPOINT as the document's insert, inside the caller's transaction. A rolled-back
  issue gives its number back (no gap); concurrent issues queue on the counter row (PostgreSQL row lock, SQLite's
  single writer), so no number is given twice.
- ``documents.number`` holds ``year × 100000 + n`` (``storage_number``), so the table's unique
  ``(user_id, doc_type, number)`` enforces "no duplicate per user, type and year" in the database itself; the
  printed number is ``n`` (``IssuedDocument.number``); ``content`` is the full snapshot (``Document.to_content``).
- nothing here updates ``content``: a correction is a new document with ``corrects_id`` (and a ``corrects`` reference
  printed on it); an act made from an invoice carries ``source_document_id`` and the invoice's lines.

Every issue is idempotent on ``(user_id, idempotency_key)``: a repeat returns the issued document (``created`` False);
the same key with different content is refused (``DocumentConflictError``). Each new document goes to the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.documents.amounts import totals
from core.documents.model import Document, DocumentKind, Reference
from core.storage._util import insert_once, is_unique_violation
from core.storage.audit import append_audit
from core.storage.models import Document as DocumentRow
from core.storage.models import DocumentCounter

_YEAR_FACTOR = 100_000  # up to 99 999 documents of a type per user and year


class DocumentConflictError(ValueError):
    """The idempotency key was used for a different document, or a correction/act does not fit its original."""


@dataclass(frozen=True, slots=True)
class IssuedDocument:
    """A document as issued: its id, printed number within its year, the immutable content and its references."""

    id: int
    user_id: int
    kind: DocumentKind
    year: int
    number: int
    document: Document
    total: Decimal
    vat: Decimal | None
    counterparty_id: int | None
    corrects_id: int | None
    source_document_id: int | None
    created: bool = False

    def reference(self) -> Reference:
        """A reference to this document (for a correction or an act made from it)."""
        return Reference(self.kind, str(self.number), self.document.date, self.id)


def storage_number(year: int, number: int) -> int:
    """``documents.number`` for the ``number``-th document of a year (2026, 12 → 202600012)."""
    if not 1 <= number < _YEAR_FACTOR:
        raise ValueError(f"document number out of range: {number}")
    return year * _YEAR_FACTOR + number


def split_storage_number(value: int) -> tuple[int, int]:
    """``(year, number)`` from ``documents.number``."""
    return divmod(value, _YEAR_FACTOR)


def _counter_key(kind: str, year: int) -> str:
    return f"{kind}:{year}"


async def _next_number(session: AsyncSession, user_id: int, kind: str, year: int) -> int:
    key = _counter_key(kind, year)
    bump = (
        update(DocumentCounter)
        .where(DocumentCounter.user_id == user_id, DocumentCounter.doc_type == key)
        .values(last_number=DocumentCounter.last_number + 1)
        .returning(DocumentCounter.last_number)
        .execution_options(synchronize_session=False)
    )
    number = (await session.execute(bump)).scalar_one_or_none()
    if number is not None:
        return int(number)
    if await insert_once(session, DocumentCounter(user_id=user_id, doc_type=key, last_number=1)):
        return 1
    return int((await session.execute(bump)).scalar_one())  # another transaction created the counter first


def _issued(row: DocumentRow, created: bool = False) -> IssuedDocument:
    year, number = split_storage_number(row.number)
    return IssuedDocument(
        id=row.id,
        user_id=row.user_id,
        kind=cast(DocumentKind, row.doc_type),
        year=year,
        number=number,
        document=Document.from_content(row.content),
        total=Decimal(row.total),
        vat=None if row.vat is None else Decimal(row.vat),
        counterparty_id=row.counterparty_id,
        corrects_id=row.corrects_id,
        source_document_id=row.source_document_id,
        created=created,
    )


def _comparable(content: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in content.items() if k != "number"}


async def _by_key(session: AsyncSession, user_id: int, key: str) -> DocumentRow | None:
    stmt = select(DocumentRow).where(DocumentRow.user_id == user_id, DocumentRow.idempotency_key == key)
    return (await session.scalars(stmt)).one_or_none()


def _repeat(row: DocumentRow, draft: Document) -> IssuedDocument:
    if _comparable(row.content) != _comparable(draft.to_content()):
        raise DocumentConflictError("this request was already used for a different document")
    return _issued(row)


async def issue(
    session: AsyncSession,
    user_id: int,
    draft: Document,
    idempotency_key: str,
    *,
    counterparty_id: int | None = None,
    actor: str = "user",
) -> IssuedDocument:
    """Issue ``draft`` with the next number of its type and year (its ``number`` is replaced).

    ``draft`` is validated first (``Document.checked``: ``DocumentInputError`` names the bad field).
    The buyer is remembered as a counterparty when it has a БИН/ИИН and no ``counterparty_id`` is given. The caller
    commits. References in ``draft.corrects``/``draft.source`` with a ``document_id`` become ``corrects_id`` and
    ``source_document_id``.
    """
    draft = draft.checked()
    existing = await _by_key(session, user_id, idempotency_key)
    if existing is not None:
        return _repeat(existing, draft)
    for ref in (draft.corrects, draft.source):
        if (
            ref is not None
            and ref.document_id is not None
            and await get_issued(session, user_id, ref.document_id) is None
        ):
            raise DocumentConflictError("the referenced document is not one of the user's")
    if counterparty_id is None and draft.buyer.bin_iin:
        from core.counterparties import remember

        counterparty_id = (await remember(session, user_id, draft.buyer)).id
    year = draft.date.year
    sums = totals(draft)
    try:
        async with session.begin_nested():
            number = await _next_number(session, user_id, draft.kind, year)
            content = draft.with_number(str(number)).to_content()
            row = DocumentRow(
                user_id=user_id, doc_type=draft.kind, number=storage_number(year, number), issued_on=draft.date,
                total=sums.gross, vat=sums.vat, content=content, idempotency_key=idempotency_key,
                counterparty_id=counterparty_id,
                corrects_id=draft.corrects.document_id if draft.corrects else None,
                source_document_id=draft.source.document_id if draft.source else None,
            )  # fmt: skip
            session.add(row)
            await session.flush()
    except IntegrityError as exc:  # the same key issued concurrently: this number went back with the savepoint
        again = await _by_key(session, user_id, idempotency_key) if is_unique_violation(exc) else None
        if again is None:
            raise
        return _repeat(again, draft)
    details = {"kind": draft.kind, "year": year, "number": number, "total": str(sums.gross),
               "vat": None if sums.vat is None else str(sums.vat), "corrects_id": row.corrects_id,
               "source_document_id": row.source_document_id}  # fmt: skip
    await append_audit(
        session, actor, "document.issued", user_id=user_id, subject=f"document:{row.id}", details=details
    )
    return _issued(row, created=True)


async def get_issued(session: AsyncSession, user_id: int, document_id: int) -> IssuedDocument | None:
    """The user's document by id (``None`` for another user's)."""
    row = await session.get(DocumentRow, document_id)
    return _issued(row) if row is not None and row.user_id == user_id else None


async def find_issued(
    session: AsyncSession, user_id: int, kind: DocumentKind, number: int, year: int
) -> IssuedDocument | None:
    """The user's document of ``kind`` by its printed number and year ("акт по счёту № 12" → invoice 12 of 2026)."""
    try:
        value = storage_number(year, number)
    except ValueError:
        return None
    stmt = select(DocumentRow).where(
        DocumentRow.user_id == user_id, DocumentRow.doc_type == kind, DocumentRow.number == value
    )
    row = (await session.scalars(stmt)).one_or_none()
    return _issued(row) if row is not None else None


async def list_issued(
    session: AsyncSession,
    user_id: int,
    *,
    kind: DocumentKind | None = None,
    counterparty_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[IssuedDocument]:
    """The user's documents by date and number, filtered by type, counterparty and issue period (inclusive)."""
    stmt = select(DocumentRow).where(DocumentRow.user_id == user_id)
    if kind is not None:
        stmt = stmt.where(DocumentRow.doc_type == kind)
    if counterparty_id is not None:
        stmt = stmt.where(DocumentRow.counterparty_id == counterparty_id)
    if start is not None:
        stmt = stmt.where(DocumentRow.issued_on >= start)
    if end is not None:
        stmt = stmt.where(DocumentRow.issued_on <= end)
    rows = await session.scalars(stmt.order_by(DocumentRow.issued_on, DocumentRow.number, DocumentRow.id))
    return [_issued(row) for row in rows]


async def corrections_of(session: AsyncSession, user_id: int, document_id: int) -> list[IssuedDocument]:
    """The documents that correct ``document_id``, oldest first."""
    stmt = select(DocumentRow).where(DocumentRow.user_id == user_id, DocumentRow.corrects_id == document_id)
    return [_issued(row) for row in await session.scalars(stmt.order_by(DocumentRow.id))]


async def issue_correction(
    session: AsyncSession, user_id: int, original_id: int, draft: Document, idempotency_key: str
) -> IssuedDocument:
    """Issue a corrected document: a new number, the original untouched and referenced (``corrects``)."""
    original = await get_issued(session, user_id, original_id)
    if original is None:
        raise DocumentConflictError("no such document to correct")
    if draft.kind != original.kind:
        raise DocumentConflictError("a correction must be a document of the same type")
    return await issue(session, user_id, replace(draft, corrects=original.reference()), idempotency_key)


def act_from_invoice(invoice: IssuedDocument, date: dt.date, *, turnover_date: dt.date | None = None) -> Document:
    """The draft of an act of completed work (Р-1) for an invoice: the same parties and lines, a reference to it."""
    if invoice.kind != "invoice":
        raise DocumentConflictError("an act is made from an invoice")
    source = invoice.document
    return replace(
        source,
        kind="act",
        number="",
        date=date,
        turnover_date=turnover_date,
        corrects=None,
        source=invoice.reference(),
        knp=None,
        purpose=None,
    )


async def issue_act_for_invoice(
    session: AsyncSession, user_id: int, invoice_id: int, date: dt.date, idempotency_key: str
) -> IssuedDocument:
    """Issue the act for the user's invoice ``invoice_id`` (same lines, ``source_document_id`` set)."""
    invoice = await get_issued(session, user_id, invoice_id)
    if invoice is None:
        raise DocumentConflictError("no such invoice")
    return await issue(
        session, user_id, act_from_invoice(invoice, date), idempotency_key, counterparty_id=invoice.counterparty_id
    )
