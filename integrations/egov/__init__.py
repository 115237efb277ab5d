"""eGov services the registration flow needs: the taxpayer lookup by ИИН (is this person an ИП, since when).

- ``TaxpayerLookup`` — the protocol; ``TaxpayerRecord`` — the answer; ``TaxpayerLookupError`` — it could not say.
- ``SandboxRegister`` — answers like the state lookup: not found until an application, then the ИП with its
  registration (start) date after ``delay`` on an injected clock; ``LocalTaxpayerLookup`` — in process.
- ``server.create_app(register)`` — the sandbox over HTTP (local mode mounts it); ``HttpTaxpayerLookup`` — the client.

Registering itself is the user's act: they sign the state form in eGov / eGov mobile; this package never files it.
"""

from integrations.egov.base import TaxpayerLookup, TaxpayerLookupError, TaxpayerRecord, check_iin
from integrations.egov.client import HttpTaxpayerLookup
from integrations.egov.sandbox import Application, LocalTaxpayerLookup, SandboxRegister

__all__ = [
    "Application",
    "HttpTaxpayerLookup",
    "LocalTaxpayerLookup",
    "SandboxRegister",
    "TaxpayerLookup",
    "TaxpayerLookupError",
    "TaxpayerRecord",
    "check_iin",
]
