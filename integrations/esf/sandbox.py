"""The ESF sandbox's state and rules (§1.10): users, sessions, ``syncInvoice``, the status life cycle, queries.

No I/O here: ``integrations/esf/server.py`` speaks SOAP over it. Time comes from an injected clock, so tests move
invoices ``IN_QUEUE → IN_PROCESSING → CREATED | FAILED`` by advancing it — nothing sleeps, nothing runs in the
background: every call first applies the transitions that are due.

Behaviour that is inferred rather than documented ([G] in §1) is configurable in ``SandboxConfig``.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from cryptography import x509
from lxml import etree

from integrations.esf.errors import (
    EsfAccessDeniedError,
    EsfApiError,
    EsfBusinessError,
    EsfSecurityError,
    EsfSessionClosedError,
)
from integrations.esf.invoice import VERSION
from integrations.esf.signature import rebuild_signed_payload
from integrations.esf.validator import CheckContext, EsfError, check_element, parse_invoice_xml
from integrations.signing.certificates import subject_iin
from integrations.signing.policy import CertificatePolicy
from integrations.signing.revocation import ChainedRevocation, LocalRevocationList, SandboxOcsp
from integrations.signing.trust import trust
from integrations.signing.xmldsig import verify_xml

KZ_TIME = dt.timezone(dt.timedelta(hours=5), "Asia/Almaty")  # UTC+05:00 since 2024-03-01 (§1.1)
SessionStatus = Literal["OK", "CLOSED", "NOT_FOUND"]
TEST_TINS = frozenset({*trust().test_iins, "123456789021"})  # NCA/ESF test ИИН and БИН (integrations.md §6.1)
GOST_2015_KEY_OID = "1.2.398.3.10.1.1.2."  # НУЦ РК GOST 34.10-2015 key algorithms (integrations.md §3.2)
_POLICY_CODES = {
    "expired": "CERTIFICATE_EXPIRED",
    "not_yet_valid": "CERTIFICATE_NOT_YET_VALID",
    "revoked": "CERTIFICATE_REVOKED",
    "not_signing_key": "CERTIFICATE_IS_NOT_FOR_SIGNING",
    "bad_iin": "IIN_NOT_VALID",
    "no_iin": "IIN_NOT_VALID",
    "test_key": "CERTIFICATE_NOT_VALID",
    "unknown_issuer": "CERTIFICATE_NOT_VALID",
    "malformed": "SIGNATURE_INVALID_FORMAT",
    "signature_count": "SIGNATURE_INVALID_FORMAT",
    "reference": "SIGNATURE_INVALID_FORMAT",
    "bad_signature": "SIGNATURE_VERIFICATION_FAILED",
}


class ManualClock:
    """A clock tests move by hand."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        self._now = start

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += dt.timedelta(**delta)


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class SandboxUser:
    """An ESF account: login = the person's ИИН, the ESF password, the ИИН/БИН it may act for."""

    login: str
    password: str
    tins: frozenset[str]


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """Knobs for what §1 leaves open."""

    allow_test_keys: bool = False  # accept the NCA test CA and test identities (never in production mode)
    session_idle: dt.timedelta = dt.timedelta(minutes=30)  # [G] idle expiry of a session
    queue_delay: dt.timedelta = dt.timedelta(seconds=5)  # IN_QUEUE → IN_PROCESSING
    processing_delay: dt.timedelta = dt.timedelta(seconds=10)  # IN_PROCESSING → CREATED | FAILED
    known_taxpayers: frozenset[str] | None = None  # the taxpayer dictionary; None = everyone is known
    page_size: int = 50
    first_invoice_id: int = 1_000_001


@dataclass
class Session:
    session_id: str
    user: SandboxUser
    tin: str
    certificate: x509.Certificate
    last_used: dt.datetime
    closed: bool = False


@dataclass(frozen=True, slots=True)
class Upload:
    """One ``invoiceUploadInfo``."""

    invoice_body: str
    version: str
    signature: str
    signature_type: str


@dataclass(frozen=True, slots=True)
class StandardResponse:
    """A ``standardResponse`` entry of ``acceptedSet`` / ``declinedSet``."""

    num: str
    date: str
    invoice_id: int | None = None
    errors: tuple[EsfError, ...] = ()


@dataclass
class StoredInvoice:
    invoice_id: int
    seller_tin: str
    customer_tin: str | None
    num: str
    date: str
    issue_date: dt.date
    body: str
    signature: str
    signature_type: str
    certificate: str
    input_date: dt.datetime
    status: str = "IN_QUEUE"
    last_update: dt.datetime = field(default_factory=system_clock)
    registration_number: str | None = None
    errors: tuple[EsfError, ...] = ()
    history: list[tuple[str, dt.datetime]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class QueryPage:
    """``QueryInvoiceResponse``: one page."""

    invoices: tuple[StoredInvoice, ...]
    curr_page: int
    last_block: bool
    rs_count: int


def _certificate(b64: str) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(base64.b64decode("".join(b64.split()), validate=True))
    except ValueError:
        raise EsfAccessDeniedError("CERTIFICATE_INVALID_FORMAT", "x509Certificate: Base64 DER") from None


class EsfSandbox:
    """A local ИС ЭСФ: the same operations, statuses and error codes as §1.2–§1.7."""

    def __init__(
        self,
        users: Iterable[SandboxUser],
        *,
        config: SandboxConfig | None = None,
        clock: Callable[[], dt.datetime] = system_clock,
        ocsp: SandboxOcsp | None = None,
    ) -> None:
        self.config = config or SandboxConfig()
        self.clock = clock
        self.users = {u.login: u for u in users}
        self.ocsp = ocsp or SandboxOcsp()
        self.policy = CertificatePolicy(
            allow_test_keys=self.config.allow_test_keys,
            revocation=ChainedRevocation(LocalRevocationList(), self.ocsp),
            clock=clock,
        )
        self.sessions: dict[str, Session] = {}
        self.invoices: dict[int, StoredInvoice] = {}
        self._ids = itertools.count(self.config.first_invoice_id)
        self._registration_seq = itertools.count(1)
        self.calls = 0  # per-day call counter (§1.1: about 3000 a day per IP)

    # sessions -------------------------------------------------------------------------------------------------

    def authenticate(self, login: str | None, password: str | None) -> SandboxUser:
        """The WS-Security ``UsernameToken`` check (``SecurityError`` fault otherwise)."""
        user = self.users.get(login or "")
        if user is None or password is None or not secrets.compare_digest(user.password, password):
            raise EsfSecurityError("SecurityError", "")
        return user

    def _check_certificate(self, cert: x509.Certificate, *, for_auth: bool) -> None:
        for problem in self.policy.problems(cert):
            if for_auth and problem.code == "not_signing_key":
                continue  # an AUTH key is what createSession wants
            raise EsfAccessDeniedError(_POLICY_CODES.get(problem.code, "CERTIFICATE_NOT_VALID"), problem.message)

    def create_session(self, user: SandboxUser, tin: str, x509_certificate: str) -> str:
        """``createSession``: the certificate must be valid and the user's own, the ТИН one the user acts for."""
        self.calls += 1
        cert = _certificate(x509_certificate)
        if cert.public_key_algorithm_oid.dotted_string.startswith(GOST_2015_KEY_OID):
            # since 1 Aug 2023 the legacy createSession refuses GOST-2015 keys (§1.3): they need the ticket flow
            raise EsfBusinessError(
                "METHOD_NOT_SUPPORT_GOST_2015", "Ключ ГОСТ 2015: вход только через подписанный тикет"
            )
        self._check_certificate(cert, for_auth=True)
        if subject_iin(cert) != user.login:
            raise EsfAccessDeniedError("IIN_NOT_VALID", "ИИН сертификата не совпадает с логином пользователя")
        if tin not in user.tins:
            raise EsfAccessDeniedError("ENTERPRISE_NOT_FOUND_FOR_USER", f"Пользователь не действует от имени {tin}")
        session_id = f"{secrets.token_hex(16)}-{tin}-"
        self.sessions[session_id] = Session(session_id, user, tin, cert, self.clock())
        return session_id

    def session_status(self, session_id: str) -> SessionStatus:
        """``currentSessionStatus``."""
        session = self.sessions.get(session_id)
        if session is None:
            return "NOT_FOUND"
        if session.closed or self.clock() - session.last_used > self.config.session_idle:
            session.closed = True
            return "CLOSED"
        return "OK"

    def close_session(self, session_id: str) -> SessionStatus:
        """``closeSession``: the status after closing (``CLOSED``, or ``NOT_FOUND``)."""
        session = self.sessions.get(session_id)
        if session is None:
            return "NOT_FOUND"
        session.closed = True
        return "CLOSED"

    def session(self, session_id: str) -> Session:
        """The open session (touched), or ``SessionClosedException``."""
        self.calls += 1
        if self.session_status(session_id) != "OK":
            raise EsfSessionClosedError("SESSION_CLOSED", "Сессия закрыта или не найдена")
        session = self.sessions[session_id]
        session.last_used = self.clock()
        self.advance()
        return session

    # syncInvoice ----------------------------------------------------------------------------------------------

    def _is_registered(self, tin: str, num: str, date: str) -> bool:
        return any(
            inv.seller_tin == tin and inv.num == num and inv.date == date and inv.status not in ("FAILED", "DELETED")
            for inv in self.invoices.values()
        )

    def _signature_errors(self, upload: Upload, session: Session, certificate: str) -> list[EsfError]:
        """The signature over the body (``integrations.esf.signature``), the signer's certificate and ИИН."""
        signed = rebuild_signed_payload(upload.invoice_body, upload.signature, certificate)
        result = verify_xml(signed, self.policy)
        if not result.valid:
            first = result.errors[0].split(":", 1)[0] if result.errors else ""
            code = _POLICY_CODES.get(first, "SIGNATURE_VERIFICATION_FAILED")
            return [EsfError("signature", code, "; ".join(result.errors))]
        if result.signer is None or result.signer.iin != session.user.login:
            return [EsfError("signature", "IIN_NOT_VALID", "ЭСФ подписан не пользователем сессии")]
        return []

    def _check_upload(self, upload: Upload, session: Session, certificate: str) -> tuple[list[EsfError], str, str]:
        try:
            root = parse_invoice_xml(upload.invoice_body)
        except (etree.XMLSyntaxError, ValueError) as exc:
            return [EsfError("invoiceBody", "WRONG_XML_FORMAT", str(exc).splitlines()[0])], "", ""
        num, date = (root.findtext("num") or "").strip(), (root.findtext("date") or "").strip()
        if upload.version != VERSION:
            return [EsfError("version", "INVALID_INVOICE_VERSION", f"Поддерживается {VERSION}")], num, date
        if upload.signature_type not in ("COMPANY", "OPERATOR"):
            return [EsfError("signatureType", "FIELD_INVALID", "COMPANY или OPERATOR")], num, date
        if len(upload.signature) > 400:
            return [EsfError("signature", "SIGNATURE_INVALID_FORMAT", "Подпись длиннее 400 знаков")], num, date
        errors = self._signature_errors(upload, session, certificate)
        if errors:
            return errors, num, date
        context = CheckContext(
            session_tin=session.tin,
            today=self.clock().astimezone(KZ_TIME).date(),
            is_registered=self._is_registered,
            test_tins=TEST_TINS if self.config.allow_test_keys else frozenset(),
        )
        return check_element(root, context), num, date

    def _store(self, upload: Upload, root: etree._Element, certificate: str) -> StoredInvoice:
        now = self.clock()
        num, date = (root.findtext("num") or "").strip(), (root.findtext("date") or "").strip()
        invoice = StoredInvoice(
            invoice_id=next(self._ids),
            seller_tin=(root.findtext("sellers/seller/tin") or "").strip(),
            customer_tin=(root.findtext("customers/customer/tin") or "").strip() or None,
            num=num,
            date=date,
            issue_date=dt.datetime.strptime(date, "%d.%m.%Y").date(),
            body=upload.invoice_body,
            signature="".join(upload.signature.split()),
            signature_type=upload.signature_type,
            certificate="".join(certificate.split()),
            input_date=now,
            last_update=now,
            history=[("IN_QUEUE", now)],
        )
        self.invoices[invoice.invoice_id] = invoice
        return invoice

    def sync_invoice(
        self, session_id: str, uploads: Sequence[Upload], x509_certificate: str
    ) -> tuple[list[StandardResponse], list[StandardResponse]]:
        """``syncInvoice``: (acceptedSet, declinedSet). Accepted invoices are queued; declined are not stored."""
        session = self.session(session_id)
        _certificate(x509_certificate)
        accepted: list[StandardResponse] = []
        declined: list[StandardResponse] = []
        for upload in uploads:
            errors, num, date = self._check_upload(upload, session, x509_certificate)
            if errors:
                declined.append(StandardResponse(num, date, None, tuple(errors)))
                continue
            invoice = self._store(upload, parse_invoice_xml(upload.invoice_body), x509_certificate)
            accepted.append(StandardResponse(invoice.num, invoice.date, invoice.invoice_id))
        return accepted, declined

    # life cycle -----------------------------------------------------------------------------------------------

    def _heavy_checks(self, invoice: StoredInvoice) -> tuple[EsfError, ...]:
        known = self.config.known_taxpayers
        if known is not None and invoice.customer_tin and invoice.customer_tin not in known:
            return (
                EsfError(
                    "customers.customer[0].tin",
                    "CUSTOMER_TIN_ABSENT_IN_DICTIONARY",
                    f"Получатель {invoice.customer_tin} не найден в справочнике налогоплательщиков",
                ),
            )
        return ()

    def _set_status(self, invoice: StoredInvoice, status: str, moment: dt.datetime) -> None:
        invoice.status = status
        invoice.last_update = moment
        invoice.history.append((status, moment))

    def advance(self) -> None:
        """Apply every transition that is due on the clock, in the order they fall due."""
        now = self.clock()
        for invoice in sorted(self.invoices.values(), key=lambda i: (i.input_date, i.invoice_id)):
            started = invoice.input_date + self.config.queue_delay
            if invoice.status == "IN_QUEUE" and now >= started:
                self._set_status(invoice, "IN_PROCESSING", started)
            finished = started + self.config.processing_delay
            if invoice.status == "IN_PROCESSING" and now >= finished:
                invoice.errors = self._heavy_checks(invoice)
                if invoice.errors:
                    self._set_status(invoice, "FAILED", finished)
                    continue
                seq = next(self._registration_seq)
                # [G] the real format is not documented; this one keeps the seller, the day and a sequence
                invoice.registration_number = (
                    f"ESF-{invoice.seller_tin}-{finished.astimezone(KZ_TIME):%Y%m%d}-{seq:06d}"
                )
                self._set_status(invoice, "CREATED", finished)

    def deliver(self, invoice_id: int) -> None:
        """Test hook: the recipient opened a ``CREATED`` invoice → ``DELIVERED``."""
        self.advance()
        invoice = self.invoices[invoice_id]
        if invoice.status == "CREATED":
            self._set_status(invoice, "DELIVERED", self.clock())

    # queries --------------------------------------------------------------------------------------------------

    def _visible(self, session: Session, invoice: StoredInvoice) -> bool:
        return session.tin in (invoice.seller_tin, invoice.customer_tin)

    def by_ids(self, session_id: str, ids: Iterable[int]) -> list[StoredInvoice]:
        """``queryInvoiceById`` / ``…SummaryById`` / ``…ErrorById``: the session's own invoices among ``ids``."""
        session = self.session(session_id)
        found = (self.invoices.get(i) for i in ids)
        return [inv for inv in found if inv is not None and self._visible(session, inv)]

    def by_keys(self, session_id: str, keys: Iterable[tuple[str, str]], direction: str) -> list[StoredInvoice]:
        """``queryInvoiceByKey``: by (num, date dd.MM.yyyy) of the session's outbound or inbound invoices."""
        session = self.session(session_id)
        wanted = set(keys)
        side = "seller_tin" if direction == "OUTBOUND" else "customer_tin"
        return [
            inv
            for inv in self.invoices.values()
            if getattr(inv, side) == session.tin and (inv.num, inv.date) in wanted
        ]

    def query(
        self,
        session_id: str,
        *,
        direction: str,
        date_from: dt.datetime,
        date_to: dt.datetime,
        statuses: Sequence[str] = (),
        contragent_tin: str | None = None,
        page: int | None = None,
    ) -> QueryPage:
        """``queryInvoice``: by issue date, 1-based pages of ``page_size`` (``lastBlock`` on the last one)."""
        session = self.session(session_id)
        if direction not in ("INBOUND", "OUTBOUND"):
            raise EsfApiError("FIELD_INVALID", "direction: INBOUND или OUTBOUND")
        mine, other = ("seller_tin", "customer_tin") if direction == "OUTBOUND" else ("customer_tin", "seller_tin")
        start, end = date_from.astimezone(KZ_TIME).date(), date_to.astimezone(KZ_TIME).date()
        matches = [
            inv
            for inv in sorted(self.invoices.values(), key=lambda i: i.invoice_id)
            if getattr(inv, mine) == session.tin
            and start <= inv.issue_date <= end
            and (not statuses or inv.status in statuses)
            and (contragent_tin is None or getattr(inv, other) == contragent_tin)
        ]
        number = max(page or 1, 1)
        size = self.config.page_size
        chunk = matches[(number - 1) * size : number * size]
        return QueryPage(tuple(chunk), number, number * size >= len(matches), len(matches))
