"""What the documents flow needs from core.documents, core.counterparties and storage.

The flow works inside the event's transaction: ``DocumentPorts.books(store)`` gives the ``DocumentBook`` of that
transaction (``None`` for in-memory storage, where the flow answers «недоступно»). ``dialogs.adapters.documents``
binds it to ``core.documents`` (gapless numbering, immutable snapshots, the audit log) and ``core.counterparties``
(remembered clients found by name); ``render`` is the PDF renderer (``core.documents.render_pdf``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from core.documents import Document, DocumentKind, IssuedDocument, Party


@dataclass(frozen=True, slots=True)
class SellerRequisites:
    """The user's own side: ИИН and ФИО from the profile, the bank account from the last issued document.

    ``issued_before`` — the user has issued a document already, so the bank account was asked once (an empty
    ``iban`` then means the user chose to issue without it).
    """

    iin: str | None
    full_name: str | None
    party: Party | None = None  # ``core.counterparties.seller_from_profile``; ``None`` without ИИН or ФИО
    iban: str | None = None
    bic: str | None = None
    bank: str | None = None
    vat_payer: bool = False
    issued_before: bool = False


@dataclass(frozen=True, slots=True)
class KnownParty:
    """A remembered counterparty: its storage id and its document side."""

    id: int
    party: Party


class DocumentBook(Protocol):
    """The user's documents and counterparties within one transaction (ids are the storage's; user ids strings)."""

    async def seller(self, user_id: str) -> SellerRequisites: ...

    async def find_parties(self, user_id: str, query: str) -> list[KnownParty]:
        """One party when the query clearly means it, several when it could mean any, none when unknown."""
        ...

    async def party(self, user_id: str, party_id: int) -> KnownParty | None: ...

    async def issue(self, user_id: str, draft: Document, key: str, party_id: int | None) -> IssuedDocument:
        """Issue once per ``key`` (a repeat returns the same document); ``DocumentInputError`` for bad data."""
        ...

    async def get(self, user_id: str, document_id: int) -> IssuedDocument | None:
        """The user's document (``None`` for another user's or a missing one)."""
        ...

    async def find(self, user_id: str, kind: DocumentKind, number: int, year: int) -> IssuedDocument | None: ...

    async def documents(
        self,
        user_id: str,
        *,
        party_id: int | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> list[IssuedDocument]:
        """The user's documents, newest first."""
        ...

    async def act_of(self, user_id: str, invoice_id: int) -> IssuedDocument | None:
        """The act already issued for this invoice, if any."""
        ...

    async def issue_act(self, user_id: str, invoice_id: int, date: dt.date) -> IssuedDocument:
        """The act for the invoice, once per invoice (a repeat returns the act issued first)."""
        ...

    async def paid_at(self, user_id: str, document_id: int) -> dt.datetime | None:
        """When the income of this document was recorded from the chat (``None``: not yet)."""
        ...

    async def mark_paid(self, user_id: str, document_id: int, at: dt.datetime) -> None: ...


Books = Callable[[object], "DocumentBook | None"]
Renderer = Callable[[Document, str], bytes]


@dataclass(slots=True)
class DocumentPorts:
    """``None`` in ``EffectServices`` means the flow answers «недоступно»."""

    books: Books
    render: Renderer
