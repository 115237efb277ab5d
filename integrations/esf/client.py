"""The ESF SOAP client: zeep over the official WSDLs (loaded unchanged from ``integrations/esf/wsdl``).

Each service is a zeep client whose endpoint is overridden with ``create_service`` (the WSDLs point at the test
stand). Every request carries a WS-Security 1.0 ``UsernameToken`` (``PasswordText``: login = the user's ИИН, password
= the ESF account password, §1.3). One session is created on first use, reused for every call, re-created once when
ESF says it is closed, and closed by ``close_session`` (or leaving the ``with`` block).

Session flows (§1.3): the WSDL's ``createSession`` (Flow A — the AUTH certificate, RSA keys) is what this client
sends. Flow B (``AuthService.createAuthTicket`` → sign the ticket as enveloped XMLDSig → ``createSessionSigned``,
needed for GOST-2015 keys) is not in the published WSDLs, so it is not built; ``docs/esf.md`` describes it.

Faults become typed errors (``integrations.esf.errors``): the bare code in ``faultstring``, the class from the
fault's detail element; declined invoices come back as ``Declined`` entries with their ``EsfError`` list.
zeep is synchronous: async code uses ``AsyncEsfClient`` (each call in a worker thread). zeep's transport logs whole
envelopes at DEBUG — the UsernameToken included — so that logger's DEBUG records are dropped here.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from pydantic import SecretStr
from zeep import Client, Settings
from zeep.exceptions import Error as ZeepError
from zeep.exceptions import Fault, TransportError
from zeep.helpers import serialize_object
from zeep.transports import Transport
from zeep.wsse.username import UsernameToken

from integrations.esf.errors import (
    FAULTS_BY_DETAIL,
    EsfApiError,
    EsfSecurityError,
    EsfSessionClosedError,
    EsfUnavailableError,
)
from integrations.esf.signature import SignedInvoice
from integrations.esf.validator import EsfError
from integrations.esf.wsdl import BINDINGS, wsdl_path

T = TypeVar("T")
PRODUCTION_URL = "https://esf.gov.kz:8443/esf-web/ws/api1"
TEST_STAND_URL = "https://test3.esf.kgd.gov.kz:8443/esf-web/ws/api1"


class _DropDebug(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


logging.getLogger("zeep.transports").addFilter(_DropDebug())


@dataclass(frozen=True)
class EsfCredentials:
    """Who opens the session: the user's ИИН and ESF password, the ИИН/БИН acted for, the AUTH certificate."""

    login: str
    password: SecretStr
    tin: str
    auth_certificate: str  # Base64 DER of the AUTH certificate (no PEM armour)
    business_profile_type: str | None = None  # e.g. ENTREPRENEUR; only some profiles must send it


@dataclass(frozen=True, slots=True)
class Accepted:
    """An ``acceptedSet`` entry: queued for registration under ESF's internal ``invoice_id``."""

    invoice_id: int
    num: str
    date: str


@dataclass(frozen=True, slots=True)
class Declined:
    """A ``declinedSet`` entry with its errors."""

    num: str
    date: str
    errors: tuple[EsfError, ...]


@dataclass(frozen=True, slots=True)
class SyncResult:
    accepted: tuple[Accepted, ...]
    declined: tuple[Declined, ...]


@dataclass(frozen=True, slots=True)
class InvoiceRecord:
    """An ``InvoiceInfo``: status, registration number (once ``CREATED``) and the body as registered."""

    invoice_id: int
    status: str | None
    registration_number: str | None
    input_date: dt.datetime | None
    last_update: dt.datetime | None
    body: str
    signature_valid: bool | None


@dataclass(frozen=True, slots=True)
class InvoiceSummary:
    """An ``InvoiceSummary``."""

    invoice_id: int
    num: str | None
    date: str | None
    status: str | None
    registration_number: str | None
    last_update: dt.datetime | None


@dataclass(frozen=True, slots=True)
class InvoicePage:
    """One page of ``queryInvoice``."""

    invoices: tuple[InvoiceRecord, ...]
    curr_page: int
    last_block: bool
    rs_count: int


def _errors(raw: Any) -> tuple[EsfError, ...]:
    items = _items(raw, "error")
    return tuple(
        EsfError(e.get("property"), e.get("errorCode") or "UNEXPECTED_ERROR", e.get("text") or "") for e in items
    )


def _record(raw: dict[str, Any]) -> InvoiceRecord:
    return InvoiceRecord(
        invoice_id=int(raw["invoiceId"]),
        status=raw.get("invoiceStatus"),
        registration_number=raw.get("registrationNumber"),
        input_date=raw.get("inputDate"),
        last_update=raw.get("lastUpdateDate"),
        body=raw.get("invoiceBody") or "",
        signature_valid=raw.get("signatureValid"),
    )


def _summary(raw: dict[str, Any]) -> InvoiceSummary:
    return InvoiceSummary(
        invoice_id=int(raw["invoiceId"]),
        num=raw.get("num"),
        date=raw.get("date"),
        status=raw.get("invoiceStatus"),
        registration_number=raw.get("registrationNumber"),
        last_update=raw.get("lastUpdateDate"),
    )


def _plain(value: Any) -> Any:
    return serialize_object(value, dict)  # type: ignore[no-untyped-call]


def _items(raw: Any, *path: str) -> list[dict[str, Any]]:
    """The list at ``path`` — zeep returns a response of one child as that child, so any level may be skipped."""
    for key in path:
        if isinstance(raw, dict):
            raw = raw.get(key)
    if raw is None:
        return []
    return list(raw) if isinstance(raw, list) else [raw]


def fault_to_error(fault: Fault) -> EsfApiError:
    """Map a zeep ``Fault`` onto the typed errors: SecurityError by faultcode, the rest by detail element."""
    code = (fault.message or "").strip()
    if (fault.code or "").split(":")[-1] == "SecurityError":
        return EsfSecurityError("SecurityError", code)
    detail = fault.detail
    if detail is not None:
        for child in detail:
            if not isinstance(child.tag, str):
                continue
            local = child.tag.rsplit("}", 1)[-1]
            description = "".join(child.itertext()).strip()
            return FAULTS_BY_DETAIL.get(local, EsfApiError)(code or local, description)
    return EsfApiError(code or "UNEXPECTED_ERROR", "")


class EsfClient:
    """Synchronous ESF client (zeep). ``base_url`` is the ``…/esf-web/ws/api1`` prefix of the service URLs."""

    def __init__(
        self,
        base_url: str,
        credentials: EsfCredentials,
        *,
        http: requests.Session | None = None,
        timeout: float = 30.0,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._credentials = credentials
        self._transport = Transport(  # type: ignore[no-untyped-call]
            session=http or requests.Session(), timeout=timeout, operation_timeout=timeout
        )
        self._services: dict[str, Any] = {}
        self._session_id: str | None = None
        self._lock = threading.RLock()

    def __enter__(self) -> EsfClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close_session()

    def _service(self, name: str) -> Any:
        with self._lock:
            if name not in self._services:
                password = self._credentials.password.get_secret_value()
                token = UsernameToken(self._credentials.login, password)  # type: ignore[no-untyped-call]
                client = Client(  # type: ignore[no-untyped-call]
                    str(wsdl_path(name)),
                    wsse=token,
                    transport=self._transport,
                    settings=Settings(strict=True, xml_huge_tree=False),
                )
                address = f"{self._base_url}/{name}"
                self._services[name] = client.create_service(BINDINGS[name], address)  # type: ignore[no-untyped-call]
            return self._services[name]

    def _call(self, service: str, operation: str, **kwargs: Any) -> Any:
        try:
            return getattr(self._service(service), operation)(**kwargs)
        except Fault as fault:
            raise fault_to_error(fault) from None
        except (TransportError, requests.RequestException) as exc:
            raise EsfUnavailableError("UNAVAILABLE", f"ИС ЭСФ недоступна: {type(exc).__name__}") from None
        except ZeepError as exc:
            raise EsfUnavailableError("BAD_RESPONSE", f"ответ ИС ЭСФ не по WSDL: {type(exc).__name__}") from None

    # sessions -------------------------------------------------------------------------------------------------

    @property
    def session_id(self) -> str | None:
        return self._session_id

    def open_session(self) -> str:
        """The current session, created with ``createSession`` when there is none."""
        with self._lock:
            if self._session_id is None:
                creds = self._credentials
                extra = {"businessProfileType": creds.business_profile_type} if creds.business_profile_type else {}
                result = self._call(
                    "SessionService", "createSession", tin=creds.tin, x509Certificate=creds.auth_certificate, **extra
                )
                self._session_id = str(result)
            return self._session_id

    def session_status(self) -> str:
        """``OK``, ``CLOSED`` or ``NOT_FOUND`` of the current session (``NOT_FOUND`` when none was opened)."""
        if self._session_id is None:
            return "NOT_FOUND"
        return str(self._call("SessionService", "currentSessionStatus", sessionId=self._session_id))

    def close_session(self) -> None:
        """``closeSession`` (always close: ESF limits new sessions)."""
        with self._lock:
            session_id, self._session_id = self._session_id, None
        if session_id is not None:
            self._call("SessionService", "closeSession", sessionId=session_id)

    def _with_session(self, call: Callable[[str], T]) -> T:
        session_id = self.open_session()
        try:
            return call(session_id)
        except EsfSessionClosedError:
            with self._lock:
                if self._session_id == session_id:
                    self._session_id = None
            return call(self.open_session())

    # uploads and queries --------------------------------------------------------------------------------------

    def sync_invoices(self, invoices: Sequence[SignedInvoice]) -> SyncResult:
        """``syncInvoice`` of signed invoices (one signing certificate per request)."""
        if not invoices:
            return SyncResult((), ())
        certificate = invoices[0].certificate
        if any(inv.certificate != certificate for inv in invoices):
            raise ValueError("one syncInvoice request carries one signing certificate")
        infos = [
            {
                "invoiceBody": i.body,
                "version": "InvoiceV2",
                "signature": i.signature,
                "signatureType": i.signature_type,
            }
            for i in invoices
        ]

        def call(session_id: str) -> Any:
            return self._call(
                "UploadInvoiceService",
                "syncInvoice",
                sessionId=session_id,
                invoiceUploadInfoList={"invoiceUploadInfo": infos},
                x509Certificate=certificate,
            )

        raw = _plain(self._with_session(call)) or {}
        accepted = [
            Accepted(int(r["id"]), r["num"], r["date"]) for r in _items(raw, "acceptedSet", "standardResponse")
        ]
        declined = [
            Declined(r.get("num") or "", r.get("date") or "", _errors(r.get("errors")))
            for r in _items(raw, "declinedSet", "standardResponse")
        ]
        return SyncResult(tuple(accepted), tuple(declined))

    def invoices_by_id(self, ids: Sequence[int]) -> list[InvoiceRecord]:
        """``queryInvoiceById``."""
        raw = _plain(
            self._with_session(
                lambda sid: self._call("InvoiceService", "queryInvoiceById", sessionId=sid, idList={"id": list(ids)})
            )
        )
        return [_record(r) for r in _items(raw, "invoiceInfoList", "invoiceInfo")]

    def invoices_by_key(self, keys: Sequence[tuple[str, str]], direction: str = "OUTBOUND") -> list[InvoiceRecord]:
        """``queryInvoiceByKey`` by (num, date ``dd.MM.yyyy``)."""
        key_list = {"invoiceKey": [{"num": num, "date": date} for num, date in keys]}
        raw = _plain(
            self._with_session(
                lambda sid: self._call(
                    "InvoiceService", "queryInvoiceByKey", sessionId=sid, invoiceKeyList=key_list, direction=direction
                )
            )
        )
        return [_record(r) for r in _items(raw, "invoiceInfoList", "invoiceInfo")]

    def summaries_by_id(self, ids: Sequence[int]) -> list[InvoiceSummary]:
        """``queryInvoiceSummaryById``: status and registration number."""
        raw = _plain(
            self._with_session(
                lambda sid: self._call(
                    "InvoiceService", "queryInvoiceSummaryById", sessionId=sid, idList={"id": list(ids)}
                )
            )
        )
        return [_summary(r) for r in _items(raw, "invoiceSummaryList", "invoiceSummary")]

    def errors_by_id(self, ids: Sequence[int]) -> dict[int, tuple[EsfError, ...]]:
        """``queryInvoiceErrorById``: the errors of ``FAILED`` invoices."""
        raw = _plain(
            self._with_session(
                lambda sid: self._call(
                    "InvoiceService", "queryInvoiceErrorById", sessionId=sid, idList={"id": list(ids)}
                )
            )
        )
        entries = _items(raw, "invoiceErrorList", "invoiceError")
        return {int(e["invoiceId"]): _errors(e.get("errors")) for e in entries}

    def query_invoices(
        self,
        *,
        date_from: dt.datetime,
        date_to: dt.datetime,
        direction: str = "OUTBOUND",
        statuses: Sequence[str] = (),
        page: int | None = None,
    ) -> InvoicePage:
        """``queryInvoice`` by issue date (send aware datetimes: ESF is UTC+05:00)."""
        criteria: dict[str, Any] = {"direction": direction, "dateFrom": date_from, "dateTo": date_to, "asc": True}
        if statuses:
            criteria["invoiceStatusList"] = {"invoiceStatus": list(statuses)}
        if page is not None:
            criteria["pageNum"] = page
        raw = (
            _plain(
                self._with_session(
                    lambda sid: self._call("InvoiceService", "queryInvoice", sessionId=sid, criteria=criteria)
                )
            )
            or {}
        )
        records = tuple(_record(r) for r in _items(raw, "invoiceInfoList", "invoiceInfo"))
        return InvoicePage(
            records, int(raw.get("currPage") or 1), bool(raw.get("lastBlock")), int(raw.get("rsCount") or 0)
        )


class AsyncEsfClient:
    """``EsfClient`` for async code: every call runs in a worker thread (zeep is synchronous)."""

    def __init__(self, client: EsfClient) -> None:
        self.sync = client

    async def __aenter__(self) -> AsyncEsfClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close_session()

    async def open_session(self) -> str:
        return await asyncio.to_thread(self.sync.open_session)

    async def session_status(self) -> str:
        return await asyncio.to_thread(self.sync.session_status)

    async def close_session(self) -> None:
        await asyncio.to_thread(self.sync.close_session)

    async def sync_invoices(self, invoices: Sequence[SignedInvoice]) -> SyncResult:
        return await asyncio.to_thread(self.sync.sync_invoices, invoices)

    async def invoices_by_id(self, ids: Sequence[int]) -> list[InvoiceRecord]:
        return await asyncio.to_thread(self.sync.invoices_by_id, ids)

    async def invoices_by_key(
        self, keys: Sequence[tuple[str, str]], direction: str = "OUTBOUND"
    ) -> list[InvoiceRecord]:
        return await asyncio.to_thread(self.sync.invoices_by_key, keys, direction)

    async def summaries_by_id(self, ids: Sequence[int]) -> list[InvoiceSummary]:
        return await asyncio.to_thread(self.sync.summaries_by_id, ids)

    async def errors_by_id(self, ids: Sequence[int]) -> dict[int, tuple[EsfError, ...]]:
        return await asyncio.to_thread(self.sync.errors_by_id, ids)

    async def query_invoices(self, **criteria: Any) -> InvoicePage:
        return await asyncio.to_thread(lambda: self.sync.query_invoices(**criteria))
