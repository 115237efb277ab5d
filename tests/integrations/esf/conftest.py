"""A running ESF sandbox on 127.0.0.1 (aiohttp test server), its controlled clock, zeep clients against it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from integrations.esf import certificate_base64
from integrations.esf.client import AsyncEsfClient, EsfClient, EsfCredentials
from integrations.esf.sandbox import EsfSandbox, ManualClock, SandboxConfig, SandboxUser
from integrations.esf.server import BASE_PATH, create_app
from integrations.signing import CertificatePolicy, Pkcs12Signer
from tests.integrations.esf.documents import SELLER_IP, SELLER_TOO, TEST_IIN
from tests.integrations.signing.keys import RSA_PASSWORD, VALID_SIGN

PASSWORD = "EsfPass-1"
START = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)  # 11:00 in Almaty, after every test document's date


def certificate_b64(signer: Pkcs12Signer) -> str:
    return certificate_base64(signer.certificate)


def test_signer() -> Pkcs12Signer:
    """The NCA test RSA signing key (ИИН 123456789011), accepted in test mode."""
    return Pkcs12Signer.from_pkcs12(VALID_SIGN.read_bytes(), RSA_PASSWORD, CertificatePolicy(allow_test_keys=True))


@pytest.fixture(scope="session")
def signer() -> Pkcs12Signer:
    return test_signer()


@dataclass
class Stand:
    sandbox: EsfSandbox
    clock: ManualClock
    base_url: str

    def client(self, *, tin: str = SELLER_IP, password: str = PASSWORD, cert: str | None = None) -> EsfClient:
        creds = EsfCredentials(TEST_IIN, SecretStr(password), tin, cert or certificate_b64(test_signer()))
        return EsfClient(self.base_url, creds, timeout=10)

    def aclient(self, *, tin: str = SELLER_IP, password: str = PASSWORD, cert: str | None = None) -> AsyncEsfClient:
        return AsyncEsfClient(self.client(tin=tin, password=password, cert=cert))


async def make_stand(config: SandboxConfig, users: list[SandboxUser] | None = None) -> AsyncIterator[Stand]:
    """Start a sandbox with ``config`` on 127.0.0.1; by default one user (the NCA test ИИН) for the test sellers."""
    clock = ManualClock(START)
    users = users or [SandboxUser(TEST_IIN, PASSWORD, frozenset({SELLER_IP, SELLER_TOO, TEST_IIN}))]
    sandbox = EsfSandbox(users, config=config, clock=clock.now)
    server = TestServer(create_app(sandbox), host="127.0.0.1")
    await server.start_server()
    try:
        yield Stand(sandbox, clock, f"http://127.0.0.1:{server.port}{BASE_PATH}")
    finally:
        await server.close()


@pytest.fixture
async def stand() -> AsyncIterator[Stand]:
    """A sandbox in test mode (the NCA test keys and identities accepted)."""
    async for item in make_stand(SandboxConfig(allow_test_keys=True)):
        yield item


@pytest.fixture
async def production_stand() -> AsyncIterator[Stand]:
    """A sandbox in production mode: test keys are refused."""
    async for item in make_stand(SandboxConfig(allow_test_keys=False)):
        yield item
