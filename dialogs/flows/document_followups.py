"""What follows an issued document: its PDF message with «Акт» / «Оплачен» / «ЭСФ», the act of completed work
(АВР, Р-1) made once per invoice, and the income recorded once per document.

The act's idempotency key is derived from its invoice (``dialogs.adapters.documents.act_key``) and the income's
from the document id (``income_key``), so a second tap, a redelivered update or the same user's other chat find
what the first one made and say so, never making a second.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from core.documents import IssuedDocument
from core.documents.store import act_from_invoice
from dialogs.contract import Button, Reply
from dialogs.effects.document_ports import DocumentBook, DocumentPorts
from dialogs.flows import menu
from dialogs.flows.base import Ctx, entity, new_token, outdated
from dialogs.flows.document_input import invoice_number, period_range
from dialogs.flows.document_list import PAGE
from dialogs.flows.document_views import issued_text, kind_name, list_row, list_title, pdf_attachment, preview_text
from dialogs.format import date, money
from dialogs.ports import Entry
from dialogs.states import Flow
from nlu.types import ParseResult

ISSUED = "issued"
ACT = "act"
PAID = "paid"


def income_key(document_id: int) -> str:
    """One income entry per document, whichever chat of the user taps «Оплачен»."""
    return f"doc-income:{document_id}"


async def issued_reply(ctx: Ctx, ports: DocumentPorts, issued: IssuedDocument, notice: str | None = None) -> Reply:
    reply = await send_pdf(ctx, ports, issued, issued_text(ctx, issued), notice)
    return replace(reply, buttons=after_buttons(ctx, issued))


def after_buttons(ctx: Ctx, issued: IssuedDocument) -> tuple[tuple[Button, ...], ...]:
    doc_id = str(issued.id)
    row: list[Button] = []
    if issued.kind == "invoice":
        row.append(ctx.button(ctx.t("Act"), Flow.DOCUMENTS, "act", doc_id))
    if issued.kind in ("invoice", "waybill"):
        row.append(ctx.button(ctx.t("Paid"), Flow.DOCUMENTS, "paid", doc_id))
    row.append(ctx.button(ctx.t("ESF"), Flow.ESF, "new", doc_id))
    return (tuple(row),)


async def send_pdf(
    ctx: Ctx, ports: DocumentPorts, issued: IssuedDocument, text: str, notice: str | None = None
) -> Reply:
    content = await asyncio.to_thread(ports.render, issued.document, ctx.lang)
    return Reply(text=text, attachments=(pdf_attachment(ctx, issued, content),), notice=notice)


# ---- the act of completed work ----
async def act_request(
    ctx: Ctx, ports: DocumentPorts, book: DocumentBook, text: str, parse: ParseResult
) -> list[Reply]:
    number = invoice_number(text)
    if number is not None:
        years = [ctx.today.year, ctx.today.year - 1]
        period = period_range(entity(parse, "period"))
        if period is not None:
            years = [period[0].year]
        for year in years:
            invoice = await book.find(ctx.user.user_id, "invoice", number, year)
            if invoice is not None:
                return await act(ctx, ports, book, invoice, confirm=False)
        head = ctx.t("Invoice No. {number} is not among yours.", number=number)
    else:
        head = ctx.t("Which invoice is the act for?")
    invoices = [d for d in await book.documents(ctx.user.user_id) if d.kind == "invoice"][:PAGE]
    if not invoices:
        return [Reply(text="\n".join([head, ctx.t("You have no invoices yet: first «issue an invoice».")]))]
    rows = tuple((ctx.button(list_title(ctx, d), Flow.DOCUMENTS, "act", str(d.id)),) for d in invoices)
    return [Reply(text="\n".join([head, *(list_row(ctx, d) for d in invoices)]), buttons=rows)]


async def act(
    ctx: Ctx, ports: DocumentPorts, book: DocumentBook, invoice: IssuedDocument, *, confirm: bool
) -> list[Reply]:
    if invoice.kind != "invoice":
        return [Reply(text=ctx.t("An act is made from an invoice."))]
    existing = await book.act_of(ctx.user.user_id, invoice.id)
    if existing is not None:
        text = ctx.t(
            "The act for invoice No. {invoice} is already issued: act No. {number}.",
            invoice=invoice.number,
            number=existing.number,
        )
        return (
            [await issued_reply(ctx, ports, existing, notice=ctx.t("Already issued."))]
            if confirm
            else [replace(await issued_reply(ctx, ports, existing), text=text)]
        )
    if not confirm:
        token = new_token()
        ctx.go(Flow.DOCUMENTS, ACT, token=token, inv=invoice.id)
        draft = act_from_invoice(invoice, ctx.today)
        buttons = (
            (
                ctx.button(ctx.t("Issue"), Flow.DOCUMENTS, "aok", str(invoice.id)),
                ctx.button(ctx.t("Cancel"), Flow.DOCUMENTS, "no", token),
            ),
        )
        head = ctx.t("The act of completed work for invoice No. {number}:", number=invoice.number)
        return [Reply(text="\n".join([head, preview_text(ctx, draft)]), buttons=buttons)]
    if ctx.state.flow != Flow.DOCUMENTS or ctx.state.step != ACT or ctx.state.data.get("inv") != invoice.id:
        return outdated(ctx)
    act = await book.issue_act(ctx.user.user_id, invoice.id, ctx.today)
    ctx.go(Flow.DOCUMENTS, ISSUED, token=str(ctx.state.data.get("token", "")), doc=act.id)
    return [await issued_reply(ctx, ports, act)]


# ---- paid: one income entry ----
async def paid(ctx: Ctx, book: DocumentBook, document: IssuedDocument, *, confirm: bool) -> list[Reply]:
    if document.kind not in ("invoice", "waybill"):
        return [Reply(text=ctx.t("Income is recorded from the invoice or the waybill."))]
    title = ctx.t("{kind} No. {number}", kind=kind_name(ctx, document.kind), number=document.number)
    if await book.paid_at(ctx.user.user_id, document.id) is not None:
        ctx.clear()
        return [Reply(text=ctx.t("The income for {title} is already recorded.", title=title))]
    buyer = document.document.buyer.name
    if not confirm:
        ctx.go(Flow.DOCUMENTS, PAID, token=new_token(), doc=document.id)
        text = ctx.t(
            "Record income {amount} from {buyer} for {title}, dated {day}?",
            amount=money(document.total),
            buyer=buyer,
            title=title,
            day=date(ctx.today),
        )
        buttons = (
            (
                ctx.button(ctx.t("Yes, record"), Flow.DOCUMENTS, "pok", str(document.id)),
                ctx.button(ctx.t("Cancel"), Flow.DOCUMENTS, "no", str(ctx.state.data["token"])),
            ),
        )
        return [Reply(text=text, buttons=buttons)]
    if ctx.state.flow != Flow.DOCUMENTS or ctx.state.step != PAID or ctx.state.data.get("doc") != document.id:
        return outdated(ctx)
    entry = Entry("income", document.total, ctx.today, counterparty=buyer[:200])
    created = await ctx.store.add_entry(ctx.user.user_id, entry, income_key(document.id))
    ctx.clear()
    if not created:
        return [Reply(text=ctx.t("The income for {title} is already recorded.", title=title))]
    await book.mark_paid(ctx.user.user_id, document.id, ctx.now)
    details = {"document_id": document.id, "amount": str(document.total), "date": ctx.today.isoformat()}
    await ctx.store.audit(ctx.user.user_id, "document.paid", details)
    text = ctx.t(
        "Recorded: income {amount} from {buyer} ({title}).", amount=money(document.total), buyer=buyer, title=title
    )
    return [Reply(text=text, buttons=menu.main_buttons(ctx), edit=True)]
