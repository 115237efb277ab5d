"""``EsfPorts`` bound to ``integrations.esf``: the ``InvoiceV2`` builder and its checks, the zeep client on the
official WSDLs (one session per seller, reused), and — for local mode and tests — the ESF sandbox in process.

Uploads are idempotent the way ``integrations.esf.flow.register_invoice`` is: when ИС ЭСФ answers
``NOT_UNIQUE_NUMBER_AND_DATE`` for an invoice whose content is the one already registered (a replay after a crash
between the upload and our commit), the invoice found by its number and date is answered instead of an error.

The integrations are imported lazily (as in ``dialogs.services``): the dialogs stay importable without them.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from dialogs.effects.esf_ports import EsfAnswer, EsfPorts, EsfProblem, PreparedInvoice
from dialogs.effects.ports import EffectUnavailable, KeptSigning, PhoneSigning

LOCAL_BASE_URL = "http://esf.local/esf-web/ws/api1"  # the in-process sandbox's address (never leaves the process)
LOCAL_QUEUE_DELAY = dt.timedelta(seconds=2)  # local mode: IN_QUEUE → IN_PROCESSING
LOCAL_PROCESSING_DELAY = dt.timedelta(seconds=3)  # local mode: IN_PROCESSING → CREATED, seconds after the upload


def _problems(errors: Any) -> tuple[EsfProblem, ...]:
    return tuple(EsfProblem(e.error_code, e.property, e.text) for e in errors)


class EsfInvoiceBuilder:
    """``InvoiceBuilder`` over ``integrations.esf``: ``EsfDocument.from_mapping`` → ``build_invoice`` → the local
    checks (the sandbox's ФЛК) → the signing payload (``integrations.esf.signature.signing_payload``)."""

    def __init__(self, *, test_tins: frozenset[str] = frozenset(), today: Callable[[], dt.date] | None = None) -> None:
        self.test_tins = test_tins
        self.today = today

    def prepare(self, mapping: Mapping[str, Any], seller_tin: str) -> PreparedInvoice:
        from integrations.esf import CheckContext, DocumentError, EsfDocument, build_invoice, check_invoice
        from integrations.esf.signature import signing_payload

        try:
            document = EsfDocument.from_mapping(dict(mapping))
        except DocumentError as exc:
            where = str(exc).split(":", 1)[0]
            return PreparedInvoice("", b"", (EsfProblem("DOCUMENT_INCOMPLETE", where, str(exc)),))
        body = build_invoice(document)
        context = CheckContext(
            session_tin=seller_tin, today=self.today() if self.today else None, test_tins=self.test_tins
        )
        problems = _problems(check_invoice(body, context))
        text = body.decode("utf-8")
        return PreparedInvoice(text, signing_payload(text), problems)


class EsfAccounts(Protocol):
    """Who opens the ESF session for a seller: ``EsfCredentials`` (login = ИИН, the ESF password, the AUTH
    certificate), or ``None`` when the user has not connected an ESF account."""

    def credentials(self, iin: str, certificate: str) -> Any: ...


@dataclass
class SandboxAccounts:
    """``EsfAccounts`` for the in-process sandbox: every seller gets a sandbox account on first use, and the
    signer's certificate stands for the AUTH certificate (the sandbox accepts a signing key for ``createSession``)."""

    sandbox: Any  # integrations.esf.sandbox.EsfSandbox
    _passwords: dict[str, str] = field(default_factory=dict)

    def credentials(self, iin: str, certificate: str) -> Any:
        from pydantic import SecretStr

        from integrations.esf import EsfCredentials
        from integrations.esf.sandbox import SandboxUser

        password = self._passwords.get(iin)
        if password is None:
            password = self._passwords[iin] = secrets.token_urlsafe(12)
            self.sandbox.users[iin] = SandboxUser(iin, password, frozenset({iin}))
        return EsfCredentials(iin, SecretStr(password), iin, certificate)


class EsfClientGateway:
    """``EsfGateway`` over ``AsyncEsfClient``: one client (and so one ESF session, re-opened when closed) per seller
    and certificate, kept for the life of the process."""

    def __init__(self, base_url: str, accounts: EsfAccounts, *, http: Any = None, timeout: float = 30.0) -> None:
        self.base_url = base_url
        self.accounts = accounts
        self.http = http
        self.timeout = timeout
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def _client(self, iin: str, certificate: str) -> Any:
        from integrations.esf import AsyncEsfClient, EsfClient

        with self._lock:
            found = self._clients.get((iin, certificate))
            if found is None:
                credentials = self.accounts.credentials(iin, certificate)
                if credentials is None:
                    raise EffectUnavailable("esf_account")
                sync = EsfClient(self.base_url, credentials, http=self.http, timeout=self.timeout)
                found = self._clients[(iin, certificate)] = AsyncEsfClient(sync)
            return found

    async def upload(self, iin: str, body: str, signed_payload: bytes) -> EsfAnswer:
        from integrations.esf import EsfApiError, EsfUnavailableError
        from integrations.esf.flow import DUPLICATE, content_key
        from integrations.esf.signature import signed_invoice_from_payload
        from integrations.esf.validator import parse_invoice_xml
        from integrations.signing import SigningError

        try:
            signed = signed_invoice_from_payload(body, signed_payload)
        except SigningError as exc:
            return EsfAnswer(None, "DECLINED", problems=(EsfProblem(exc.code.upper(), "signature", str(exc)),))
        client = self._client(iin, signed.certificate)
        try:
            result = await client.sync_invoices([signed])
            if result.accepted:
                accepted = result.accepted[0]
                return EsfAnswer(accepted.invoice_id, "IN_QUEUE", certificate=signed.certificate)
            declined = result.declined[0]
            if {e.error_code for e in declined.errors} == {DUPLICATE}:
                root = parse_invoice_xml(body)
                key = ((root.findtext("num") or "").strip(), (root.findtext("date") or "").strip())
                for record in await client.invoices_by_key([key]):
                    if record.status not in ("FAILED", "DELETED") and content_key(record.body) == content_key(body):
                        return EsfAnswer(
                            record.invoice_id,
                            record.status or "IN_QUEUE",
                            record.registration_number,
                            already_registered=True,
                            certificate=signed.certificate,
                        )
            return EsfAnswer(None, "DECLINED", problems=_problems(declined.errors), certificate=signed.certificate)
        except EsfUnavailableError as exc:
            raise EffectUnavailable(exc.code) from None
        except EsfApiError as exc:  # a refused session (password, certificate): the invoice was not taken
            return EsfAnswer(None, "DECLINED", problems=(EsfProblem(exc.code, None, exc.description),))

    async def status(self, iin: str, certificate: str, invoice_id: int) -> EsfAnswer:
        from integrations.esf import EsfApiError, EsfUnavailableError

        client = self._client(iin, certificate)
        try:
            found = await client.summaries_by_id([invoice_id])
            if not found:
                return EsfAnswer(invoice_id, "IN_QUEUE")
            summary = found[0]
            status = summary.status or "IN_QUEUE"
            problems: tuple[EsfProblem, ...] = ()
            if status == "FAILED":
                errors = await client.errors_by_id([invoice_id])
                problems = _problems(errors.get(invoice_id, ()))
            return EsfAnswer(
                invoice_id, status, summary.registration_number, problems=problems, certificate=certificate
            )
        except EsfUnavailableError as exc:
            raise EffectUnavailable(exc.code) from None
        except EsfApiError as exc:
            raise EffectUnavailable(exc.code) from None


class InProcessTransport:
    """A ``requests`` adapter that hands each SOAP POST to the in-process ESF sandbox (``server.dispatch``): zeep,
    its transport and the official WSDLs are the same as against esf.gov.kz; only the socket is skipped."""

    def __init__(self, sandbox: Any) -> None:
        self.sandbox = sandbox
        self._lock = threading.Lock()

    def session(self) -> Any:
        import requests

        adapter = _adapter(self)
        http = requests.Session()
        http.mount(LOCAL_BASE_URL.split("/esf-web", 1)[0] + "/", adapter)
        return http


def _adapter(transport: InProcessTransport) -> Any:
    import requests
    from requests.adapters import BaseAdapter

    from integrations.esf.server import dispatch

    class _Adapter(BaseAdapter):
        def send(  # the in-process sandbox needs none of the network options
            self,
            request: requests.PreparedRequest,
            stream: bool = False,
            timeout: float | tuple[float | None, float | None] | None = None,
            verify: bool | str = True,
            cert: str | tuple[str, str] | None = None,
            proxies: dict[str, str] | None = None,
        ) -> requests.Response:
            service = str(request.url).rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
            body = request.body or b""
            payload = body if isinstance(body, bytes) else str(body).encode("utf-8")
            with transport._lock:
                status, answer = dispatch(transport.sandbox, service, payload)
            response = requests.Response()
            response.status_code = status
            response._content = answer
            response.headers["Content-Type"] = "text/xml; charset=utf-8"
            response.url = str(request.url)
            response.request = request
            response.encoding = "utf-8"
            return response

        def close(self) -> None:
            return None

    return _Adapter()


def esf_ports(
    gateway: EsfClientGateway,
    phone: PhoneSigning,
    kept: KeptSigning | None = None,
    *,
    test_mode: bool = False,
    today: Callable[[], dt.date] | None = None,
) -> EsfPorts:
    """The ports over ``gateway``; ``test_mode`` tolerates the NCA/ESF test identities (never in production)."""
    from integrations.esf.sandbox import TEST_TINS

    builder = EsfInvoiceBuilder(test_tins=TEST_TINS if test_mode else frozenset(), today=today)
    return EsfPorts(builder, gateway, phone, kept, allow_test_iin=test_mode)


@dataclass
class LocalEsf:
    """The ESF sandbox of local mode and the ports over it (see ``local_esf``)."""

    sandbox: Any  # integrations.esf.sandbox.EsfSandbox
    ports: EsfPorts


def local_esf(
    phone: PhoneSigning,
    policy: Any,
    *,
    test_mode: bool = False,
    kept: KeptSigning | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    follow: Any = None,
    queue_delay: dt.timedelta | None = None,
    processing_delay: dt.timedelta | None = None,
) -> LocalEsf:
    """Local mode: the ESF sandbox in process, trusting ``policy`` (the local signing's ``SandboxPolicy``, so the
    simulated phone's keys and — in test mode — the NCA test keys are accepted), reached by the real zeep client.

    ``follow`` (the local ``EgovMobileService``): ИС ЭСФ reads the time from that service's clock at each call, so
    local mode has one clock, and a test that swaps the signing service's clock moves the ESF statuses with it."""
    from integrations.esf.sandbox import EsfSandbox, SandboxConfig, system_clock

    config = SandboxConfig(
        allow_test_keys=test_mode,
        queue_delay=queue_delay or LOCAL_QUEUE_DELAY,
        processing_delay=processing_delay or LOCAL_PROCESSING_DELAY,
    )

    def followed() -> dt.datetime:
        source = getattr(follow, "_clock", None)
        return source() if callable(source) else system_clock()

    sandbox = EsfSandbox([], config=config, clock=clock or followed)
    sandbox.policy = policy
    gateway = EsfClientGateway(LOCAL_BASE_URL, SandboxAccounts(sandbox), http=InProcessTransport(sandbox).session())
    return LocalEsf(sandbox, esf_ports(gateway, phone, kept, test_mode=test_mode))
