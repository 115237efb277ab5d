"""What the ESF flow needs: build and check an e-invoice, sign it (the phone or the kept key), upload it to ИС ЭСФ and
read its status.

The dialogs import no integration: ``dialogs.adapters.esf`` binds these protocols to ``integrations.esf`` (the zeep
client on the official WSDLs, the invoice builder and its checks). Everything here is plain data, so the effect row
can keep it (``request`` / ``result`` of the ``effects`` table).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from dialogs.effects.ports import KeptSigning, PhoneSigning

#: the ESF statuses of an uploaded invoice that are not final yet (ИС ЭСФ moves them on its own)
PENDING_STATUSES = ("IN_QUEUE", "IN_PROCESSING")
#: the final statuses: registered (and later delivered to the buyer), or refused after processing
REGISTERED_STATUSES = ("CREATED", "DELIVERED")
FAILED_STATUSES = ("FAILED", "DECLINED", "REVOKED", "CANCELED", "DELETED")


@dataclass(frozen=True, slots=True)
class EsfProblem:
    """One ESF error: ``code`` as ИС ЭСФ names it (``INCORRECT_TOTAL_SUM`` …), the field, ESF's own text."""

    code: str
    field: str | None = None
    text: str = ""

    def to_json(self) -> list[str]:
        return [self.code, self.field or "", self.text]

    @classmethod
    def from_json(cls, raw: Any) -> EsfProblem:
        items = [str(x) for x in raw] if isinstance(raw, list | tuple) else [str(raw)]
        items += ["", ""]
        return cls(items[0], items[1] or None, items[2])


@dataclass(frozen=True, slots=True)
class PreparedInvoice:
    """An invoice ready to sign: the ``InvoiceV2`` body exactly as it will be uploaded, the payload the signer signs,
    and what the local checks found (empty when ИС ЭСФ is expected to accept it)."""

    body: str
    payload: bytes
    problems: tuple[EsfProblem, ...] = ()


@dataclass(frozen=True, slots=True)
class EsfAnswer:
    """ИС ЭСФ's view of one invoice: its internal id, the status, the registration number once ``CREATED``, the
    errors of a declined or failed one, and whether an upload found the invoice already there (a repeat)."""

    invoice_id: int | None
    status: str
    registration_number: str | None = None
    problems: tuple[EsfProblem, ...] = ()
    already_registered: bool = False
    certificate: str = ""  # the signer's certificate an upload was made with (kept for later status reads)


class InvoiceBuilder(Protocol):
    """Build the ESF of a document mapping (``core.documents.esf_mapping`` with the ESF number and date set)."""

    def prepare(self, mapping: Mapping[str, Any], seller_tin: str) -> PreparedInvoice:
        """Never raises for bad data: a document the builder cannot read comes back with problems."""
        ...


class EsfGateway(Protocol):
    """ИС ЭСФ for one seller: ``iin`` is the ИП (login and ТИН), ``certificate`` the signer's certificate (Base64
    DER) from the signed payload. ``EffectUnavailable`` when ИС ЭСФ cannot be reached (nothing happened)."""

    async def upload(self, iin: str, body: str, signed_payload: bytes) -> EsfAnswer:
        """Upload the signed invoice; a repeat of an already uploaded one answers that invoice (idempotent)."""
        ...

    async def status(self, iin: str, certificate: str, invoice_id: int) -> EsfAnswer: ...


@dataclass(slots=True)
class EsfPorts:
    """Filled in by ``dialogs.adapters.esf``; ``None`` in ``EffectServices`` means the flow answers «недоступно»."""

    builder: InvoiceBuilder
    gateway: EsfGateway
    phone: PhoneSigning
    kept: KeptSigning | None = None
    allow_test_iin: bool = False  # local mode with the NCA test keys
