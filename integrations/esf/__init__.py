"""ESF (ИС «Электронные счета-фактуры», esf.gov.kz): the ``InvoiceV2`` builder, its checks, SOAP client, sandbox.

See ``docs/esf.md``. The client loads the official WSDLs in ``integrations/esf/wsdl/`` unchanged; the sandbox serves
the same files and speaks the same SOAP.
"""

from integrations.esf.document import EXEMPT, Buyer, DocumentError, EsfDocument, Item, Seller
from integrations.esf.invoice import VERSION, Line, Totals, build_invoice, compute_lines, totals
from integrations.esf.validator import CheckContext, EsfError, check_invoice

__all__ = [
    "EXEMPT",
    "VERSION",
    "Buyer",
    "CheckContext",
    "DocumentError",
    "EsfDocument",
    "EsfError",
    "Item",
    "Line",
    "Seller",
    "Totals",
    "build_invoice",
    "check_invoice",
    "compute_lines",
    "totals",
]
