"""``register_invoice`` / ``invoice_status``: what a chat flow calls — idempotent and audited."""

from __future__ import annotations

import asyncio

import pytest

from integrations.esf import InvoiceDeclinedError, invoice_status, register_invoice
from integrations.signing import Pkcs12Signer, SigningContext
from integrations.signing.kept_key import MemoryAudit
from tests.integrations.esf.conftest import Stand
from tests.integrations.esf.documents import NON_VAT, SELLER_TOO, VAT_2026, document

CONTEXT = SigningContext("user-1", "invoice-42", "esf")


async def test_register_then_follow_the_status(stand: Stand, signer: Pkcs12Signer) -> None:
    audit = MemoryAudit()
    async with stand.aclient() as client:
        registration = await register_invoice(client, document(NON_VAT), signer, CONTEXT, audit=audit)
        assert (registration.num, registration.date, registration.already_registered) == ("1", "20.11.2026", False)
        queued = await invoice_status(client, registration.invoice_id)
        stand.clock.advance(seconds=15)
        created = await invoice_status(client, registration.invoice_id)
        assert await invoice_status(client, 999) is None
    assert queued is not None
    assert queued.status == "IN_QUEUE"
    assert created is not None
    assert created.status == "CREATED"
    assert created.registration_number
    assert [e[0] for e in audit.events] == ["esf.uploaded"]
    assert audit.events[0][2]["invoice_id"] == str(registration.invoice_id)


async def test_double_tap_registers_once(stand: Stand, signer: Pkcs12Signer) -> None:
    audit = MemoryAudit()
    async with stand.aclient(tin=SELLER_TOO) as client:
        first, second = await asyncio.gather(
            register_invoice(client, document(VAT_2026), signer, CONTEXT, audit=audit),
            register_invoice(client, document(VAT_2026), signer, CONTEXT, audit=audit),
        )
        again = await register_invoice(client, document(VAT_2026), signer, CONTEXT, audit=audit)
    assert first.invoice_id == second.invoice_id == again.invoice_id
    assert len(stand.sandbox.invoices) == 1
    assert sorted(e[0] for e in audit.events) == ["esf.already_registered", "esf.already_registered", "esf.uploaded"]


async def test_same_number_other_content_is_declined(stand: Stand, signer: Pkcs12Signer) -> None:
    async with stand.aclient() as client:
        await register_invoice(client, document(NON_VAT), signer, CONTEXT)
        changed = document(NON_VAT, items=[{"description": "Другое", "quantity": 1, "price": 5}])
        with pytest.raises(InvoiceDeclinedError) as caught:
            await register_invoice(client, changed, signer, CONTEXT)
    assert caught.value.codes == ["NOT_UNIQUE_NUMBER_AND_DATE"]


async def test_locally_invalid_is_never_signed_or_sent(stand: Stand, signer: Pkcs12Signer) -> None:
    audit = MemoryAudit()
    bad = document(NON_VAT, buyer={"name": "b", "tin": "240140000121"})
    async with stand.aclient() as client:
        with pytest.raises(InvoiceDeclinedError) as caught:
            await register_invoice(client, bad, signer, CONTEXT, audit=audit)
    assert caught.value.codes == ["INVALID_CUSTOMER_TIN"]
    assert stand.sandbox.sessions == {}
    assert [e[0] for e in audit.events] == ["esf.refused_locally"]
