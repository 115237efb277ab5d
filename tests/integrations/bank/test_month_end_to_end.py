"""A month paid end to end: the core builds and validates the orders, the client sends them with per-obligation keys,
the sandbox executes them; a resumed flow (crash after sending, before recording) sends again and nothing is paid
twice; the statement's debits equal the engine's total."""

from __future__ import annotations

from decimal import Decimal

from core.calc import payroll, self_payments
from core.payments import (
    Employee,
    idempotency_key,
    monthly_orders,
    platform_fee_order,
    summary,
    tax_office,
    total,
    validate,
)
from core.settings import get_settings
from integrations.bank import HttpBank, ManualClock, OrderState, SandboxBank
from tests.integrations.bank.conftest import PAYER, START, STEP


async def test_a_month_with_an_employee_and_the_fee(bank: HttpBank, clock: ManualClock, sandbox: SandboxBank) -> None:
    await bank.open_sandbox_account(PAYER.iban, PAYER.iin, Decimal(500_000))
    on = START.date()
    own = self_payments("2026-10", Decimal(300_000))
    staff = [Employee("900101300811", "Петров Пётр Петрович", payroll("2026-10", Decimal(250_000)))]
    orders = monthly_orders(PAYER, "2026-10", own=own, employees=staff, office=tax_office("astana", on), on=on)
    fee = get_settings().PLATFORM_FEE_TENGE
    orders.append(platform_fee_order(PAYER, "2026-10", on=on, number=len(orders) + 1, fee=fee))
    assert all(validate(o) == [] for o in orders)
    assert summary(orders).startswith("К оплате за октябрь 2026 г.: ОПВ")

    sent = {o.number: await bank.send(o, idempotency_key(o)) for o in orders}
    # the process "crashes" before it records the bank ids; the resumed flow rebuilds the orders and sends again
    rebuilt = monthly_orders(PAYER, "2026-10", own=own, employees=staff, office=tax_office("astana", on), on=on)
    rebuilt.append(platform_fee_order(PAYER, "2026-10", on=on, number=len(rebuilt) + 1, fee=fee))
    again = {o.number: await bank.send(o, idempotency_key(o)) for o in rebuilt}
    assert {n: b.id for n, b in again.items()} == {n: b.id for n, b in sent.items()}

    clock.advance(3 * STEP)
    final = [await bank.status(b.id) for b in sent.values()]
    assert [b.state for b in final] == [OrderState.EXECUTED] * len(orders)
    statement = await bank.statement(PAYER.iban, START.date(), START.date())
    assert sum(e.amount for e in statement.debits) == total(orders)
    assert len(statement.debits) == len(orders)
    assert sandbox.balance(PAYER.iban) == Decimal(500_000) - total(orders)
    assert total(orders) == own.total + staff[0].payroll.total + 2000
