"""The eGov mobile QR signing protocol, without any HTTP framework (the aiohttp sub-app is in ``app.py``).

API 1 (``GET {base}/requests/{id}``) answers ``{description, expiry_date, organisation{nameRu,nameKz,nameEn,bin},
document{uri, auth_type, auth_token}}``; API 2 (``document.uri``) answers ``GET`` with ``{signMethod: "XML",
documentsToSign: [{id, nameRu, nameKz, nameEn, meta, documentXml}]}`` and takes the same shape back by ``PUT`` with
each ``documentXml`` signed. Published description: mitwork/kalkan docs (steps 2.1, 3, 4) and the SIGEX QR API.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import hmac
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import segno

from integrations.signing.base import SigningContext
from integrations.signing.errors import SigningError
from integrations.signing.policy import CertificatePolicy, utc_now
from integrations.signing.xmldsig import unsigned_content, verify_xml

_DOCUMENT_ID = "1"


@dataclass(frozen=True, slots=True)
class EgovLinks:
    """How eGov mobile is opened: the QR prefix and the deep-link templates (``%s`` = URL-encoded API 1 URL)."""

    qr_prefix: str = "mobileSign:"
    mobile: str = "https://mgovsign.page.link/?link=%s&isi=1476128386&ibi=kz.egov.mobile&apn=kz.mobile.mgov"
    business: str = "https://egovbusiness.page.link/?link=%s&isi=1597880144&ibi=kz.mobile.mgov.business&apn=kz.mobile.mgov.business"


@dataclass(frozen=True, slots=True)
class Organisation:
    """The requesting organisation shown in the app."""

    name_ru: str = "asistent"
    name_kz: str = "asistent"
    name_en: str = "asistent"
    bin: str = ""


@dataclass(frozen=True, slots=True)
class SignRequest:
    """What the chat shows: the deep link (button), the QR image, and when it expires."""

    id: str
    deep_link: str
    business_link: str
    qr_text: str
    qr_png: bytes
    expires_at: dt.datetime
    service_url: str


class RequestState(enum.StrEnum):
    PENDING = "pending"
    SIGNED = "signed"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class SignStatus:
    """Poll answer: the state and, once signed, the signed XML."""

    state: RequestState
    signed_xml: bytes | None = None


class EgovApiError(Exception):
    """An answer to eGov mobile other than 200: HTTP status and a short message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class _Pending:
    id: str
    token: str
    xml: bytes
    context: SigningContext
    expires_at: dt.datetime
    state: RequestState = RequestState.PENDING
    signed_xml: bytes | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)


def qr_png(text: str) -> bytes:
    """A PNG QR code of ``text`` (segno)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


class EgovMobileService:
    """Holds pending sign requests and answers API 1 and API 2; the signed XML is verified before it is accepted."""

    def __init__(
        self,
        base_url: str,
        policy: CertificatePolicy,
        organisation: Organisation | None = None,
        ttl: dt.timedelta = dt.timedelta(minutes=10),
        clock: Callable[[], dt.datetime] = utc_now,
        links: EgovLinks | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._policy = policy
        self._organisation = organisation or Organisation()
        self._ttl = ttl
        self._clock = clock
        self._links = links or EgovLinks()
        self._requests: dict[str, _Pending] = {}

    @property
    def links(self) -> EgovLinks:
        """How the deep link and the QR open eGov mobile (local mode points them at the phone simulator)."""
        return self._links

    @links.setter
    def links(self, value: EgovLinks) -> None:
        self._links = value

    def context(self, request_id: str) -> SigningContext | None:
        """The signing context of a request (title, expected ИИН), or None for an unknown one."""
        pending = self._requests.get(request_id)
        return pending.context if pending is not None else None

    def service_url(self, request_id: str) -> str:
        return f"{self.base_url}/requests/{request_id}"

    def documents_url(self, request_id: str) -> str:
        return f"{self.base_url}/requests/{request_id}/documents"

    def create(self, xml: bytes, context: SigningContext) -> SignRequest:
        """Register a document to be signed on the phone."""
        unsigned_content(xml)  # refuse malformed XML now, not on the phone
        request_id = secrets.token_urlsafe(16)
        pending = _Pending(request_id, secrets.token_urlsafe(24), xml, context, self._clock() + self._ttl)
        self._requests[request_id] = pending
        url = self.service_url(request_id)
        qr_text = f"{self._links.qr_prefix}{url}"
        return SignRequest(
            id=request_id,
            deep_link=self._links.mobile % quote(url, safe=""),
            business_link=self._links.business % quote(url, safe=""),
            qr_text=qr_text,
            qr_png=qr_png(qr_text),
            expires_at=pending.expires_at,
            service_url=url,
        )

    def _live(self, request_id: str) -> _Pending:
        pending = self._requests.get(request_id)
        if pending is None:
            raise EgovApiError(404, "unknown sign request")
        if pending.state is RequestState.PENDING and self._clock() > pending.expires_at:
            self._expire(pending)
        if pending.state is RequestState.EXPIRED:
            raise EgovApiError(410, "sign request expired")
        return pending

    def _authorise(self, pending: _Pending, authorization: str | None) -> None:
        expected = f"Bearer {pending.token}"
        if not authorization or not hmac.compare_digest(authorization.encode(), expected.encode()):
            raise EgovApiError(401, "bad or missing token")

    def service_info(self, request_id: str) -> dict[str, Any]:
        """API 1."""
        pending = self._live(request_id)
        org = self._organisation
        return {
            "description": pending.context.title_ru,
            "expiry_date": pending.expires_at.isoformat(),
            "organisation": {"nameRu": org.name_ru, "nameKz": org.name_kz, "nameEn": org.name_en, "bin": org.bin},
            "document": {"uri": self.documents_url(request_id), "auth_type": "Token", "auth_token": pending.token},
        }

    def documents(self, request_id: str, authorization: str | None) -> dict[str, Any]:
        """API 2, GET: the documents to sign."""
        pending = self._live(request_id)
        self._authorise(pending, authorization)
        context = pending.context
        return {
            "signMethod": "XML",
            "documentsToSign": [
                {
                    "id": _DOCUMENT_ID,
                    "nameRu": context.title_ru,
                    "nameKz": context.title_kk,
                    "nameEn": context.document_id,
                    "meta": [{"name": "purpose", "value": context.purpose}, {"name": "mime", "value": "text/xml"}],
                    "documentXml": pending.xml.decode("utf-8"),
                }
            ],
        }

    def submit(self, request_id: str, authorization: str | None, body: Any) -> None:
        """API 2, PUT: accept the signed documents once they verify; a repeated identical PUT is a no-op."""
        pending = self._live(request_id)
        self._authorise(pending, authorization)
        signed = self._signed_document(body)
        if pending.state is RequestState.SIGNED:
            if pending.signed_xml == signed:
                return
            raise EgovApiError(409, "already signed")
        self._check(pending, signed)
        pending.signed_xml = signed
        pending.state = RequestState.SIGNED
        pending.done.set()

    @staticmethod
    def _signed_document(body: Any) -> bytes:
        if not isinstance(body, dict) or body.get("signMethod") != "XML":
            raise EgovApiError(400, "signMethod must be XML")
        documents = body.get("documentsToSign")
        if not isinstance(documents, list) or len(documents) != 1 or not isinstance(documents[0], dict):
            raise EgovApiError(400, "exactly one document expected")
        document = documents[0]
        if str(document.get("id")) != _DOCUMENT_ID or not isinstance(document.get("documentXml"), str):
            raise EgovApiError(400, "unknown document id or no documentXml")
        return str(document["documentXml"]).encode("utf-8")

    def _check(self, pending: _Pending, signed: bytes) -> None:
        result = verify_xml(signed, self._policy)
        if not result.valid:
            raise EgovApiError(400, "signature rejected: " + "; ".join(result.errors))
        expected_iin = pending.context.expected_iin
        if expected_iin and (result.signer is None or result.signer.iin != expected_iin):
            raise EgovApiError(403, "signed by another person (IIN differs)")
        if unsigned_content(signed) != unsigned_content(pending.xml):
            raise EgovApiError(400, "the signed document differs from the one sent")

    def _expire(self, pending: _Pending) -> None:
        pending.state = RequestState.EXPIRED
        pending.done.set()

    def sweep(self) -> int:
        """Expire overdue requests (call periodically); waiters get an ``expired`` error. Returns how many."""
        now, count = self._clock(), 0
        for pending in self._requests.values():
            if pending.state is RequestState.PENDING and now > pending.expires_at:
                self._expire(pending)
                count += 1
        return count

    def status(self, request_id: str) -> SignStatus:
        pending = self._requests.get(request_id)
        if pending is None:
            raise SigningError("unknown_request", "Запрос на подпись не найден.")
        if pending.state is RequestState.PENDING and self._clock() > pending.expires_at:
            self._expire(pending)
        return SignStatus(pending.state, pending.signed_xml)

    async def wait(self, request_id: str, timeout_seconds: float | None = None) -> bytes:
        """The signed XML once the phone returns it; ``SigningError`` on expiry or timeout."""
        pending = self._requests.get(request_id)
        if pending is None:
            raise SigningError("unknown_request", "Запрос на подпись не найден.")
        try:
            await asyncio.wait_for(pending.done.wait(), timeout_seconds)
        except TimeoutError:
            raise SigningError("timeout", "Подпись не получена вовремя: отправим ссылку ещё раз.") from None
        if pending.signed_xml is None:
            raise SigningError("expired", "Ссылка на подпись устарела: отправим новую.")
        return pending.signed_xml

    def forget(self, request_id: str) -> None:
        """Drop a finished request (after the caller has stored the signed XML)."""
        self._requests.pop(request_id, None)
