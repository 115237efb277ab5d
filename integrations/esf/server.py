"""The ESF sandbox over HTTP: SOAP 1.1 document/literal at ``/esf-web/ws/api1/<Service>``, WSDL at ``?wsdl``.

The WSDLs served are the packaged official files with only ``soap:address`` rewritten to this server. Requests are
dispatched on the body's root element (``{esf}createSessionRequest`` …), answers use the ``esf`` namespace with
unqualified children as the WSDL's schemas say, faults carry the bare code in ``faultstring`` (HTTP 500).
Run locally: ``python -m integrations.esf.server --port 8443`` (test mode, one demo user; see docs/esf.md).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import re
from collections.abc import Awaitable, Callable
from functools import lru_cache

from aiohttp import web
from lxml import etree

from integrations.esf.errors import SECURITY_ERROR_TEXT, EsfApiError, EsfBusinessError, EsfSecurityError
from integrations.esf.sandbox import KZ_TIME, EsfSandbox, SandboxConfig, SandboxUser, StandardResponse, StoredInvoice
from integrations.esf.sandbox import Upload as SandboxUpload
from integrations.esf.validator import EsfError
from integrations.esf.wsdl import SERVICES, wsdl_path

BASE_PATH = "/esf-web/ws/api1"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
ESF_NS = "esf"
WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
WSS4J_NS = "http://ws.apache.org/wss4j"
PASSWORD_DIGEST = "#PasswordDigest"  # noqa: S105 - the token type URI suffix, not a password
_ADDRESS = re.compile(rb'(<soap:address location=")[^"]*(")')
_SANDBOX_KEY = web.AppKey("esf_sandbox", EsfSandbox)

Handler = Callable[[EsfSandbox, etree._Element, "Token"], etree._Element]


class Token:
    """The WS-Security ``UsernameToken`` of a request (``None`` fields when absent)."""

    def __init__(self, header: etree._Element | None) -> None:
        token = None if header is None else header.find(f"{{{WSSE_NS}}}Security/{{{WSSE_NS}}}UsernameToken")
        self.present = token is not None
        self.username = None if token is None else token.findtext(f"{{{WSSE_NS}}}Username")
        password = None if token is None else token.find(f"{{{WSSE_NS}}}Password")
        self.password = None if password is None else (password.text or "")
        self.digest = password is not None and (password.get("Type") or "").endswith(PASSWORD_DIGEST)
        self.nonce = None if token is None else token.findtext(f"{{{WSSE_NS}}}Nonce")
        self.created = None if token is None else token.findtext(f"{{{WSU_NS}}}Created")

    def user(self, sandbox: EsfSandbox) -> SandboxUser:
        """Check the token against the sandbox's users (PasswordText, or PasswordDigest per WSS 1.0)."""
        if not self.digest:
            return sandbox.authenticate(self.username, self.password)
        known = sandbox.users.get(self.username or "")
        if known is None or self.nonce is None or self.created is None:
            raise EsfSecurityError("SecurityError")
        raw = base64.b64decode(self.nonce) + self.created.encode() + known.password.encode()
        expected = base64.b64encode(hashlib.sha1(raw, usedforsecurity=False).digest()).decode()
        return sandbox.authenticate(self.username, known.password if expected == self.password else None)


# XML helpers ------------------------------------------------------------------------------------------------------


def _sub(parent: etree._Element, tag: str, text: object | None = None) -> etree._Element:
    child = etree.SubElement(parent, tag)
    if text is not None:
        child.text = text if isinstance(text, str) else str(text)
    return child


def _response(name: str) -> etree._Element:
    return etree.Element(f"{{{ESF_NS}}}{name}", nsmap={"ns2": ESF_NS})


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(KZ_TIME).isoformat(timespec="milliseconds")


def _text(request: etree._Element, tag: str) -> str:
    value = request.findtext(tag)
    if value is None:
        raise EsfApiError("FIELD_IS_NULL", f"{tag} не заполнено")
    return value.strip()


def _ids(request: etree._Element) -> list[int]:
    try:
        return [int(x.text or "") for x in request.findall("idList/id")]
    except ValueError:
        raise EsfApiError("FIELD_INVALID", "idList/id — целые числа") from None


def _errors(parent: etree._Element, errors: tuple[EsfError, ...]) -> None:
    if not errors:
        return
    holder = _sub(parent, "errors")
    for error in errors:
        item = _sub(holder, "error")
        if error.property is not None:
            _sub(item, "property", error.property)
        _sub(item, "errorCode", error.error_code)
        _sub(item, "text", error.text)


def _invoice_info(parent: etree._Element, inv: StoredInvoice) -> None:
    info = _sub(parent, "invoiceInfo")
    _sub(info, "invoiceBody", inv.body)
    _sub(info, "invoiceId", inv.invoice_id)
    if inv.registration_number:
        _sub(info, "registrationNumber", inv.registration_number)
    _sub(info, "inputDate", _when(inv.input_date))
    _sub(info, "lastUpdateDate", _when(inv.last_update))
    _sub(info, "signatureValid", "true")
    _sub(info, "invoiceStatus", inv.status)
    _sub(info, "version", "InvoiceV2")
    _sub(info, "signature", inv.signature)
    _sub(info, "signatureType", inv.signature_type)
    _sub(info, "certificate", inv.certificate)


def _summary(parent: etree._Element, inv: StoredInvoice) -> None:
    summary = _sub(parent, "invoiceSummary")
    _sub(summary, "invoiceId", inv.invoice_id)
    _sub(summary, "date", inv.date)
    _sub(summary, "invoiceStatus", inv.status)
    _sub(summary, "num", inv.num)
    if inv.registration_number:
        _sub(summary, "registrationNumber", inv.registration_number)
    _sub(summary, "lastUpdateDate", _when(inv.last_update))


def _query_response(name: str, invoices: list[StoredInvoice], page: int = 1, last: bool = True) -> etree._Element:
    response = _response(name)
    _sub(response, "lastBlock", "true" if last else "false")
    _sub(response, "currPage", page)
    _sub(response, "rsCount", len(invoices))
    holder = _sub(response, "invoiceInfoList")
    for inv in invoices:
        _invoice_info(holder, inv)
    return response


# operations -------------------------------------------------------------------------------------------------------


def create_session(sandbox: EsfSandbox, request: etree._Element, token: Token) -> etree._Element:
    user = token.user(sandbox)
    session_id = sandbox.create_session(user, _text(request, "tin"), _text(request, "x509Certificate"))
    response = _response("createSessionResponse")
    _sub(response, "sessionId", session_id)
    return response


def close_session(sandbox: EsfSandbox, request: etree._Element, token: Token) -> etree._Element:
    response = _response("closeSessionResponse")
    _sub(response, "status", sandbox.close_session(_text(request, "sessionId")))
    return response


def session_status(sandbox: EsfSandbox, request: etree._Element, token: Token) -> etree._Element:
    response = _response("currentSessionStatusResponse")
    _sub(response, "status", sandbox.session_status(_text(request, "sessionId")))
    return response


def _standard(parent: etree._Element, entry: StandardResponse) -> None:
    item = _sub(parent, "standardResponse")
    _errors(item, entry.errors)
    if entry.invoice_id is not None:
        _sub(item, "id", entry.invoice_id)
    _sub(item, "num", entry.num)
    _sub(item, "date", entry.date)


def sync_invoice(sandbox: EsfSandbox, request: etree._Element, token: Token) -> etree._Element:
    uploads = [
        SandboxUpload(
            invoice_body=info.findtext("invoiceBody") or "",
            version=(info.findtext("version") or "").strip(),
            signature=info.findtext("signature") or "",
            signature_type=(info.findtext("signatureType") or "").strip(),
        )
        for info in request.findall("invoiceUploadInfoList/invoiceUploadInfo")
    ]
    accepted, declined = sandbox.sync_invoice(_text(request, "sessionId"), uploads, _text(request, "x509Certificate"))
    response = _response("syncInvoiceResponse")
    for name, entries in (("acceptedSet", accepted), ("declinedSet", declined)):
        holder = _sub(response, name)
        for entry in entries:
            _standard(holder, entry)
    return response


def query_by_id(sandbox: EsfSandbox, request: etree._Element, token: Token) -> etree._Element:
    invoices = sandbox.by_ids(_text(request, "sessionId"), _ids(request))
    return _query_response("queryInvoiceByIdResponse", invoices)


def query_by_key(sandbox: EsfSandbox, request: etree._Element, token: Token) -> etree._Element:
    keys = [(k.findtext("num") or "", k.findtext("date") or "") for k in request.findall("invoiceKeyList/invoiceKey")]
    invoices = sandbox.by_keys(_text(request, "sessionId"), keys, _text(request, "direction"))
    return _query_response("queryInvoiceByKeyResponse", invoices)


def query_summary_by_id(sandbox: EsfSandbox, request: etree._Element, token: Token) -> etree._Element:
    response = _response("queryInvoiceSummaryByIdResponse")
    holder = _sub(response, "invoiceSummaryList")
    for inv in sandbox.by_ids(_text(request, "sessionId"), _ids(request)):
        _summary(holder, inv)
    return response


def query_error_by_id(sandbox: EsfSandbox, request: etree._Element, token: Token) -> etree._Element:
    response = _response("queryInvoiceErrorByIdResponse")
    holder = _sub(response, "invoiceErrorList")
    for inv in sandbox.by_ids(_text(request, "sessionId"), _ids(request)):
        item = _sub(holder, "invoiceError")
        _sub(item, "invoiceId", inv.invoice_id)
        _errors(item, inv.errors)
    return response


def _datetime(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise EsfApiError("FIELD_INVALID", f"xs:dateTime: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=KZ_TIME)


def query_invoice(sandbox: EsfSandbox, request: etree._Element, token: Token) -> etree._Element:
    criteria = request.find("criteria")
    if criteria is None:
        raise EsfApiError("FIELD_IS_NULL", "criteria не заполнено")
    page_text = criteria.findtext("pageNum")
    page = sandbox.query(
        _text(request, "sessionId"),
        direction=_text(criteria, "direction"),
        date_from=_datetime(_text(criteria, "dateFrom")),
        date_to=_datetime(_text(criteria, "dateTo")),
        statuses=[s.text or "" for s in criteria.findall("invoiceStatusList/invoiceStatus")],
        contragent_tin=criteria.findtext("contragentTin"),
        page=int(page_text) if page_text and page_text.strip().isdigit() else None,
    )
    response = _query_response("queryInvoiceResponse", list(page.invoices), page.curr_page, page.last_block)
    count = response.find("rsCount")
    assert count is not None
    count.text = str(page.rs_count)
    return response


OPERATIONS: dict[tuple[str, str], Handler] = {
    ("SessionService", "createSessionRequest"): create_session,
    ("SessionService", "closeSessionRequest"): close_session,
    ("SessionService", "currentSessionStatusRequest"): session_status,
    ("UploadInvoiceService", "syncInvoiceRequest"): sync_invoice,
    ("InvoiceService", "queryInvoiceByIdRequest"): query_by_id,
    ("InvoiceService", "queryInvoiceByKeyRequest"): query_by_key,
    ("InvoiceService", "queryInvoiceSummaryByIdRequest"): query_summary_by_id,
    ("InvoiceService", "queryInvoiceErrorByIdRequest"): query_error_by_id,
    ("InvoiceService", "queryInvoiceRequest"): query_invoice,
}


# SOAP envelope ----------------------------------------------------------------------------------------------------


def _envelope(content: etree._Element) -> bytes:
    envelope = etree.Element(f"{{{SOAP_NS}}}Envelope", nsmap={"soap": SOAP_NS})
    etree.SubElement(envelope, f"{{{SOAP_NS}}}Body").append(content)
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="UTF-8"))


def fault_xml(error: EsfApiError) -> bytes:
    """A SOAP 1.1 fault: WSS4J's ``ns1:SecurityError``, else ``soap:Server`` with the code and the WSDL detail."""
    fault = etree.Element(f"{{{SOAP_NS}}}Fault", nsmap={"soap": SOAP_NS})
    if isinstance(error, EsfSecurityError):
        code = etree.SubElement(fault, "faultcode", nsmap={"ns1": WSS4J_NS})
        code.text = "ns1:SecurityError"
        _sub(fault, "faultstring", SECURITY_ERROR_TEXT)
        return _envelope(fault)
    _sub(fault, "faultcode", "soap:Server")
    _sub(fault, "faultstring", error.code)
    detail_name = error.detail_element or EsfBusinessError.detail_element
    detail = _sub(fault, "detail")
    item = etree.SubElement(detail, f"{{{ESF_NS}}}{detail_name}", nsmap={"ns1": ESF_NS})
    _sub(item, "description", error.description or error.code)
    return _envelope(fault)


def _client_fault(text: str) -> bytes:
    fault = etree.Element(f"{{{SOAP_NS}}}Fault", nsmap={"soap": SOAP_NS})
    _sub(fault, "faultcode", "soap:Client")
    _sub(fault, "faultstring", text)
    return _envelope(fault)


def _xml(body: bytes, status: int = 200) -> web.Response:
    return web.Response(body=body, status=status, content_type="text/xml", charset="utf-8")


def dispatch(sandbox: EsfSandbox, service: str, payload: bytes) -> tuple[int, bytes]:
    """Handle one SOAP request: (HTTP status, response envelope)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        envelope = etree.fromstring(payload, parser)
    except etree.XMLSyntaxError as exc:
        return 500, _client_fault(f"Error reading XMLStreamReader: {exc}")
    body = envelope.find(f"{{{SOAP_NS}}}Body")
    request = None if body is None else next((el for el in body if isinstance(el.tag, str)), None)
    if request is None:
        return 500, _client_fault("No SOAP body")
    name = etree.QName(request)
    handler = OPERATIONS.get((service, name.localname)) if name.namespace == ESF_NS else None
    if handler is None:
        return 500, _client_fault(f"Unexpected wrapper element {{{name.namespace}}}{name.localname} found.")
    token = Token(envelope.find(f"{{{SOAP_NS}}}Header"))
    try:
        if token.present or handler is create_session:
            token.user(sandbox)
        return 200, _envelope(handler(sandbox, request, token))
    except EsfApiError as error:
        return 500, fault_xml(error)


@lru_cache(maxsize=8)
def _wsdl_bytes(service: str) -> bytes:
    return wsdl_path(service).read_bytes()


def served_wsdl(service: str, address: str) -> bytes:
    """The official WSDL with ``soap:address`` pointing at ``address`` — the only change."""
    return _ADDRESS.sub(lambda m: m.group(1) + address.encode() + m.group(2), _wsdl_bytes(service), count=1)


async def _handle(request: web.Request) -> web.StreamResponse:
    service = request.match_info["service"]
    if service not in SERVICES:
        raise web.HTTPNotFound()
    if request.method == "GET":
        if "wsdl" not in {key.lower() for key in request.query}:
            raise web.HTTPNotFound()
        address = f"{request.scheme}://{request.host}{BASE_PATH}/{service}"
        return _xml(served_wsdl(service, address))
    status, answer = dispatch(request.app[_SANDBOX_KEY], service, await request.read())
    return _xml(answer, status)


def create_app(sandbox: EsfSandbox) -> web.Application:
    """The aiohttp application serving ``sandbox``."""
    app = web.Application(client_max_size=4 * 1024 * 1024)
    app[_SANDBOX_KEY] = sandbox
    route: Callable[[web.Request], Awaitable[web.StreamResponse]] = _handle
    app.router.add_route("GET", f"{BASE_PATH}/{{service}}", route)
    app.router.add_route("POST", f"{BASE_PATH}/{{service}}", route)
    return app


def main(argv: list[str] | None = None) -> None:
    """Run a local sandbox in test mode with one demo user (login/password from the command line)."""
    parser = argparse.ArgumentParser(description="local ESF sandbox (test mode)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--login", default="123456789011", help="the demo user's ИИН (the NCA test ИИН)")
    parser.add_argument("--password", default="TestPass123")
    parser.add_argument("--tin", action="append", help="ИИН/БИН the demo user acts for (repeatable)")
    args = parser.parse_args(argv)
    tins = frozenset(args.tin or [args.login])
    sandbox = EsfSandbox([SandboxUser(args.login, args.password, tins)], config=SandboxConfig(allow_test_keys=True))
    web.run_app(create_app(sandbox), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
