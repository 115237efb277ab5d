"""What the documents flow shows: the preview before «Выставить», the issued message with its PDF, list rows.

The key fields come from ``core.documents.summary`` (the same labels as the PDF, in the user's language); the chat
adds the seller, the date and what is not on the document yet (the bank account).
"""

from __future__ import annotations

from core.documents import Document, IssuedDocument, summary, title_of
from core.documents.words import Language
from dialogs.contract import Attachment
from dialogs.flows.base import Ctx
from dialogs.format import date, money
from dialogs.i18n import N_

KIND_NAMES = {"invoice": N_("Invoice"), "act": N_("Act"), "waybill": N_("Waybill")}


def language(ctx: Ctx) -> Language:
    return "kk" if ctx.lang == "kk" else "ru"


def kind_name(ctx: Ctx, kind: str) -> str:
    return ctx.t(KIND_NAMES.get(kind, KIND_NAMES["invoice"]))


def preview_text(ctx: Ctx, document: Document) -> str:
    """Seller, buyer, lines, VAT (only for a VAT payer), total in figures and words, the date."""
    seller = document.seller
    if document.kind == "act":
        side = ctx.t("Contractor: {name}, IIN {iin}", name=seller.name, iin=seller.bin_iin or "")
    else:
        side = ctx.t("Seller: {name}, IIN {iin}", name=seller.name, iin=seller.bin_iin or "")
    lines = [summary(document, language(ctx)), side, ctx.t("Date: {day}", day=date(document.date))]
    if not seller.iban and document.kind == "invoice":
        lines.append(ctx.t("Without your bank account: the buyer will ask you for it. «Edit» adds it."))
    lines.append(ctx.t("I will issue it only after your confirmation; once issued it cannot be changed."))
    return "\n".join(lines)


def file_name(issued: IssuedDocument) -> str:
    return f"{issued.kind}-{issued.year}-{issued.number}.pdf"


def pdf_attachment(ctx: Ctx, issued: IssuedDocument, content: bytes) -> Attachment:
    caption = title_of(issued.document, language(ctx))
    return Attachment("document", file_name(issued), "application/pdf", content, caption=caption)


def issued_text(ctx: Ctx, issued: IssuedDocument) -> str:
    doc = issued.document
    return ctx.t(
        "{kind} No. {number} of {day} for {buyer}: {total}. The PDF is attached — forward it to the buyer.",
        kind=kind_name(ctx, issued.kind),
        number=issued.number,
        day=date(doc.date),
        buyer=doc.buyer.name,
        total=money(issued.total),
    )


def list_row(ctx: Ctx, issued: IssuedDocument) -> str:
    """«Счёт № 3, 01.12.2026, ТОО «Альфа», 250 000 ₸»."""
    doc = issued.document
    return ctx.t(
        "{kind} No. {n}, {day}, {buyer}, {sum}",
        kind=kind_name(ctx, issued.kind),
        n=issued.number,
        day=date(doc.date),
        buyer=doc.buyer.name,
        sum=money(issued.total),
    )


def list_title(ctx: Ctx, issued: IssuedDocument) -> str:
    """A button title ≤ 20 characters: «Счёт № 3 · 01.12»."""
    return f"{kind_name(ctx, issued.kind)} № {issued.number} · {issued.document.date:%d.%m}"[:20]
