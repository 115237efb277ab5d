"""The sandbox bank over loopback HTTP: executed, rejected for funds, rejected for requisites, idempotency, duplicates,
statements."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from core.payments import PaymentOrder
from integrations.bank import (
    BadRequestError,
    Bank,
    HttpBank,
    IdempotencyConflictError,
    LocalBank,
    ManualClock,
    OrderState,
    SandboxBank,
    UnknownOrderError,
)
from tests.integrations.bank.conftest import PAYER, START, STEP

S = OrderState


def _states(order: object) -> list[OrderState]:
    return [s for s, _ in order.history]  # type: ignore[attr-defined]


async def test_order_moves_to_executed_and_debits(
    bank: HttpBank, clock: ManualClock, orders: list[PaymentOrder]
) -> None:
    opv = orders[0]
    sent = await bank.send(opv, "key-opv-1")
    assert sent.state is S.CREATED
    assert sent.amount == opv.amount
    clock.advance(STEP)
    assert (await bank.status(sent.id)).state is S.CONFIRMED
    clock.advance(STEP)
    assert (await bank.status(sent.id)).state is S.IN_PROGRESS
    clock.advance(STEP)
    done = await bank.status(sent.id)
    assert done.state is S.EXECUTED
    assert _states(done) == [S.CREATED, S.CONFIRMED, S.IN_PROGRESS, S.EXECUTED]
    assert done.updated_at == START + 3 * STEP
    statement = await bank.statement(PAYER.iban, START.date(), START.date())
    assert [(e.order_id, e.amount, e.direction, e.knp) for e in statement.debits] == [
        (sent.id, opv.amount, "debit", "010")
    ]
    assert statement.opening_balance == Decimal(100_000)
    assert statement.closing_balance == Decimal(100_000) - opv.amount
    assert statement.entries[0].counterparty_iban == opv.beneficiary.iban


async def test_same_key_twice_is_one_order_and_one_debit(
    bank: HttpBank, clock: ManualClock, sandbox: SandboxBank, orders: list[PaymentOrder]
) -> None:
    first = await bank.send(orders[0], "double-tap")
    second = await bank.send(orders[0], "double-tap")
    assert second.id == first.id
    clock.advance(3 * STEP)
    third = await bank.send(orders[0], "double-tap")  # a retry after execution
    assert third.id == first.id
    assert third.state is S.EXECUTED
    assert sandbox.balance(PAYER.iban) == Decimal(100_000) - orders[0].amount
    statement = await bank.statement(PAYER.iban, START.date(), START.date())
    assert len(statement.debits) == 1


async def test_key_reused_for_another_order_is_a_conflict(bank: HttpBank, orders: list[PaymentOrder]) -> None:
    await bank.send(orders[0], "k1")
    with pytest.raises(IdempotencyConflictError):
        await bank.send(orders[1], "k1")


async def test_same_order_under_a_new_key_is_rejected_as_duplicate(
    bank: HttpBank, clock: ManualClock, sandbox: SandboxBank, orders: list[PaymentOrder]
) -> None:
    first = await bank.send(orders[0], "k-a")
    dup = await bank.send(orders[0], "k-b")
    assert dup.id != first.id
    assert dup.state is S.REJECTED
    assert dup.duplicate_of == first.id
    assert [r.code for r in dup.reasons] == ["duplicate"]
    assert dup.reasons[0].text_kk
    clock.advance(3 * STEP)
    assert sandbox.balance(PAYER.iban) == Decimal(100_000) - orders[0].amount


async def test_insufficient_funds_is_rejected_without_debit(
    bank: HttpBank, clock: ManualClock, sandbox: SandboxBank, orders: list[PaymentOrder]
) -> None:
    big = replace(orders[2], number="77")
    sandbox.open_account(PAYER.iban, PAYER.iin, Decimal(1_000))
    sent = await bank.send(big, "k-funds")
    clock.advance(3 * STEP)
    status = await bank.status(sent.id)
    assert status.state is S.REJECTED
    assert _states(status) == [S.CREATED, S.CONFIRMED, S.IN_PROGRESS, S.REJECTED]
    assert [r.code for r in status.reasons] == ["insufficient_funds"]
    assert "Недостаточно" in status.reasons[0].text_ru
    assert sandbox.balance(PAYER.iban) == Decimal(1_000)
    assert (await bank.statement(PAYER.iban, START.date(), START.date())).entries == ()
    # topped up, the same payment can be sent again under a new key (the rejected one is not a live duplicate)
    sandbox.open_account(PAYER.iban, PAYER.iin, Decimal(100_000))
    again = await bank.send(big, "k-funds-2")
    clock.advance(3 * STEP)
    assert (await bank.status(again.id)).state is S.EXECUTED


async def test_debits_run_in_order_until_the_money_runs_out(
    bank: HttpBank, clock: ManualClock, sandbox: SandboxBank, orders: list[PaymentOrder]
) -> None:
    sandbox.open_account(PAYER.iban, PAYER.iin, Decimal(50_000))  # ОПВ 30 000 + ОПВР 10 500 fit, СО 15 000 does not
    sent = [await bank.send(o, f"k-{o.number}") for o in orders]
    clock.advance(3 * STEP)
    states = [(await bank.status(s.id)).state for s in sent]
    assert states == [S.EXECUTED, S.EXECUTED, S.REJECTED, S.EXECUTED]  # ВОСМС 5 950 still fits after СО fails
    assert sandbox.balance(PAYER.iban) == Decimal(50_000) - 30_000 - 10_500 - 5_950


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda o: replace(o, beneficiary=replace(o.beneficiary, iban="KZ24070105KSN0000000")),
         "requisites:beneficiary_mismatch"),
        (lambda o: replace(o, beneficiary=replace(o.beneficiary, iban="KZ00009NPS0413609816")),
         "requisites:iban_invalid"),
        (lambda o: replace(o, kbk="901101"), "requisites:kbk_unexpected"),
        (lambda o: replace(o, payer=replace(o.payer, bic="XXXX")), "requisites:bic_invalid"),
        (lambda o: replace(o, payer=replace(o.payer, iban="KZ31601A000000000001")), "payer_account_unknown"),
        (lambda o: replace(o, payer=replace(o.payer, idn="900101300811")), "payer_account_unknown"),
    ],
)  # fmt: skip
async def test_wrong_requisites_are_rejected(
    bank: HttpBank, clock: ManualClock, sandbox: SandboxBank, orders: list[PaymentOrder], change: object, code: str
) -> None:
    bad = change(orders[0])  # type: ignore[operator]
    sent = await bank.send(bad, "k-bad")
    assert sent.state is S.CREATED
    clock.advance(STEP)
    status = await bank.status(sent.id)
    assert status.state is S.REJECTED
    assert _states(status) == [S.CREATED, S.REJECTED]
    assert code in [r.code for r in status.reasons]
    clock.advance(5 * STEP)
    assert sandbox.balance(PAYER.iban) == Decimal(100_000)


async def test_unknown_order_and_account(bank: HttpBank) -> None:
    with pytest.raises(UnknownOrderError):
        await bank.status("BK99999999")
    with pytest.raises(UnknownOrderError):
        await bank.statement("KZ31601A000000000001", START.date(), START.date())


async def test_bad_requests(server: TestServer, orders: list[PaymentOrder]) -> None:
    async with HttpBank(str(server.make_url("/")), backoff=0) as bank:
        with pytest.raises(BadRequestError):
            await bank.send(orders[0], "")
    async with aiohttp.ClientSession() as http:
        url = server.make_url("/v1/orders")
        async with http.post(url, data=b"not json", headers={"Idempotency-Key": "x"}) as resp:
            assert resp.status == 400
            assert (await resp.json())["error"] == "bad_json"
        async with http.post(url, json={"kind": "opv"}, headers={"Idempotency-Key": "y"}) as resp:
            assert resp.status == 400
            assert (await resp.json())["error"] == "bad_order"
        statement = server.make_url(f"/v1/accounts/{PAYER.iban}/statement")
        async with http.get(statement, params={"from": "2026-13-01", "to": "2026-12-01"}) as resp:
            assert resp.status == 400
        async with http.post(server.make_url("/v1/sandbox/accounts"), json={"iban": "KZ31601A000000000001"}) as resp:
            assert resp.status == 400


async def test_accounts_opened_over_http_and_credit_inside_the_bank(
    server: TestServer, bank: HttpBank, clock: ManualClock, orders: list[PaymentOrder]
) -> None:
    from core.payments import CardAccount, own_transfer_order

    card = "KZ31601A000000000001"
    async with aiohttp.ClientSession() as http:
        body = {"iban": card, "holder": PAYER.iin, "balance": "0"}
        async with http.post(server.make_url("/v1/sandbox/accounts"), json=body) as resp:
            assert resp.status == 200
    transfer = own_transfer_order(PAYER, CardAccount(card, "HSBKKZKX"), Decimal(20_000), on=START.date(), number=9)
    sent = await bank.send(transfer, "k-card")
    clock.advance(3 * STEP)
    assert (await bank.status(sent.id)).state is S.EXECUTED
    card_statement = await bank.statement(card, START.date(), START.date())
    assert [(e.direction, e.amount) for e in card_statement.entries] == [("credit", Decimal(20_000))]
    assert card_statement.closing_balance == Decimal(20_000)


async def test_statement_period_and_opening_balance(
    bank: HttpBank, clock: ManualClock, orders: list[PaymentOrder]
) -> None:
    await bank.send(orders[0], "day1")
    clock.advance(dt.timedelta(days=1))
    await bank.send(orders[1], "day2")
    clock.advance(3 * STEP)
    day2 = START.date() + dt.timedelta(days=1)
    second = await bank.statement(PAYER.iban, day2, day2)
    assert [e.knp for e in second.debits] == ["089"]
    assert second.opening_balance == Decimal(100_000) - orders[0].amount
    both = await bank.statement(PAYER.iban, START.date(), day2)
    assert len(both.debits) == 2
    assert both.closing_balance == Decimal(100_000) - orders[0].amount - orders[1].amount


async def test_client_retries_with_the_same_key_after_a_lost_connection(
    sandbox: SandboxBank, server: TestServer, orders: list[PaymentOrder]
) -> None:
    calls = {"n": 0}
    real = sandbox.send

    def flaky(raw: dict[str, object], key: str) -> object:
        result = real(raw, key)  # the bank records the order …
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("connection dropped before the answer")  # … but the answer is lost (HTTP 500)
        return result

    sandbox.send = flaky  # type: ignore[method-assign,assignment]
    async with HttpBank(str(server.make_url("/")), backoff=0, attempts=3) as bank:
        sent = await bank.send(orders[0], "retry-key")
    assert calls["n"] == 2
    assert len([k for k in sandbox._by_key if k == "retry-key"]) == 1
    assert sent.id == "BK00000001"


async def test_transport_error_is_a_bank_error() -> None:
    from integrations.bank import BankError

    async with HttpBank("http://127.0.0.1:9", attempts=1, timeout=2) as bank:
        with pytest.raises(BankError) as err:
            await bank.status("x")
    assert err.value.code == "transport"


async def test_local_bank_speaks_the_same_protocol(
    sandbox: SandboxBank, clock: ManualClock, orders: list[PaymentOrder]
) -> None:
    local: Bank = LocalBank(sandbox)
    sent = await local.send(orders[0], "local")
    assert (await local.send(orders[0], "local")).id == sent.id
    clock.advance(3 * STEP)
    assert (await local.status(sent.id)).state is S.EXECUTED
    assert len((await local.statement(PAYER.iban, START.date(), START.date())).debits) == 1


async def test_an_order_the_rules_cannot_check_is_rejected_not_a_crash(
    bank: HttpBank, clock: ManualClock, orders: list[PaymentOrder]
) -> None:
    old = replace(orders[0], value_date=dt.date(2020, 1, 1))
    sent = await bank.send(old, "k-old")
    clock.advance(STEP)
    status = await bank.status(sent.id)
    assert status.state is S.REJECTED
    assert status.reasons[0].code == "requisites:value_date_unsupported"
    assert (await bank.send(orders[1], "k-next")).state is S.CREATED  # the bank still works


async def test_same_key_for_the_order_rebuilt_another_day_is_the_same_order(
    bank: HttpBank, clock: ManualClock, orders: list[PaymentOrder]
) -> None:
    from core.payments import idempotency_key

    first = await bank.send(orders[0], idempotency_key(orders[0]))
    later = START.date() + dt.timedelta(days=3)
    rebuilt = replace(orders[0], number="12", date=later, value_date=later)
    assert (await bank.send(rebuilt, idempotency_key(rebuilt))).id == first.id
    changed = replace(orders[0], amount=orders[0].amount + 1, calculated=orders[0].amount + 1)
    with pytest.raises(IdempotencyConflictError):
        await bank.send(changed, idempotency_key(orders[0]))
