"""What a chat flow calls: register a document as an ESF (build → check → sign → upload) and follow its status.

Registration is idempotent: when ESF answers ``NOT_UNIQUE_NUMBER_AND_DATE`` for an invoice whose content is the one
already registered (a double tap, a redelivered update, a retry after a crash), the existing invoice is returned
instead of an error. Every upload — accepted, declined or found again — goes to the audit log. The user's explicit
confirmation comes before this call (the dialog's job).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from integrations.esf.client import AsyncEsfClient, InvoiceSummary
from integrations.esf.document import EsfDocument
from integrations.esf.errors import InvoiceDeclinedError
from integrations.esf.invoice import build_invoice, esf_date
from integrations.esf.signature import sign_invoice
from integrations.esf.validator import DS_NS, CheckContext, check_invoice, parse_invoice_xml
from integrations.signing import Signer, SigningContext
from integrations.signing.kept_key import AuditSink

DUPLICATE = "NOT_UNIQUE_NUMBER_AND_DATE"


@dataclass(frozen=True, slots=True)
class Registration:
    """An ESF handed to ИС ЭСФ: its internal id, the seller's number and date, and whether it was already there."""

    invoice_id: int
    num: str
    date: str
    already_registered: bool = False


def content_key(body: str | bytes) -> bytes:
    """The invoice without signatures and formatting whitespace, canonical (to recognise the same invoice)."""
    root = parse_invoice_xml(body)
    for signature in root.findall(f".//{{{DS_NS}}}Signature"):
        parent = signature.getparent()
        if parent is not None:
            parent.remove(signature)
    for element in root.iter():
        if len(element):
            element.text = None
        element.tail = None
    return bytes(etree.tostring(root, encoding="UTF-8"))


async def _audit(audit: AuditSink | None, event: str, user_id: str, details: dict[str, str]) -> None:
    if audit is not None:
        await audit.record(event, user_id, details)


async def register_invoice(
    client: AsyncEsfClient,
    document: EsfDocument,
    signer: Signer,
    context: SigningContext,
    *,
    audit: AuditSink | None = None,
    local_check: CheckContext | None = None,
) -> Registration:
    """Build, check, sign and upload ``document``; ``InvoiceDeclinedError`` with ESF's errors when it is refused.

    The local check runs first, so the user is never asked to sign an invoice ESF would decline.
    """
    xml = build_invoice(document)
    details = {"document_id": context.document_id, "num": document.number, "date": esf_date(document.date)}
    local = check_invoice(xml, local_check or CheckContext())
    if local:
        await _audit(audit, "esf.refused_locally", context.user_id, {**details, "codes": local[0].error_code})
        raise InvoiceDeclinedError(document.number, esf_date(document.date), local)
    signed = await sign_invoice(xml, signer, context)
    result = await client.sync_invoices([signed])
    if result.accepted:
        accepted = result.accepted[0]
        await _audit(audit, "esf.uploaded", context.user_id, {**details, "invoice_id": str(accepted.invoice_id)})
        return Registration(accepted.invoice_id, accepted.num, accepted.date)
    declined = result.declined[0]
    if {e.error_code for e in declined.errors} == {DUPLICATE}:
        for record in await client.invoices_by_key([(document.number, esf_date(document.date))]):
            if record.status not in ("FAILED", "DELETED") and content_key(record.body) == content_key(xml):
                found = {**details, "invoice_id": str(record.invoice_id)}
                await _audit(audit, "esf.already_registered", context.user_id, found)
                return Registration(record.invoice_id, document.number, esf_date(document.date), True)
    codes = ",".join(e.error_code for e in declined.errors)
    await _audit(audit, "esf.declined", context.user_id, {**details, "codes": codes})
    raise InvoiceDeclinedError(declined.num, declined.date, list(declined.errors))


async def invoice_status(client: AsyncEsfClient, invoice_id: int) -> InvoiceSummary | None:
    """Status and registration number of one invoice (``None`` when ESF does not show it to this session)."""
    summaries = await client.summaries_by_id([invoice_id])
    return summaries[0] if summaries else None
