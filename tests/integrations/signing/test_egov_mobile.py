import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import unquote

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from integrations.signing import CertificatePolicy, Pkcs12Signer, SigningContext, SigningError, verify_xml
from integrations.signing.egov_mobile import EgovMobileService, EgovMobileSigner, RequestState, SignRequest
from integrations.signing.egov_mobile.app import create_egov_app
from integrations.signing.egov_mobile.phone import PhoneSimulator, service_url_from
from tests.integrations.signing.keys import RSA_PASSWORD, TEST_IIN, VALID_IIN, VALID_SIGN

DOC = '<fno code="910.00"><field name="income">12000000</field><field name="fio">ТЕСТОВ</field></fno>'.encode()


@dataclass
class Clock:
    now: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class Env:
    service: EgovMobileService
    phone: PhoneSimulator
    session: aiohttp.ClientSession
    clock: Clock


def _context(expected_iin: str | None = TEST_IIN) -> SigningContext:
    return SigningContext(
        user_id="u1", document_id="910-2026-H1", title_ru="Декларация 910.00", expected_iin=expected_iin
    )


async def _env(policy: CertificatePolicy) -> AsyncIterator[Env]:
    clock = Clock(dt.datetime(2026, 8, 1, 10, 0, tzinfo=dt.UTC))
    service = EgovMobileService("http://unset", policy, clock=clock, ttl=dt.timedelta(minutes=5))
    server = TestServer(create_egov_app(service), host="127.0.0.1")
    await server.start_server()
    service.base_url = str(server.make_url("/")).rstrip("/")
    phone_key = Pkcs12Signer.from_pkcs12(
        VALID_SIGN.read_bytes(), RSA_PASSWORD, CertificatePolicy(allow_test_keys=True)
    )
    async with aiohttp.ClientSession() as session:
        yield Env(service, PhoneSimulator(session, phone_key), session, clock)
    await server.close()


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    async for item in _env(CertificatePolicy(allow_test_keys=True)):
        yield item


async def test_phone_signing_round_trip(env: Env) -> None:
    shown: asyncio.Queue[SignRequest] = asyncio.Queue()

    async def show_in_chat(request: SignRequest, context: SigningContext) -> None:
        await shown.put(request)

    signer = EgovMobileSigner(env.service, on_request=show_in_chat)
    task = asyncio.create_task(signer.sign_xml(DOC, _context()))
    request = await shown.get()
    assert request.qr_png.startswith(b"\x89PNG")
    assert request.qr_text == f"mobileSign:{request.service_url}"
    assert request.deep_link.startswith("https://mgovsign.page.link/?link=")
    status, _ = await env.phone.sign(request.deep_link)
    assert status == 200
    signed = await task
    result = verify_xml(signed, CertificatePolicy(allow_test_keys=True))
    assert result.valid, result.errors
    assert result.signer is not None
    assert result.signer.iin == TEST_IIN


async def test_poll_then_repeated_put_is_idempotent(env: Env) -> None:
    signer = EgovMobileSigner(env.service)
    request = await signer.request_signature(DOC, _context())
    assert signer.poll(request.id).state is RequestState.PENDING
    assert (await env.phone.sign(request.qr_text))[0] == 200
    assert (await env.phone.sign(request.qr_text))[0] == 200  # RSA PKCS#1 v1.5 is deterministic: the same PUT again
    assert (await env.phone.sign(request.qr_text, tamper=True))[0] == 409  # a different one after signing
    status = signer.poll(request.id)
    assert status.state is RequestState.SIGNED
    assert status.signed_xml is not None
    assert await signer.wait(request.id) == status.signed_xml


async def test_identical_put_is_accepted_again(env: Env) -> None:
    request = env.service.create(DOC, _context())
    token = env.service.service_info(request.id)["document"]["auth_token"]
    assert (await env.phone.sign(request.deep_link))[0] == 200
    signed = env.service.status(request.id).signed_xml
    assert signed is not None
    body = env.service.documents(request.id, f"Bearer {token}")
    body["documentsToSign"][0]["documentXml"] = signed.decode()
    env.service.submit(request.id, f"Bearer {token}", body)  # no error: a redelivered PUT
    assert env.service.status(request.id).signed_xml == signed


async def test_tampered_document_is_rejected(env: Env) -> None:
    request = env.service.create(DOC, _context())
    status, body = await env.phone.sign(request.deep_link, tamper=True)
    assert status == 400
    assert "signature" in body["message"] or "differs" in body["message"]
    assert env.service.status(request.id).state is RequestState.PENDING


async def test_other_persons_signature_is_rejected(env: Env) -> None:
    request = env.service.create(DOC, _context(expected_iin=VALID_IIN))
    status, body = await env.phone.sign(request.deep_link)
    assert status == 403
    assert "IIN" in body["message"]


async def test_documents_need_the_token(env: Env) -> None:
    request = env.service.create(DOC, _context())
    url = env.service.documents_url(request.id)
    async with env.session.get(url) as response:
        assert response.status == 401
    async with env.session.get(url, headers={"Authorization": "Bearer wrong"}) as response:
        assert response.status == 401
    async with env.session.get(env.service.service_url("nope")) as response:
        assert response.status == 404


async def test_expired_request(env: Env) -> None:
    request = env.service.create(DOC, _context())
    waiter = asyncio.create_task(env.service.wait(request.id))
    env.clock.now += dt.timedelta(minutes=6)
    assert env.service.sweep() == 1
    with pytest.raises(SigningError) as caught:
        await waiter
    assert caught.value.code == "expired"
    status, _ = await env.phone.sign(request.deep_link)
    assert status == 410


async def test_wait_timeout() -> None:
    service = EgovMobileService("http://127.0.0.1:9", CertificatePolicy(allow_test_keys=True))
    request = service.create(DOC, _context())
    with pytest.raises(SigningError) as caught:
        await service.wait(request.id, timeout_seconds=0)
    assert caught.value.code == "timeout"


async def test_production_policy_refuses_test_key_signature() -> None:
    async for env in _env(CertificatePolicy()):
        request = env.service.create(DOC, _context())
        status, body = await env.phone.sign(request.deep_link)
        assert status == 400
        assert "test_key" in body["message"]


def test_links_carry_the_service_url() -> None:
    service = EgovMobileService("https://bot.example.kz/egov-sign", CertificatePolicy())
    request = service.create(DOC, _context())
    assert service_url_from(request.deep_link) == request.service_url
    assert service_url_from(request.business_link) == request.service_url
    assert service_url_from(request.qr_text) == request.service_url
    assert unquote(request.deep_link).count(request.service_url) == 1
    assert request.expires_at > dt.datetime.now(dt.UTC)


def test_malformed_document_is_refused_before_the_phone() -> None:
    service = EgovMobileService("https://bot.example.kz/egov-sign", CertificatePolicy())
    with pytest.raises(ValueError, match="malformed"):
        service.create(b"<fno>", _context())
