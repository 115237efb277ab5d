"""The official ESF WSDLs, byte-identical to ``shared/reference/esf-wsdl`` (OnSwitchOff/ESF_kz@aa86dc7).

Never edit these files: the client loads them unchanged and overrides only the endpoint address; the sandbox serves
them with only ``soap:address`` rewritten. ``tests/integrations/esf/test_wsdl.py`` pins their hashes.
"""

from __future__ import annotations

from pathlib import Path

WSDL_DIR = Path(__file__).parent
SERVICES = ("SessionService", "UploadInvoiceService", "InvoiceService")
BINDINGS = {name: f"{{esf}}{name}SoapBinding" for name in (*SERVICES, "LocalService")}


def wsdl_path(service: str) -> Path:
    """The packaged WSDL of ``service`` (``SessionService``, ``UploadInvoiceService``, ``InvoiceService``, …)."""
    path = WSDL_DIR / f"{service}.wsdl"
    if service not in BINDINGS or not path.is_file():
        raise KeyError(f"no WSDL for ESF service {service!r}")
    return path
