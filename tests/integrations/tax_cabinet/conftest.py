"""Fixtures: a declaration signed with the NCA test key, a sandbox on a manual clock, served over loopback HTTP."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import pytest
from aiohttp.test_utils import TestServer

from core.calc import declaration_910
from core.filings import Declaration910, Taxpayer, additional_910, build_910, declaration_from_result
from integrations.signing import CertificatePolicy, Pkcs12Signer
from integrations.tax_cabinet import HttpTaxCabinet, ManualClock, SandboxCabinet
from integrations.tax_cabinet.server import create_app
from tests.integrations.signing.keys import RSA_PASSWORD, TEST_IIN, VALID_SIGN

START = dt.datetime(2026, 8, 3, 9, 0, tzinfo=dt.UTC)
TAXPAYER = Taxpayer(TEST_IIN, "ТЕСТОВ ТЕСТ")


def declaration(income: int = 12_000_000, *, year: int = 2026, half: int = 1) -> Declaration910:
    result = declaration_910(year, half, income=Decimal(income), place="astana")
    return declaration_from_result(result, TAXPAYER, submit_date=START.date(), allow_test_iin=True)


def additional(original: Declaration910, number: str, income: int) -> Declaration910:
    corrected = declaration_910(original.year, original.half, income=Decimal(income), place="astana")
    return additional_910(original, number, corrected, submit_date=START.date(), allow_test_iin=True)


@pytest.fixture(scope="session")
def signer() -> Pkcs12Signer:
    return Pkcs12Signer.from_pkcs12(VALID_SIGN.read_bytes(), RSA_PASSWORD, CertificatePolicy(allow_test_keys=True))


@pytest.fixture
def sign(signer: Pkcs12Signer) -> Callable[[Declaration910], bytes]:
    return lambda decl: signer.sign(build_910(decl))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def sandbox(clock: ManualClock) -> SandboxCabinet:
    return SandboxCabinet(test_mode=True, clock=clock, processing_delay=dt.timedelta(minutes=10), office="6205")


@pytest.fixture
async def server(sandbox: SandboxCabinet) -> AsyncIterator[TestServer]:
    srv = TestServer(create_app(sandbox), host="127.0.0.1")
    await srv.start_server()
    yield srv
    await srv.close()


@pytest.fixture
async def cabinet(server: TestServer) -> AsyncIterator[HttpTaxCabinet]:
    async with HttpTaxCabinet(str(server.make_url("/")), backoff=0) as client:
        yield client
