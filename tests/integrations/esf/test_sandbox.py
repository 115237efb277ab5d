"""The zeep client against the sandbox over loopback: sessions, uploads, declines, statuses, queries."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import logging
from pathlib import Path

import aiohttp
import pytest
import zeep
from pydantic import SecretStr
from zeep.wsse.username import UsernameToken

from integrations.esf import (
    AsyncEsfClient,
    EsfAccessDeniedError,
    EsfBusinessError,
    EsfClient,
    EsfCredentials,
    EsfSecurityError,
    EsfSessionClosedError,
    EsfUnavailableError,
    sign_invoice,
)
from integrations.esf.sandbox import SandboxConfig
from integrations.esf.signature import SignedInvoice
from integrations.esf.wsdl import wsdl_path
from integrations.signing import CertificatePolicy, Pkcs12Signer, SigningContext
from tests.integrations.esf.conftest import PASSWORD, Stand, make_stand
from tests.integrations.esf.documents import (
    NON_VAT,
    SELLER_IP,
    SELLER_TOO,
    TEST_IIN,
    VAT_2025,
    VAT_2026,
    add,
    edit,
    xml_of,
)
from tests.integrations.signing.keys import make_p12

CONTEXT = SigningContext("user-1", "doc-1", "esf")
P0 = "productSet/products/product"


async def _signed(xml: bytes, signer: Pkcs12Signer) -> SignedInvoice:
    return await sign_invoice(xml, signer, CONTEXT)


async def test_wsdl_is_served_unchanged_but_the_address(stand: Stand) -> None:
    async with aiohttp.ClientSession() as http:
        for service in ("SessionService", "UploadInvoiceService", "InvoiceService"):
            async with http.get(f"{stand.base_url}/{service}?wsdl") as response:
                served = await response.read()
            official = wsdl_path(service).read_bytes()
            expected = official.replace(
                f"https://test3.esf.kgd.gov.kz:8443/esf-web/ws/api1/{service}".encode(),
                f"{stand.base_url}/{service}".encode(),
            )
            assert served == expected
            assert len(served.splitlines()) == len(official.splitlines())
    # zeep loads the served WSDL as it is and finds the sandbox as the endpoint
    client = await asyncio.to_thread(zeep.Client, f"{stand.base_url}/SessionService?wsdl")
    assert client.service._binding_options["address"] == f"{stand.base_url}/SessionService"


@pytest.mark.parametrize(
    ("raw", "tin", "rate"), [(NON_VAT, SELLER_IP, None), (VAT_2025, SELLER_TOO, "12"), (VAT_2026, SELLER_TOO, "16")]
)
async def test_documents_accepted_then_registered_on_the_clock(
    stand: Stand, signer: Pkcs12Signer, raw: dict[str, object], tin: str, rate: str | None
) -> None:
    async with stand.aclient(tin=tin) as client:
        result = await client.sync_invoices([await _signed(xml_of(raw), signer)])
        assert result.declined == ()
        (accepted,) = result.accepted
        assert accepted.num == raw["number"]

        async def status() -> tuple[str | None, str | None]:
            (summary,) = await client.summaries_by_id([accepted.invoice_id])
            return summary.status, summary.registration_number

        assert await status() == ("IN_QUEUE", None)
        stand.clock.advance(seconds=5)
        assert await status() == ("IN_PROCESSING", None)
        stand.clock.advance(seconds=9)
        assert await status() == ("IN_PROCESSING", None)
        stand.clock.advance(seconds=1)
        state, number = await status()
        assert state == "CREATED"
        assert number is not None
        assert number.startswith(f"ESF-{tin}-20261201-")
        (record,) = await client.invoices_by_id([accepted.invoice_id])
        assert record.registration_number == number
        assert record.body.startswith("<?xml")
        assert ("<ndsRate>" in record.body) is (rate is not None)
        assert rate is None or f"<ndsRate>{rate}</ndsRate>" in record.body
        stand.sandbox.deliver(accepted.invoice_id)
        assert (await status())[0] == "DELIVERED"


@pytest.mark.parametrize(
    ("broken", "code"),
    [
        (lambda: edit(xml_of(NON_VAT), f"{P0}/priceWithoutTax", "1"), "INCORRECT_PRODUCT_SUM"),
        (lambda: edit(xml_of(NON_VAT), "productSet/totalTurnoverSize", "1"), "INCORRECT_TOTAL_SUM"),
        (lambda: add(xml_of(NON_VAT), P0, "ndsRate", "16"), "NDS_RATE_FOR_NOT_NDS_PAYER"),
        (lambda: edit(xml_of(NON_VAT), "customers/customer/tin", "240140000121"), "INVALID_CUSTOMER_TIN"),
        (lambda: edit(xml_of(NON_VAT), "num", None), "FIELD_IS_NULL"),
        (lambda: edit(xml_of(NON_VAT), "date", "2026-11-20"), "FIELD_INVALID"),
        (lambda: edit(xml_of(NON_VAT), "date", "02.12.2026"), "WRONG_DATE"),  # after the sandbox's today
    ],
    ids=["product-sum", "total-sum", "nds-rate", "customer-tin", "no-num", "date-format", "future"],
)
async def test_broken_invoices_are_declined_with_the_code(
    stand: Stand, signer: Pkcs12Signer, broken: object, code: str
) -> None:
    xml = broken()  # type: ignore[operator]
    async with stand.aclient() as client:
        result = await client.sync_invoices([await _signed(xml, signer)])
    assert result.accepted == ()
    (declined,) = result.declined
    assert code in {e.error_code for e in declined.errors}
    assert all(e.text for e in declined.errors)
    assert stand.sandbox.invoices == {}


async def test_duplicate_number_and_date_declined(stand: Stand, signer: Pkcs12Signer) -> None:
    signed = await _signed(xml_of(NON_VAT), signer)
    async with stand.aclient() as client:
        first = await client.sync_invoices([signed])
        second = await client.sync_invoices([signed])
        other_date = await client.sync_invoices([await _signed(xml_of(NON_VAT, date="2026-11-21"), signer)])
    assert len(first.accepted) == 1
    assert [e.error_code for e in second.declined[0].errors] == ["NOT_UNIQUE_NUMBER_AND_DATE"]
    assert second.declined[0].num == "1"
    assert len(other_date.accepted) == 1


async def test_batch_accepts_and_declines_separately(stand: Stand, signer: Pkcs12Signer) -> None:
    good = await _signed(xml_of(NON_VAT), signer)
    bad = await _signed(edit(xml_of(NON_VAT, number="2"), "productSet/totalPriceWithTax", "5"), signer)
    async with stand.aclient() as client:
        result = await client.sync_invoices([good, bad])
    assert [a.num for a in result.accepted] == ["1"]
    assert [d.num for d in result.declined] == ["2"]


async def test_seller_must_be_the_session_tin(stand: Stand, signer: Pkcs12Signer) -> None:
    async with stand.aclient(tin=SELLER_TOO) as client:
        result = await client.sync_invoices([await _signed(xml_of(NON_VAT), signer)])
    assert "SELLER_TIN_NOT_EQUALS_WITH_TIN_IN_SESSION" in {e.error_code for e in result.declined[0].errors}


async def test_test_identity_as_seller_in_test_mode(stand: Stand, signer: Pkcs12Signer) -> None:
    raw = {**NON_VAT, "seller": {**NON_VAT["seller"], "tin": TEST_IIN}}
    async with stand.aclient(tin=TEST_IIN) as client:
        result = await client.sync_invoices([await _signed(xml_of(raw), signer)])
    assert len(result.accepted) == 1


async def test_tampered_body_fails_the_signature(stand: Stand, signer: Pkcs12Signer) -> None:
    signed = await _signed(xml_of(NON_VAT), signer)
    tampered = SignedInvoice(
        signed.body.replace("Разработка сайта", "Разработка сайтов"), signed.signature, signed.certificate
    )
    async with stand.aclient() as client:
        result = await client.sync_invoices([tampered])
    assert [e.error_code for e in result.declined[0].errors] == ["SIGNATURE_VERIFICATION_FAILED"]


async def test_signed_by_someone_else(stand: Stand) -> None:
    other = Pkcs12Signer.from_pkcs12(
        make_p12(), "pw", CertificatePolicy()
    )  # a production-looking key, ИИН 900101300007
    async with stand.aclient() as client:
        result = await client.sync_invoices([await _signed(xml_of(NON_VAT), other)])
    assert [e.error_code for e in result.declined[0].errors] == ["IIN_NOT_VALID"]


async def test_failed_after_processing_with_errors(signer: Pkcs12Signer) -> None:
    async for stand in make_stand(SandboxConfig(allow_test_keys=True, known_taxpayers=frozenset({SELLER_IP}))):
        async with stand.aclient() as client:
            (accepted,) = (await client.sync_invoices([await _signed(xml_of(NON_VAT), signer)])).accepted
            stand.clock.advance(seconds=15)
            (summary,) = await client.summaries_by_id([accepted.invoice_id])
            errors = await client.errors_by_id([accepted.invoice_id])
            again = await client.sync_invoices([await _signed(xml_of(NON_VAT), signer)])
        assert summary.status == "FAILED"
        assert summary.registration_number is None
        assert [e.error_code for e in errors[accepted.invoice_id]] == ["CUSTOMER_TIN_ABSENT_IN_DICTIONARY"]
        assert len(again.accepted) == 1  # a FAILED invoice does not hold its number


async def test_queries_by_date_paging_and_key(signer: Pkcs12Signer) -> None:
    async for stand in make_stand(SandboxConfig(allow_test_keys=True, page_size=2)):
        async with stand.aclient() as client:
            for number in ("1", "2", "3"):
                await client.sync_invoices([await _signed(xml_of(NON_VAT, number=number), signer)])
            stand.clock.advance(seconds=15)
            window = {
                "date_from": dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
                "date_to": dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
            }
            first = await client.query_invoices(**window)
            second = await client.query_invoices(**window, page=2)
            created = await client.query_invoices(**window, statuses=["CREATED"])
            queued = await client.query_invoices(**window, statuses=["IN_QUEUE"])
            inbound = await client.query_invoices(**window, direction="INBOUND")
            by_key = await client.invoices_by_key([("2", "20.11.2026")])
        assert (len(first.invoices), first.curr_page, first.last_block, first.rs_count) == (2, 1, False, 3)
        assert (len(second.invoices), second.curr_page, second.last_block) == (1, 2, True)
        assert created.rs_count == 3
        assert queued.rs_count == 0
        assert inbound.rs_count == 0
        assert [r.invoice_id for r in by_key] == [first.invoices[1].invoice_id]


# sessions ---------------------------------------------------------------------------------------------------------


async def test_session_is_reused_and_closed(stand: Stand, signer: Pkcs12Signer) -> None:
    client = stand.aclient()
    first = await client.open_session()
    assert await client.open_session() == first
    await client.sync_invoices([await _signed(xml_of(NON_VAT), signer)])
    await client.summaries_by_id([1])
    assert len(stand.sandbox.sessions) == 1
    assert first.endswith(f"-{SELLER_IP}-")
    assert await client.session_status() == "OK"
    await client.close_session()
    assert stand.sandbox.session_status(first) == "CLOSED"
    assert await client.session_status() == "NOT_FOUND"
    with pytest.raises(EsfSessionClosedError) as caught:
        await asyncio.to_thread(
            lambda: client.sync._call("InvoiceService", "queryInvoiceById", sessionId=first, idList={"id": [1]})
        )
    assert caught.value.code == "SESSION_CLOSED"


async def test_wrong_password_is_a_security_fault(stand: Stand) -> None:
    with pytest.raises(EsfSecurityError) as caught:
        await stand.aclient(password="wrong").open_session()
    assert caught.value.description == "A security error was encountered when verifying the message"


async def test_enterprise_not_of_the_user(stand: Stand) -> None:
    with pytest.raises(EsfAccessDeniedError) as caught:
        await stand.aclient(tin="240140000120").open_session()
    assert caught.value.code == "ENTERPRISE_NOT_FOUND_FOR_USER"


async def test_bad_certificate_format(stand: Stand) -> None:
    with pytest.raises(EsfAccessDeniedError) as caught:
        await stand.aclient(cert=base64.b64encode(b"not a certificate").decode()).open_session()
    assert caught.value.code == "CERTIFICATE_INVALID_FORMAT"


async def test_test_key_refused_in_production_mode(signer: Pkcs12Signer) -> None:
    async for stand in make_stand(SandboxConfig(allow_test_keys=False)):
        with pytest.raises(EsfAccessDeniedError) as caught:
            await stand.aclient().open_session()
        assert caught.value.code == "CERTIFICATE_NOT_VALID"


async def test_closed_or_expired_session_fault_and_reopen(stand: Stand, signer: Pkcs12Signer) -> None:
    client = stand.aclient()
    old = await client.open_session()
    stand.clock.advance(minutes=31)
    assert stand.sandbox.session_status(old) == "CLOSED"
    # the raw call sees the fault with the bare code …
    with pytest.raises(EsfSessionClosedError) as caught:
        await asyncio.to_thread(
            lambda: client.sync._call("InvoiceService", "queryInvoiceSummaryById", sessionId=old, idList={"id": [1]})
        )
    assert caught.value.code == "SESSION_CLOSED"
    # … and the client opens a new session once and carries on
    assert await client.summaries_by_id([1]) == []
    assert client.sync.session_id not in (None, old)
    assert len(stand.sandbox.sessions) == 2


async def test_unreachable_esf(signer: Pkcs12Signer) -> None:
    creds = EsfCredentials(TEST_IIN, SecretStr(PASSWORD), SELLER_IP, "AA==")
    client = AsyncEsfClient(EsfClient("http://127.0.0.1:9/esf-web/ws/api1", creds, timeout=2))
    with pytest.raises(EsfUnavailableError):
        await client.open_session()


async def test_password_digest_token_is_accepted(stand: Stand, signer: Pkcs12Signer) -> None:
    from tests.integrations.esf.conftest import certificate_b64

    def create() -> str:
        client = zeep.Client(str(wsdl_path("SessionService")), wsse=UsernameToken(TEST_IIN, PASSWORD, use_digest=True))
        service = client.create_service("{esf}SessionServiceSoapBinding", f"{stand.base_url}/SessionService")
        return str(service.createSession(tin=SELLER_IP, x509Certificate=certificate_b64(signer)))

    assert (await asyncio.to_thread(create)).endswith(f"-{SELLER_IP}-")


async def test_unknown_operation_is_a_client_fault(stand: Stand) -> None:
    envelope = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">'
        b'<s:Body><e:nope xmlns:e="esf"/></s:Body></s:Envelope>'
    )
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{stand.base_url}/InvoiceService", data=envelope) as response,
    ):
        text = await response.text()
    assert response.status == 500
    assert "soap:Client" in text


async def test_password_never_logged(stand: Stand, signer: Pkcs12Signer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with stand.aclient() as client:
        await client.sync_invoices([await _signed(xml_of(NON_VAT), signer)])
    assert PASSWORD not in caplog.text
    assert PASSWORD not in repr(client.sync._credentials)


async def test_gost_2015_key_refused_by_create_session(stand: Stand) -> None:
    # the public certificate of shared/reference/nca-test-keys/individual_valid_2015.p12 (see data/README.md)
    der = (Path(__file__).parent / "data" / "individual_valid_2015.cer.der").read_bytes()
    with pytest.raises(EsfBusinessError) as caught:
        await stand.aclient(cert=base64.b64encode(der).decode()).open_session()
    assert caught.value.code == "METHOD_NOT_SUPPORT_GOST_2015"


async def test_production_mode_declines_an_invoice_signed_with_a_test_key(signer: Pkcs12Signer) -> None:
    from integrations.esf.sandbox import SandboxUser
    from tests.integrations.esf.conftest import certificate_b64

    own = Pkcs12Signer.from_pkcs12(make_p12(), "pw", CertificatePolicy())  # production-looking, ИИН 900101300007
    users = [SandboxUser(SELLER_IP, PASSWORD, frozenset({SELLER_IP}))]
    async for stand in make_stand(SandboxConfig(allow_test_keys=False), users):
        creds = EsfCredentials(SELLER_IP, SecretStr(PASSWORD), SELLER_IP, certificate_b64(own))
        async with AsyncEsfClient(EsfClient(stand.base_url, creds, timeout=10)) as client:
            with_test_key = await client.sync_invoices([await _signed(xml_of(NON_VAT), signer)])
            with_own_key = await client.sync_invoices([await _signed(xml_of(NON_VAT), own)])
        assert [e.error_code for e in with_test_key.declined[0].errors] == ["CERTIFICATE_NOT_VALID"]
        assert len(with_own_key.accepted) == 1
