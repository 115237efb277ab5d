"""The sandbox taxpayer register answers like the state lookup by ИИН: not found until an application, then the ИП
with its start date after the delay (a manual clock); the same over HTTP, including errors, and nested under the
local-mode eGov app."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from dialogs.adapters.registration import LookupAdapter, local_registration
from dialogs.effects.ports import EffectUnavailable
from dialogs.effects.registration_ports import RegistrationApplication
from dialogs.testing import VALID_IIN
from integrations.common.clock import ManualClock
from integrations.egov import (
    HttpTaxpayerLookup,
    LocalTaxpayerLookup,
    SandboxRegister,
    TaxpayerLookupError,
    TaxpayerRecord,
)
from integrations.egov.server import create_app

START = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
DELAY = dt.timedelta(minutes=30)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def register(clock: ManualClock) -> SandboxRegister:
    return SandboxRegister(clock=clock, delay=DELAY)


@pytest.fixture
async def server(register: SandboxRegister) -> AsyncIterator[TestServer]:
    outer = web.Application()
    outer.add_subapp("/egov/taxpayers", create_app(register))  # as local mode nests it under /egov
    async with TestServer(outer) as running:
        yield running


async def test_not_found_until_applied_then_registered_after_the_delay(
    register: SandboxRegister, clock: ManualClock
) -> None:
    lookup = LocalTaxpayerLookup(register)
    assert await lookup.find(VALID_IIN) is None
    register.apply(VALID_IIN, "ИВАНОВ ИВАН", start=dt.date(2026, 12, 3), oked=("95.12.0",), kato="710000000")
    clock.advance(DELAY - dt.timedelta(seconds=1))
    assert await lookup.find(VALID_IIN) is None
    clock.advance(dt.timedelta(seconds=1))
    found = await lookup.find(VALID_IIN)
    assert found is not None
    assert (found.registered_on, found.status, found.oked, found.kato) == (
        dt.date(2026, 12, 3),
        "active",
        ("95.12.0",),
        "710000000",
    )


async def test_without_a_start_date_the_registration_day_counts(clock: ManualClock) -> None:
    register = SandboxRegister(clock=clock, delay=dt.timedelta(hours=14))  # registered at 01:00 the next day, KZ
    register.apply(VALID_IIN, "ИВАНОВ")
    clock.advance(dt.timedelta(hours=15))
    found = register.find_now(VALID_IIN)
    assert found is not None
    assert found.registered_on == dt.date(2026, 12, 2)


async def test_a_second_application_keeps_the_first(register: SandboxRegister, clock: ManualClock) -> None:
    first = register.apply(VALID_IIN, "ИВАНОВ", start=dt.date(2026, 12, 1))
    clock.advance(dt.timedelta(minutes=10))
    again = register.apply(VALID_IIN, "ПЕТРОВ", start=dt.date(2027, 1, 1))
    assert again == first


async def test_closed_and_bad_iin(register: SandboxRegister) -> None:
    register.register(TaxpayerRecord(VALID_IIN, "ИВАНОВ", dt.date(2024, 3, 1)))
    register.close(VALID_IIN)
    found = register.find_now(VALID_IIN)
    assert found is not None
    assert found.status == "closed"
    with pytest.raises(TaxpayerLookupError) as caught:
        register.find_now("12345")
    assert caught.value.code == "bad_request"


async def test_over_http(server: TestServer, register: SandboxRegister, clock: ManualClock) -> None:
    async with HttpTaxpayerLookup(str(server.make_url("/egov/taxpayers")), attempts=1) as client:
        assert await client.find(VALID_IIN) is None
        await client.apply(VALID_IIN, "ИВАНОВ ИВАН", start="2026-12-01", oked=["95.12.0"], kato="710000000")
        assert await client.find(VALID_IIN) is None
        clock.advance(DELAY)
        found = await client.find(VALID_IIN)
        assert found is not None
        assert found.registered_on == dt.date(2026, 12, 1)
        assert found.name == "ИВАНОВ ИВАН"
        with pytest.raises(TaxpayerLookupError):
            await client.find("abc")
        with pytest.raises(TaxpayerLookupError) as caught:
            await client.apply("1", "X")
        assert caught.value.code == "bad_request"


async def test_a_bad_application_body_is_400(server: TestServer) -> None:
    url = server.make_url("/egov/taxpayers/v1/applications")
    async with aiohttp.ClientSession() as http, http.post(url, data=b"not json") as response:
        assert response.status == 400
        assert (await response.json())["error"] == "bad_request"


async def test_transport_failure_is_unavailable_for_the_chat() -> None:
    client = HttpTaxpayerLookup("http://127.0.0.1:9", attempts=2, backoff=0.0, timeout=2.0)
    try:
        with pytest.raises(EffectUnavailable):
            await LookupAdapter(client).find(VALID_IIN)
    finally:
        await client.close()


async def test_the_local_ports_register_after_submission(clock: ManualClock) -> None:
    local = local_registration(DELAY, clock=clock)
    assert local.ports.registrar is not None
    await local.ports.registrar.submitted(
        RegistrationApplication(VALID_IIN, "ИВАНОВ", dt.date(2026, 12, 1), ("95.12.0",), "710000000")
    )
    assert await local.ports.lookup.find(VALID_IIN) is None
    clock.advance(DELAY)
    found = await local.ports.lookup.find(VALID_IIN)
    assert found is not None
    assert found.registered_on == dt.date(2026, 12, 1)
