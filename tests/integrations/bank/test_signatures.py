"""The sandbox bank that requires the payer's signature: over loopback HTTP, a signed document naming the order
(key and substance digest) signed by the payer goes through; unsigned, wrong signer, another order's document and
a signature that does not verify are rejected at once, nothing debited."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from aiohttp.test_utils import TestServer

from core.payments import PaymentOrder, idempotency_key
from core.payments.model import substance_digest
from integrations.bank import HttpBank, ManualClock, SandboxBank
from integrations.bank.server import create_app
from tests.integrations.bank.conftest import PAYER, STEP

GOOD = b"<signed/>"  # what the fake verifier accepts as the payer's signature


def signer_of(signed: bytes) -> str | None:
    """A stand-in for XMLDSig verification: ``<signed/>`` in the document → the payer, ``<other/>`` → someone else."""
    if GOOD in signed:
        return PAYER.iin
    return "860101300005" if b"<other/>" in signed else None


def document(order: PaymentOrder, key: str, mark: bytes = GOOD) -> bytes:
    return (
        f'<paymentOrders><order key="{key}" digest="{substance_digest(order)}"/>'.encode() + mark + b"</paymentOrders>"
    )


@pytest.fixture
async def signed_bank(clock: ManualClock) -> AsyncIterator[tuple[SandboxBank, HttpBank]]:
    sandbox = SandboxBank(
        clock=clock, confirm_delay=STEP, start_delay=STEP, execute_delay=STEP, verify_signature=signer_of
    )
    sandbox.open_account(PAYER.iban, PAYER.iin, Decimal(100_000))
    server = TestServer(create_app(sandbox), host="127.0.0.1")
    await server.start_server()
    async with HttpBank(str(server.make_url("/")), backoff=0) as client:
        yield sandbox, client
    await server.close()


async def test_a_signed_order_is_executed(
    signed_bank: tuple[SandboxBank, HttpBank], orders: list[PaymentOrder], clock: ManualClock
) -> None:
    sandbox, bank = signed_bank
    order = orders[0]
    key = idempotency_key(order)
    sent = await bank.send(order, key, document(order, key))
    assert sent.reasons == ()
    clock.advance(dt.timedelta(minutes=5))
    assert str((await bank.status(sent.id)).state) == "executed"
    assert sandbox.balance(PAYER.iban) == Decimal(100_000) - order.amount


@pytest.mark.parametrize("case", ["unsigned", "does_not_verify", "another_signer", "another_order"])
async def test_a_badly_signed_order_is_rejected(
    signed_bank: tuple[SandboxBank, HttpBank], orders: list[PaymentOrder], clock: ManualClock, case: str
) -> None:
    sandbox, bank = signed_bank
    order, other = orders[0], orders[1]
    key = idempotency_key(order)
    signature = {
        "unsigned": None,
        "does_not_verify": document(order, key, b"<broken/>"),
        "another_signer": document(order, key, b"<other/>"),
        "another_order": document(other, idempotency_key(other)),
    }[case]
    sent = await bank.send(order, key, signature)
    assert str(sent.state) == "rejected"
    assert sent.reasons[0].code == ("unsigned" if case == "unsigned" else "bad_signature")
    assert sent.reasons[0].text_kk
    clock.advance(dt.timedelta(minutes=5))
    assert sandbox.balance(PAYER.iban) == Decimal(100_000)


async def test_a_signature_that_is_not_base64_is_a_bad_request(
    signed_bank: tuple[SandboxBank, HttpBank], orders: list[PaymentOrder]
) -> None:
    _, bank = signed_bank
    status, payload = await bank._exchange(
        "POST",
        "/v1/orders",
        json={**orders[0].to_json(), "signature_base64": "%%%"},
        headers={"Idempotency-Key": "k-1"},
    )
    assert status == 400
    assert payload["error"] == "bad_signature"
