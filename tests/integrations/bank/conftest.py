"""Fixtures: a sandbox bank on a manual clock served over loopback HTTP, an ИП with an account, the month's orders."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from aiohttp.test_utils import TestServer

from core.calc import self_payments
from core.payments import Payer, PaymentOrder, monthly_orders
from integrations.bank import HttpBank, ManualClock, SandboxBank
from integrations.bank.server import create_app

START = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
PAYER = Payer("900101300007", "Иванов Иван Иванович", "KZ18722S000012345678", "CASPKZKA")
STEP = dt.timedelta(minutes=1)


@pytest.fixture
def orders() -> list[PaymentOrder]:
    return monthly_orders(PAYER, "2026-10", own=self_payments("2026-10", Decimal(300_000)), on=START.date())


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def sandbox(clock: ManualClock) -> SandboxBank:
    bank = SandboxBank(clock=clock, confirm_delay=STEP, start_delay=STEP, execute_delay=STEP)
    bank.open_account(PAYER.iban, PAYER.iin, Decimal(100_000))
    return bank


@pytest.fixture
async def server(sandbox: SandboxBank) -> AsyncIterator[TestServer]:
    srv = TestServer(create_app(sandbox), host="127.0.0.1")
    await srv.start_server()
    yield srv
    await srv.close()


@pytest.fixture
async def bank(server: TestServer) -> AsyncIterator[HttpBank]:
    async with HttpBank(str(server.make_url("/")), backoff=0) as client:
        yield client
