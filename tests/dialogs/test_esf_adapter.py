"""``dialogs.adapters.esf``: local mode's ESF sandbox in process (zeep through ``InProcessTransport``, no socket), in
test mode with the NCA test key and with the sandbox CA's keys of the simulated phone; uploads are idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dialogs.adapters.esf import LocalEsf, local_esf
from dialogs.effects.esf_ports import EsfAnswer
from dialogs.effects.ports import SignCheck, SignDocument, SignLink
from integrations.esf.sandbox import ManualClock
from integrations.esf.signature import signing_payload
from integrations.signing import CertificatePolicy, Pkcs12Signer
from integrations.signing.sandbox_keys import SandboxCA, SandboxPolicy
from tests.integrations.esf.documents import NON_VAT
from tests.integrations.signing.keys import RSA_PASSWORD, TEST_IIN, VALID_IIN, VALID_SIGN

START = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)


class NoPhone:
    def request(self, xml: bytes, document: SignDocument) -> SignLink:
        raise AssertionError("not used here")

    def check(self, request_id: str) -> SignCheck:
        return SignCheck("unknown")


def mapping(tin: str) -> dict[str, Any]:
    return {**NON_VAT, "seller": {**NON_VAT["seller"], "tin": tin}, "number": "1202600001", "date": "2026-12-01"}


async def upload_and_follow(esf: LocalEsf, clock: ManualClock, signer: Pkcs12Signer, tin: str) -> list[EsfAnswer]:
    prepared = esf.ports.builder.prepare(mapping(tin), tin)
    assert prepared.problems == ()
    signed = signer.sign(signing_payload(prepared.body))
    first = await esf.ports.gateway.upload(tin, prepared.body, signed)
    again = await esf.ports.gateway.upload(tin, prepared.body, signed)  # a replay: the same invoice, not a second
    clock.advance(seconds=20)
    assert first.invoice_id is not None
    done = await esf.ports.gateway.status(tin, first.certificate, first.invoice_id)
    return [first, again, done]


async def test_test_mode_accepts_the_nca_test_key() -> None:
    clock = ManualClock(START)
    policy = CertificatePolicy(allow_test_keys=True, clock=clock.now)
    esf = local_esf(NoPhone(), policy, test_mode=True, clock=clock.now)
    signer = Pkcs12Signer.from_pkcs12(VALID_SIGN.read_bytes(), RSA_PASSWORD, policy)
    first, again, done = await upload_and_follow(esf, clock, signer, TEST_IIN)
    assert first.status == "IN_QUEUE"
    assert (again.invoice_id, again.already_registered) == (first.invoice_id, True)
    assert done.status == "CREATED"
    assert done.registration_number
    assert len(esf.sandbox.invoices) == 1


async def test_the_simulated_phones_keys_are_accepted_and_strangers_are_not() -> None:
    clock = ManualClock(START)
    ca = SandboxCA.create(now=START - dt.timedelta(days=1))
    policy = SandboxPolicy(sandbox=ca, clock=clock.now)
    esf = local_esf(NoPhone(), policy, clock=clock.now)
    ca.issue(VALID_IIN, now=START - dt.timedelta(days=1))
    first, _, done = await upload_and_follow(esf, clock, ca.signer(VALID_IIN, policy), VALID_IIN)
    assert (first.status, done.status) == ("IN_QUEUE", "CREATED")
    # a key of another CA (not trusted by the local policy) is declined with ИС ЭСФ's code
    other = SandboxCA.create(now=START - dt.timedelta(days=1))
    other.issue(VALID_IIN, now=START - dt.timedelta(days=1))
    stranger = other.signer(VALID_IIN, SandboxPolicy(sandbox=other, clock=clock.now))
    prepared = esf.ports.builder.prepare({**mapping(VALID_IIN), "number": "1202600002"}, VALID_IIN)
    refused = await esf.ports.gateway.upload(VALID_IIN, prepared.body, stranger.sign(signing_payload(prepared.body)))
    assert refused.invoice_id is None
    assert refused.problems
    assert refused.problems[0].code.startswith(("CERTIFICATE", "SIGNATURE"))
