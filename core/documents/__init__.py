"""Primary documents: счёт на оплату, акт выполненных работ (Р-1), накладная на отпуск запасов (З-2) — model, VAT and
totals, amounts in words (ru/kk), PDF rendering with a payment QR, and issuing with gapless per-year numbers.

See ``docs/documents.md``.
"""

from core.documents.amounts import LineTotal, Totals, totals, vat_rate
from core.documents.esf import esf_mapping
from core.documents.model import (
    KINDS,
    Document,
    DocumentInputError,
    DocumentKind,
    LineItem,
    Party,
    Reference,
    from_mapping,
    party_from_mapping,
)
from core.documents.pdf import qr_payload, render_pdf, title_of
from core.documents.preview import preview_png, summary
from core.documents.store import (
    DocumentConflictError,
    IssuedDocument,
    act_from_invoice,
    corrections_of,
    find_issued,
    get_issued,
    issue,
    issue_act_for_invoice,
    issue_correction,
    list_issued,
)
from core.documents.words import amount_in_words, date_in_words

__all__ = [
    "KINDS",
    "Document",
    "DocumentConflictError",
    "DocumentInputError",
    "DocumentKind",
    "IssuedDocument",
    "LineItem",
    "LineTotal",
    "Party",
    "Reference",
    "Totals",
    "act_from_invoice",
    "amount_in_words",
    "corrections_of",
    "date_in_words",
    "esf_mapping",
    "find_issued",
    "from_mapping",
    "get_issued",
    "issue",
    "issue_act_for_invoice",
    "issue_correction",
    "list_issued",
    "party_from_mapping",
    "preview_png",
    "qr_payload",
    "render_pdf",
    "summary",
    "title_of",
    "totals",
    "vat_rate",
]
