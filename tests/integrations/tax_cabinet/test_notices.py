"""The sandbox cabinet's notices and explanations over loopback HTTP: issued on test-controlled events, listed per
taxpayer and since a moment, read back by ``core.notices``; an explanation signed, registered once per key, reviewed
on the clock (the notice closed) or rejected with reasons."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from core.notices import NoticeType, read_text
from core.notices.explanation import Explanation, build_explanation, parse_explanation
from integrations.signing import Pkcs12Signer
from integrations.tax_cabinet import (
    ExplanationState,
    HttpTaxCabinet,
    IdempotencyConflictError,
    ManualClock,
    SandboxCabinet,
    UnknownSubmissionError,
)
from tests.integrations.signing.keys import TEST_IIN
from tests.integrations.tax_cabinet.conftest import START

OTHER_IIN = "900101300007"
AMOUNTS = {
    "non_filing": {},
    "arrears": {"debt": Decimal(150_000), "penalty": Decimal("2219.18")},
    "desk_audit": {"declared": Decimal(12_000_000), "third_party": Decimal(14_500_000)},
    "account_suspension": {"debt": Decimal("152219.18")},
    "vat_registration": {"turnover": Decimal(45_000_000), "threshold": Decimal(43_250_000)},
    "information": {},
}


def explanation(number: str, text: str = "Доход задекларирован полностью.", iin: str = TEST_IIN) -> bytes:
    doc = Explanation(iin, "ТЕСТОВ ТЕСТ", number, START.date(), "desk_audit", START.date(), text)
    return build_explanation(doc)


@pytest.mark.parametrize("kind", [k.value for k in NoticeType])
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_each_notice_type_reads_back_with_its_figures(sandbox: SandboxCabinet, kind: str, lang: str) -> None:
    period = "2026" if kind == "vat_registration" else "2026-H1"
    issued = sandbox.issue_notice(
        TEST_IIN, kind, period=period, form="910.00", payment="ipn", amounts=AMOUNTS[kind], delivered=START.date()
    )
    read = read_text(issued.text_kk if lang == "kk" else issued.text_ru)
    assert read.type.value == kind
    assert read.number == issued.details["number"] == "6205-26-00001"
    assert read.date == START.date()
    if kind != "information":
        assert read.delivered == START.date()
    for key, value in AMOUNTS[kind].items():
        if key in read.amounts:
            assert read.amounts[key] == value
    assert {k for k in ("debt", "declared", "turnover") if k in AMOUNTS[kind]} <= set(read.amounts)
    deadline = read.deadline.date.isoformat() if read.deadline else None
    assert deadline == issued.details["deadline"]


def test_non_filing_is_issued_only_for_a_half_year_not_filed(sandbox: SandboxCabinet) -> None:
    notice = sandbox.issue_if_not_filed(TEST_IIN, 2026, 1)
    assert notice is not None
    assert notice.details["period"] == "2026-H1"
    assert notice.details["form"] == "910.00"


async def test_notices_are_listed_per_taxpayer_and_since(
    cabinet: HttpTaxCabinet, sandbox: SandboxCabinet, clock: ManualClock
) -> None:
    first = sandbox.issue_notice(TEST_IIN, "information")
    clock.advance(dt.timedelta(minutes=1))
    sandbox.issue_notice(OTHER_IIN, "arrears", period="2026-H1", payment="ipn", amounts=AMOUNTS["arrears"])
    clock.advance(dt.timedelta(minutes=1))
    third = sandbox.issue_notice(TEST_IIN, "desk_audit", period="2026-H1", amounts=AMOUNTS["desk_audit"])
    mine = await cabinet.list_notices(iin=TEST_IIN)
    assert [n.id for n in mine] == [first.id, third.id]
    assert all(n.iin == TEST_IIN for n in mine)
    assert [n.id for n in await cabinet.list_notices(since=first.created_at, iin=TEST_IIN)] == [third.id]
    assert len(await cabinet.list_notices()) == 3
    assert await cabinet.get_notice(third.id) == third


async def test_the_sandbox_control_endpoint_issues_a_notice(server: TestServer, cabinet: HttpTaxCabinet) -> None:
    body = {"iin": TEST_IIN, "kind": "arrears", "period": "2026-H1", "payment": "opv", "amounts": {"debt": "5000"}}
    async with aiohttp.ClientSession() as session:
        async with session.post(server.make_url("/v1/sandbox/notices"), json=body) as response:
            assert response.status == 200
            issued = await response.json()
        async with session.post(server.make_url("/v1/sandbox/notices"), json={"iin": TEST_IIN}) as response:
            assert response.status == 400
    assert issued["details"]["amounts"] == {"debt": "5000"}
    assert [n.id for n in await cabinet.list_notices(iin=TEST_IIN)] == [issued["id"]]


async def test_explanation_is_received_then_reviewed_and_closes_the_notice(
    cabinet: HttpTaxCabinet, sandbox: SandboxCabinet, signer: Pkcs12Signer, clock: ManualClock
) -> None:
    notice = sandbox.issue_notice(TEST_IIN, "desk_audit", period="2026-H1", amounts=AMOUNTS["desk_audit"])
    signed = signer.sign(explanation(str(notice.details["number"])))
    sent = await cabinet.send_explanation(signed, "exp-1")
    assert sent.status is ExplanationState.RECEIVED, sent.reasons
    assert sent.registration_number.startswith("SBE6205")
    assert await cabinet.send_explanation(signed, "exp-1") == sent  # the same key: the same explanation
    with pytest.raises(IdempotencyConflictError):
        await cabinet.send_explanation(signer.sign(explanation(str(notice.details["number"]), "Другое.")), "exp-1")
    clock.advance(dt.timedelta(minutes=59))
    assert (await cabinet.explanation_status(sent.registration_number)).status is ExplanationState.RECEIVED
    clock.advance(dt.timedelta(minutes=1))
    status = await cabinet.explanation_status(sent.registration_number)
    assert status.status is ExplanationState.REVIEWED
    assert (await cabinet.get_notice(notice.id)).details["status"] == "closed"
    again = await cabinet.send_explanation(signer.sign(explanation(str(notice.details["number"]))), "exp-2")
    assert again.status is ExplanationState.REJECTED
    assert any(r.startswith("notice:") for r in again.reasons)


async def test_explanation_rejected_with_reasons(
    cabinet: HttpTaxCabinet, sandbox: SandboxCabinet, signer: Pkcs12Signer
) -> None:
    notice = sandbox.issue_notice(OTHER_IIN, "arrears", period="2026-H1", payment="ipn", amounts=AMOUNTS["arrears"])
    unsigned = await cabinet.send_explanation(explanation(str(notice.details["number"])), "u-1")
    assert unsigned.status is ExplanationState.REJECTED
    assert any(r.startswith("signature:") for r in unsigned.reasons)
    foreign = await cabinet.send_explanation(signer.sign(explanation(str(notice.details["number"]))), "u-2")
    assert {r.split(":")[0] for r in foreign.reasons} >= {"notice"}  # the notice is not this taxpayer's
    not_one = await cabinet.send_explanation(signer.sign(b"<other/>"), "u-3")
    assert any(r.startswith("format:") for r in not_one.reasons)
    with pytest.raises(UnknownSubmissionError):
        await cabinet.explanation_status("SBE-nothing")


def test_explanation_document_round_trip() -> None:
    xml = explanation("6205-26-00001", "Текст & «кавычки»")
    doc = parse_explanation(xml)
    assert doc is not None
    assert (doc.notice_number, doc.text, doc.iin) == ("6205-26-00001", "Текст & «кавычки»", TEST_IIN)
    assert parse_explanation(b"not xml") is None
    assert parse_explanation(b"<explanation><date>x</date></explanation>") is None


async def test_the_dialog_adapter_lists_only_the_taxpayers_notices(
    cabinet: HttpTaxCabinet, sandbox: SandboxCabinet, signer: Pkcs12Signer
) -> None:
    from dialogs.adapters.notices import NoticeCabinetAdapter
    from dialogs.effects.ports import EffectUnavailable

    adapter = NoticeCabinetAdapter(cabinet)
    notice = sandbox.issue_notice(TEST_IIN, "desk_audit", period="2026-H1", amounts=AMOUNTS["desk_audit"])
    sandbox.issue_notice(OTHER_IIN, "information")
    found = await adapter.notices(TEST_IIN, None)
    assert [(n.id, n.kind, n.details["number"]) for n in found] == [(notice.id, "desk_audit", "6205-26-00001")]
    answer = await adapter.send_explanation(signer.sign(explanation("6205-26-00001")), "a-1")
    assert (answer.status, answer.final) == ("received", False)
    assert (await adapter.explanation_status(answer.registration_number)).status == "received"
    async with HttpTaxCabinet("http://127.0.0.1:9", backoff=0) as unreachable:
        with pytest.raises(EffectUnavailable):
            await NoticeCabinetAdapter(unreachable).notices(TEST_IIN, None)
