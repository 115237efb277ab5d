"""The real transport: ИС СОНО's form-reception API over the e-Gov transport gateway (ШЭП / Smart Bridge) — a stub.

What it needs (integrations.md §2.1, §2.5; docs/filings.md): a Smart Bridge application by a legal entity, IPSec VPN
to ШЭП with a static public IP and a PSK from АО НИТ, the participant's ``senderId``/``password``, WS-Security signing
of each message with the participant's ГОСТ key, and the services SONO_FNO_SEND (KGD-S-0363) and SONO_FNO_GET_STATUS
(KGD-S-0362). The generic SyncChannel envelope is known and built here; the ``data`` payload of the two services is
not published (KGD's "Документация.7z" reportedly holds ``responce.xsd``), so ``ShepTaxCabinet`` raises
``NotImplementedError`` until that is obtained. It plugs in wherever a ``TaxCabinet`` is injected.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from lxml import etree

from integrations.tax_cabinet.base import ExplanationStatus, Notice, Submission, SubmissionStatus

SYNC_TYPES = "http://bip.bee.kz/SyncChannel/v10/Types"
SEND_SERVICE = "SONO_FNO_SEND"  # KGD-S-0363
STATUS_SERVICE = "SONO_FNO_GET_STATUS"  # KGD-S-0362
UNKNOWN_PAYLOAD = (
    "the data payload of SONO_FNO_SEND / SONO_FNO_GET_STATUS is not published; see docs/filings.md 'Real transport'"
)


@dataclass(frozen=True, slots=True)
class ShepSettings:
    """The participant's ШЭП credentials (the password is a secret: never logged, kept in settings as SecretStr)."""

    endpoint: str
    sender_id: str
    password: str = field(repr=False)


def sync_envelope(service_id: str, data: etree._Element, settings: ShepSettings, *, now: dt.datetime) -> bytes:
    """``SendMessage`` of the generic SyncChannel WSDL (integrations.md §2.5), unsigned (WS-Security comes later)."""
    root = etree.Element(f"{{{SYNC_TYPES}}}SendMessage", nsmap={"ns": SYNC_TYPES})
    request = etree.SubElement(root, "request")
    info = etree.SubElement(request, "requestInfo")
    etree.SubElement(info, "messageId").text = str(uuid.uuid4())
    etree.SubElement(info, "serviceId").text = service_id
    etree.SubElement(info, "messageDate").text = now.isoformat(timespec="seconds")
    sender = etree.SubElement(info, "sender")
    etree.SubElement(sender, "senderId").text = settings.sender_id
    etree.SubElement(sender, "password").text = settings.password
    holder = etree.SubElement(etree.SubElement(request, "requestData"), "data")
    holder.append(data)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


class ShepTaxCabinet:
    """``TaxCabinet`` over ШЭП — not implemented: the services' payloads and access are not available yet."""

    def __init__(self, settings: ShepSettings) -> None:
        self.settings = settings

    def __repr__(self) -> str:  # never show the password
        return f"ShepTaxCabinet(endpoint={self.settings.endpoint!r}, sender_id={self.settings.sender_id!r})"

    async def submit(self, signed_xml: bytes, idempotency_key: str) -> Submission:
        raise NotImplementedError(f"{SEND_SERVICE}: {UNKNOWN_PAYLOAD}")

    async def status(self, registration_number: str) -> SubmissionStatus:
        raise NotImplementedError(f"{STATUS_SERVICE}: {UNKNOWN_PAYLOAD}")

    async def list_notices(self, since: dt.datetime | None = None, iin: str | None = None) -> list[Notice]:
        raise NotImplementedError(f"{STATUS_SERVICE} (notifications): {UNKNOWN_PAYLOAD}")

    async def get_notice(self, notice_id: str) -> Notice:
        raise NotImplementedError(f"{STATUS_SERVICE} (notifications): {UNKNOWN_PAYLOAD}")

    async def send_explanation(self, signed_xml: bytes, idempotency_key: str) -> ExplanationStatus:
        raise NotImplementedError(f"{SEND_SERVICE} (explanations): {UNKNOWN_PAYLOAD}")

    async def explanation_status(self, registration_number: str) -> ExplanationStatus:
        raise NotImplementedError(f"{STATUS_SERVICE} (explanations): {UNKNOWN_PAYLOAD}")
