"""Primary documents: счёт на оплату, акт выполненных работ (Р-1), накладная на отпуск запасов (З-2) — model, VAT and
totals, amounts in words (ru/kk), PDF rendering with a payment QR, and issuing with gapless per-year numbers.

See ``docs/documents.md``.
"""

from core.documents.amounts import LineTotal, Totals, totals, vat_rate
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
from core.documents.words import amount_in_words, date_in_words

__all__ = [
    "KINDS",
    "Document",
    "DocumentInputError",
    "DocumentKind",
    "LineItem",
    "LineTotal",
    "Party",
    "Reference",
    "Totals",
    "amount_in_words",
    "date_in_words",
    "from_mapping",
    "party_from_mapping",
    "qr_payload",
    "render_pdf",
    "title_of",
    "totals",
    "vat_rate",
]
