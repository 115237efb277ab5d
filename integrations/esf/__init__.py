"""ESF (ИС «Электронные счета-фактуры», esf.gov.kz): the ``InvoiceV2`` builder, its checks, SOAP client, sandbox.

See ``docs/esf.md``. The client loads the official WSDLs in ``integrations/esf/wsdl/`` unchanged; the sandbox serves
the same files and speaks the same SOAP.
"""

from integrations.esf.client import (
    AsyncEsfClient,
    EsfClient,
    EsfCredentials,
    InvoicePage,
    InvoiceRecord,
    InvoiceSummary,
    SyncResult,
)
from integrations.esf.document import EXEMPT, Buyer, DocumentError, EsfDocument, Item, Seller
from integrations.esf.errors import (
    EsfAccessDeniedError,
    EsfApiError,
    EsfBusinessError,
    EsfSecurityError,
    EsfSessionClosedError,
    EsfUnavailableError,
    InvoiceDeclinedError,
)
from integrations.esf.flow import Registration, invoice_status, register_invoice
from integrations.esf.invoice import VERSION, Line, Totals, build_invoice, compute_lines, totals
from integrations.esf.signature import SignedInvoice, certificate_base64, sign_invoice
from integrations.esf.validator import CheckContext, EsfError, check_invoice

__all__ = [
    "EXEMPT",
    "VERSION",
    "AsyncEsfClient",
    "Buyer",
    "CheckContext",
    "DocumentError",
    "EsfAccessDeniedError",
    "EsfApiError",
    "EsfBusinessError",
    "EsfClient",
    "EsfCredentials",
    "EsfDocument",
    "EsfError",
    "EsfSecurityError",
    "EsfSessionClosedError",
    "EsfUnavailableError",
    "InvoiceDeclinedError",
    "InvoicePage",
    "InvoiceRecord",
    "InvoiceSummary",
    "Item",
    "Line",
    "Registration",
    "Seller",
    "SignedInvoice",
    "SyncResult",
    "Totals",
    "build_invoice",
    "certificate_base64",
    "check_invoice",
    "compute_lines",
    "invoice_status",
    "register_invoice",
    "sign_invoice",
    "totals",
]
