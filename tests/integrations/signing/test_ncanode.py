import base64
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from integrations.signing import CertificatePolicy, SigningContext, SigningError, verify_xml
from integrations.signing.ncanode import NcaNodeClient, NcaNodeSigner
from integrations.signing.ncanode_fake import create_fake_ncanode
from tests.integrations.signing.keys import GOST_2015, GOST_2015_PASSWORD, RSA_PASSWORD, TEST_IIN, VALID_SIGN

DOC = b'<fno code="910.00"><field name="income">100</field></fno>'
TEST_MODE = CertificatePolicy(allow_test_keys=True)


@pytest.fixture
async def client() -> AsyncIterator[NcaNodeClient]:
    server = TestServer(create_fake_ncanode(TEST_MODE), host="127.0.0.1")
    await server.start_server()
    async with aiohttp.ClientSession() as session:
        yield NcaNodeClient(str(server.make_url("/")), session)
    await server.close()


async def test_sign_through_ncanode_verifies_locally_and_remotely(client: NcaNodeClient) -> None:
    signer = NcaNodeSigner(client, VALID_SIGN.read_bytes(), SecretStr(RSA_PASSWORD))
    signed = await signer.sign_xml(DOC, SigningContext(user_id="u1", document_id="d1"))
    local = verify_xml(signed, TEST_MODE)
    assert local.valid, local.errors
    remote = await client.verify_xml(signed)
    assert remote.valid
    assert remote.signers[0]["subject"]["iin"] == TEST_IIN


async def test_tampered_is_invalid_at_ncanode(client: NcaNodeClient) -> None:
    signed = await client.sign_xml(DOC, VALID_SIGN.read_bytes(), RSA_PASSWORD)
    remote = await client.verify_xml(signed.replace(b">100<", b">1<"))
    assert not remote.valid
    assert "bad_signature" in remote.message


@pytest.mark.parametrize(("key", "password"), [(VALID_SIGN, "wrong"), (GOST_2015, GOST_2015_PASSWORD)])
async def test_ncanode_errors_become_signing_errors(client: NcaNodeClient, key: object, password: str) -> None:
    with pytest.raises(SigningError) as caught:
        await client.sign_xml(DOC, key.read_bytes(), password)  # type: ignore[attr-defined]
    assert caught.value.code == "ncanode_error"


async def test_unavailable_ncanode() -> None:
    server = TestServer(create_fake_ncanode(TEST_MODE), host="127.0.0.1")
    await server.start_server()
    url = str(server.make_url("/"))
    await server.close()  # nothing listens there any more
    async with aiohttp.ClientSession() as session:
        with pytest.raises(SigningError) as caught:
            await NcaNodeClient(url, session, timeout_seconds=5).sign_xml(DOC, b"k", "p")
    assert caught.value.code == "ncanode_unavailable"


async def test_request_shape_is_ncanode_v3() -> None:
    seen: list[dict[str, object]] = []

    async def capture(request: aiohttp.web.Request) -> aiohttp.web.Response:
        seen.append(await request.json())
        return aiohttp.web.json_response({"status": 200, "message": "", "xml": "<a/>"})

    app = aiohttp.web.Application()
    app.router.add_post("/xml/sign", capture)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    async with aiohttp.ClientSession() as session:
        await NcaNodeClient(str(server.make_url("/")), session).sign_xml(DOC, b"KEY", "pw", key_alias="a1")
    await server.close()
    assert seen == [
        {
            "xml": DOC.decode(),
            "signers": [{"key": base64.b64encode(b"KEY").decode(), "password": "pw", "keyAlias": "a1"}],
            "clearSignatures": False,
            "trimXml": False,
        }
    ]
