"""The sandbox cabinet through the HTTP client over loopback: sign → submit → registration → clock → processed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from core.filings import Declaration910
from integrations.signing import Pkcs12Signer
from integrations.tax_cabinet import (
    HttpTaxCabinet,
    IdempotencyConflictError,
    LocalTaxCabinet,
    ManualClock,
    SandboxCabinet,
    SubmissionState,
    TaxCabinetError,
    UnknownSubmissionError,
)
from integrations.tax_cabinet.server import create_app
from tests.integrations.tax_cabinet.conftest import START, additional, declaration

Sign = Callable[[Declaration910], bytes]
MINUTE = dt.timedelta(minutes=1)


async def test_submit_then_processed_on_the_clock(cabinet: HttpTaxCabinet, sign: Sign, clock: ManualClock) -> None:
    submission = await cabinet.submit(sign(declaration()), "user-1:2026-H1:1")
    assert submission.status is SubmissionState.ACCEPTED, submission.reasons
    assert submission.registration_number.startswith("SB620520260803")
    status = await cabinet.status(submission.registration_number)
    assert (status.status, status.updated_at) == (SubmissionState.ACCEPTED, START)
    clock.advance(9 * MINUTE)
    assert (await cabinet.status(submission.registration_number)).status is SubmissionState.ACCEPTED
    clock.advance(MINUTE)
    status = await cabinet.status(submission.registration_number)
    assert (status.status, status.updated_at) == (SubmissionState.PROCESSED, START + 10 * MINUTE)
    notices = await cabinet.list_notices()
    assert [n.kind for n in notices] == ["submission_accepted", "submission_processed"]
    assert await cabinet.list_notices(since=START) == notices[1:]
    assert await cabinet.get_notice(notices[1].id) == notices[1]
    assert submission.registration_number in notices[1].text_ru


async def test_duplicate_submit_returns_the_same_number(cabinet: HttpTaxCabinet, sign: Sign) -> None:
    signed = sign(declaration())
    first = await cabinet.submit(signed, "key-1")
    again = await cabinet.submit(signed, "key-1")
    assert again == first
    with pytest.raises(IdempotencyConflictError):
        await cabinet.submit(sign(declaration(13_000_000)), "key-1")


async def test_broken_xml_is_rejected_with_reasons(cabinet: HttpTaxCabinet, signer: Pkcs12Signer) -> None:
    from core.filings import build_910

    xml = build_910(declaration()).replace(b'name="field_910_00_008">360000', b'name="field_910_00_008">1')
    submission = await cabinet.submit(signer.sign(xml), "k-broken")
    assert submission.status is SubmissionState.REJECTED
    assert any(r.startswith("line_mismatch") and "field_910_00_008" in r for r in submission.reasons)
    status = await cabinet.status(submission.registration_number)
    assert status.status is SubmissionState.REJECTED
    assert status.reasons == submission.reasons
    not_xml = await cabinet.submit(b"<fno", "k-not-xml")
    assert not_xml.status is SubmissionState.REJECTED
    assert not_xml.reasons[0].startswith("format")


async def test_tampered_signature_is_rejected(cabinet: HttpTaxCabinet, sign: Sign) -> None:
    signed = sign(declaration()).replace(b">12000000<", b">12000001<")
    submission = await cabinet.submit(signed, "k-tampered")
    assert submission.status is SubmissionState.REJECTED
    assert any("bad_signature" in r for r in submission.reasons)


async def test_unsigned_is_rejected(cabinet: HttpTaxCabinet) -> None:
    from core.filings import build_910

    submission = await cabinet.submit(build_910(declaration()), "k-unsigned")
    assert submission.status is SubmissionState.REJECTED
    assert any("signature_count" in r for r in submission.reasons)


async def test_test_key_refused_outside_test_mode(sign: Sign, clock: ManualClock) -> None:
    production = LocalTaxCabinet(SandboxCabinet(test_mode=False, clock=clock))
    submission = await production.submit(sign(declaration()), "k-prod")
    assert submission.status is SubmissionState.REJECTED
    assert any("test_key" in r for r in submission.reasons)
    assert any("invalid_iin" in r for r in submission.reasons)


async def test_second_submission_of_a_period_refused_unless_additional(
    cabinet: HttpTaxCabinet, sign: Sign, clock: ManualClock
) -> None:
    original = declaration()
    first = await cabinet.submit(sign(original), "k-1")
    assert first.status is SubmissionState.ACCEPTED
    second = await cabinet.submit(sign(declaration(13_000_000)), "k-2")
    assert second.status is SubmissionState.REJECTED
    assert any(r.startswith("period_already_submitted") for r in second.reasons)
    other_year = await cabinet.submit(sign(declaration(year=2025, half=2)), "k-2025")
    assert other_year.status is SubmissionState.ACCEPTED, other_year.reasons
    too_early = await cabinet.submit(sign(declaration(half=2)), "k-h2")
    assert [r.split(":")[0] for r in too_early.reasons] == ["period_not_ended"]
    clock.advance(15 * MINUTE)
    fix = additional(original, first.registration_number, 13_000_000)
    third = await cabinet.submit(sign(fix), "k-3")
    assert third.status is SubmissionState.ACCEPTED, third.reasons
    fix2 = additional(fix, third.registration_number, 12_500_000)
    fourth = await cabinet.submit(sign(fix2), "k-4")
    assert fourth.status is SubmissionState.ACCEPTED, fourth.reasons
    clock.advance(15 * MINUTE)
    assert (await cabinet.status(fourth.registration_number)).status is SubmissionState.PROCESSED


async def test_additional_needs_a_real_original(cabinet: HttpTaxCabinet, sign: Sign, signer: Pkcs12Signer) -> None:
    from core.filings import build_910

    original = declaration()
    orphan = await cabinet.submit(sign(additional(original, "SB000", 13_000_000)), "k-orphan")
    assert any(r.startswith("no_original") for r in orphan.reasons)
    first = await cabinet.submit(sign(original), "k-1")
    wrong_ref = await cabinet.submit(sign(additional(original, "SB-NOPE", 13_000_000)), "k-wrong")
    assert any(r.startswith("original") for r in wrong_ref.reasons)
    fix = build_910(additional(original, first.registration_number, 13_000_000))
    assert b'name="field_910_00_008">30000<' in fix  # the ИПН difference: 3 % of 1 000 000
    wrong_sum = fix.replace(b'name="field_910_00_008">30000<', b'name="field_910_00_008">31000<')
    rejected = await cabinet.submit(signer.sign(wrong_sum), "k-sum")
    assert any(r.startswith("line_mismatch") for r in rejected.reasons)
    assert (await cabinet.submit(signer.sign(fix), "k-fix")).status is SubmissionState.ACCEPTED


async def test_unknown_numbers_and_bad_requests(cabinet: HttpTaxCabinet, server: TestServer) -> None:
    with pytest.raises(UnknownSubmissionError):
        await cabinet.status("SB-none")
    with pytest.raises(UnknownSubmissionError):
        await cabinet.get_notice("N-none")
    async with aiohttp.ClientSession() as session:
        async with session.post(server.make_url("/v1/fno"), data=b"<fno/>") as response:
            assert response.status == 400
            assert (await response.json())["error"] == "bad_request"
        async with session.get(server.make_url("/v1/notices"), params={"since": "yesterday"}) as response:
            assert response.status == 400


async def test_a_lost_response_is_retried_with_the_same_key(sandbox: SandboxCabinet, sign: Sign) -> None:
    """The first answer is lost after the sandbox registered the form: the retry gets the same number."""
    inner = create_app(sandbox)
    lost = {"count": 0}

    @web.middleware
    async def lose_first(request: web.Request, handler):  # type: ignore[no-untyped-def]
        response = await handler(request)
        if request.method == "POST" and lost["count"] == 0:
            lost["count"] += 1
            return web.json_response({"error": "gateway"}, status=502)
        return response

    inner.middlewares.append(lose_first)
    server = TestServer(inner, host="127.0.0.1")
    await server.start_server()
    try:
        async with HttpTaxCabinet(str(server.make_url("/")), backoff=0) as client:
            submission = await client.submit(sign(declaration()), "k-retry")
    finally:
        await server.close()
    assert lost["count"] == 1
    assert submission.status is SubmissionState.ACCEPTED
    assert len(sandbox.list_notices()) == 1  # registered once


async def test_unreachable_cabinet(sign: Sign) -> None:
    server = TestServer(web.Application(), host="127.0.0.1")
    await server.start_server()
    url = str(server.make_url("/"))
    await server.close()
    async with HttpTaxCabinet(url, backoff=0, attempts=2, timeout=5) as client:
        with pytest.raises(TaxCabinetError) as caught:
            await client.submit(sign(declaration()), "k")
    assert caught.value.code == "transport"


async def test_signer_must_be_the_taxpayer(cabinet: HttpTaxCabinet, signer: Pkcs12Signer) -> None:
    from core.filings import build_910

    xml = build_910(declaration()).replace(b"123456789011", b"900101300007")
    submission = await cabinet.submit(signer.sign(xml), "k-other")
    assert any(r.startswith("signer") for r in submission.reasons)


async def test_submit_date_in_the_future_is_rejected(cabinet: HttpTaxCabinet, signer: Pkcs12Signer) -> None:
    from core.filings import build_910

    xml = build_910(declaration()).replace(b">03.08.2026<", b">04.08.2026<")
    submission = await cabinet.submit(signer.sign(xml), "k-future")
    assert [r for r in submission.reasons if r.startswith("submit_date")]


async def test_same_form_signed_again_is_one_submission(cabinet: HttpTaxCabinet, signer: Pkcs12Signer) -> None:
    from core.filings import build_910

    xml = build_910(declaration())
    first = await cabinet.submit(signer.sign(xml), "k-resign")
    resigned = signer.sign(xml).replace(b"<ds:SignatureValue>", b"<ds:SignatureValue>\n")
    assert await cabinet.submit(resigned, "k-resign") == first


async def test_liquidation_may_come_before_the_half_year_ends(cabinet: HttpTaxCabinet, signer: Pkcs12Signer) -> None:
    from core.filings import build_910

    xml = build_910(declaration(half=2))
    final = xml.replace(b'<field name="dt_regular">', b'<field name="dt_final">true</field><field name="dt_regular">')
    submission = await cabinet.submit(signer.sign(final), "k-final")
    assert submission.status is SubmissionState.ACCEPTED, submission.reasons
