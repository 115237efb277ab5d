"""``DocumentPorts`` over ``core.documents`` / ``core.counterparties`` / ``core.storage`` (the event's transaction).

The book is the storage session of the engine's unit of work (``SqlStore.session``): issuing a document, its audit
row and the dialog state commit together, so a crash mid-way leaves neither a number nor a half-state.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.documents import (
    Document,
    DocumentKind,
    IssuedDocument,
    find_issued,
    get_issued,
    issue,
    issue_act_for_invoice,
    list_issued,
    render_pdf,
)
from core.documents.words import Language
from core.storage.models import Counterparty, Profile
from core.storage.models import Document as DocumentRow
from dialogs.effects.document_ports import DocumentBook, DocumentPorts, KnownParty, SellerRequisites

_QUOTES = re.compile(r"[«»\"'“”„`.,()]+")


def _plain(name: str) -> str:
    """A name compared with its legal form: lower-case, quotes and punctuation gone."""
    return " ".join(_QUOTES.sub(" ", name.lower().replace("ё", "е")).split())


def act_key(invoice_id: int) -> str:
    """The act's idempotency key: one act per invoice, whichever chat or tap asks."""
    return f"act-for:{invoice_id}"


class SqlDocumentBook:
    """One transaction's ``DocumentBook``."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def seller(self, user_id: str) -> SellerRequisites:
        profile = await self.session.get(Profile, int(user_id))
        stmt = select(DocumentRow).where(DocumentRow.user_id == int(user_id)).order_by(DocumentRow.id.desc()).limit(1)
        last = (await self.session.scalars(stmt)).first()
        seller = Document.from_content(last.content).seller if last is not None else None
        party = None
        if profile is not None and profile.iin and profile.full_name:
            from core.counterparties import seller_from_profile

            name = " ".join(word.capitalize() for word in profile.full_name.split())  # the filing keeps it upper
            party = seller_from_profile(
                Profile(iin=profile.iin, full_name=name),  # a transient copy: the stored row stays as it is
                iban=seller.iban if seller else None,
                bic=seller.bic if seller else None,
                bank=seller.bank if seller else None,
                vat_payer=seller.vat_payer if seller else False,
            )
        return SellerRequisites(
            iin=profile.iin if profile else None,
            full_name=profile.full_name if profile else None,
            party=party,
            iban=seller.iban if seller else None,
            bic=seller.bic if seller else None,
            bank=seller.bank if seller else None,
            vat_payer=seller.vat_payer if seller else False,
            issued_before=last is not None,
        )

    async def find_parties(self, user_id: str, query: str) -> list[KnownParty]:
        from core.counterparties import best_match, find_counterparties

        best = await best_match(self.session, int(user_id), query)
        if best is not None:
            return [KnownParty(best.counterparty.id, best.party)]
        found = await find_counterparties(self.session, int(user_id), query, limit=5)
        exact = [m for m in found if _plain(m.counterparty.name) == _plain(query)]
        if len(exact) == 1:  # «АО Альфа» among ТОО «Альфа» and АО «Альфа»: the legal form decides
            found = exact
        return [KnownParty(m.counterparty.id, m.party) for m in found]

    async def party(self, user_id: str, party_id: int) -> KnownParty | None:
        from core.counterparties import party_of

        row = await self.session.get(Counterparty, party_id)
        if row is None or row.user_id != int(user_id):
            return None
        return KnownParty(row.id, party_of(row))

    async def issue(self, user_id: str, draft: Document, key: str, party_id: int | None) -> IssuedDocument:
        from core.counterparties import remember

        if party_id is None:  # remembered even without a БИН (by name), so the list finds it by counterparty
            party_id = (await remember(self.session, int(user_id), draft.checked().buyer)).id
        return await issue(self.session, int(user_id), draft, key, counterparty_id=party_id)

    async def get(self, user_id: str, document_id: int) -> IssuedDocument | None:
        return await get_issued(self.session, int(user_id), document_id)

    async def find(self, user_id: str, kind: DocumentKind, number: int, year: int) -> IssuedDocument | None:
        return await find_issued(self.session, int(user_id), kind, number, year)

    async def documents(
        self,
        user_id: str,
        *,
        party_id: int | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> list[IssuedDocument]:
        found = await list_issued(self.session, int(user_id), counterparty_id=party_id, start=start, end=end)
        return found[::-1]

    async def act_of(self, user_id: str, invoice_id: int) -> IssuedDocument | None:
        stmt = (
            select(DocumentRow.id)
            .where(
                DocumentRow.user_id == int(user_id),
                DocumentRow.doc_type == "act",
                DocumentRow.source_document_id == invoice_id,
            )
            .order_by(DocumentRow.id)
            .limit(1)
        )
        found = (await self.session.scalars(stmt)).first()
        return await get_issued(self.session, int(user_id), found) if found is not None else None

    async def issue_act(self, user_id: str, invoice_id: int, date: dt.date) -> IssuedDocument:
        existing = await self.act_of(user_id, invoice_id)
        if existing is not None:
            return existing
        return await issue_act_for_invoice(self.session, int(user_id), invoice_id, date, act_key(invoice_id))

    async def paid_at(self, user_id: str, document_id: int) -> dt.datetime | None:
        stmt = select(DocumentRow.paid_at).where(DocumentRow.id == document_id, DocumentRow.user_id == int(user_id))
        return (await self.session.scalars(stmt)).first()

    async def mark_paid(self, user_id: str, document_id: int, at: dt.datetime) -> None:
        stmt = (
            update(DocumentRow)
            .where(DocumentRow.id == document_id, DocumentRow.user_id == int(user_id), DocumentRow.paid_at.is_(None))
            .values(paid_at=at)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(stmt)


def sql_books(store: object) -> DocumentBook | None:
    """The book of a ``SqlStore`` (its session); ``None`` for in-memory storage."""
    session = getattr(store, "session", None)
    return SqlDocumentBook(session) if isinstance(session, AsyncSession) else None


def render(document: Document, language: str) -> bytes:
    lang: Language = "kk" if language == "kk" else "ru"
    return render_pdf(document, lang)


def core_document_ports() -> DocumentPorts:
    """The documents flow over the product's own storage (nothing outside the process is needed)."""
    return DocumentPorts(books=sql_books, render=render)
