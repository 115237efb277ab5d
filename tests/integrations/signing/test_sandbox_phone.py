"""The sandbox CA of local mode and the simulated eGov mobile phone page."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.emulator import serve
from integrations.signing import CertificatePolicy, SigningContext, verify_xml
from integrations.signing.egov_mobile import EgovMobileService
from integrations.signing.egov_mobile.app import create_egov_app
from integrations.signing.egov_mobile.simulator import PHONE_PATH, add_phone_simulator, local_links
from integrations.signing.sandbox_keys import SandboxCA, SandboxPolicy

IIN = "900101300007"
XML = b'<?xml version="1.0" encoding="UTF-8"?><fno><iin>900101300007</iin></fno>'


def test_the_ca_is_kept_in_data_dir_and_trusted_by_the_sandbox_policy_only(tmp_path: Path) -> None:
    ca = SandboxCA.load_or_create(tmp_path)
    again = SandboxCA.load_or_create(tmp_path)
    assert again.certificate == ca.certificate
    assert stat.S_IMODE((tmp_path / "sandbox-ca" / "ca.key").stat().st_mode) == 0o600
    policy = SandboxPolicy(sandbox=ca)
    signed = ca.signer(IIN, policy).sign(XML)
    result = verify_xml(signed, policy)
    assert result.valid, result.errors
    assert result.signer is not None
    assert result.signer.iin == IIN
    assert not verify_xml(signed, CertificatePolicy()).valid  # production policy: unknown issuer
    impostor = SandboxCA.create()  # same name, another key: refused
    forged = impostor.signer(IIN, SandboxPolicy(sandbox=impostor)).sign(XML)
    assert not verify_xml(forged, policy).valid


async def test_the_phone_page_signs_through_the_protocol(tmp_path: Path) -> None:
    ca = SandboxCA.load_or_create(tmp_path)
    policy = SandboxPolicy(sandbox=ca)
    service = EgovMobileService("http://127.0.0.1/egov", policy)
    egov = create_egov_app(service)
    add_phone_simulator(egov, service, ca, policy)
    root = web.Application()
    root.add_subapp("/egov", egov)
    server = await serve(root)
    try:
        service.base_url = f"{server.url}/egov"
        service.links = local_links(service.base_url + PHONE_PATH)
        context = SigningContext("1", "doc-1", "declaration", "Декларация 910.00", "910.00", IIN)
        request = service.create(XML, context)
        assert request.deep_link.startswith(f"{server.url}/egov/phone?link=")
        async with aiohttp.ClientSession() as http:
            async with http.get(request.deep_link) as page:
                shown = await page.text()
            assert "Декларация 910.00" in shown
            assert "симулятор" in shown
            link = re.search(r'name="link" value="([^"]*)"', shown)
            assert link is not None
            form = {"link": link.group(1).replace("&amp;", "&"), "iin": "850501300011"}
            async with http.post(f"{server.url}/egov/phone", data=form) as other:
                assert other.status == 403  # another person's key: refused by the service
            assert service.status(request.id).state == "pending"
            elsewhere = {"link": "http://example.invalid/requests/x", "iin": IIN}
            async with http.post(f"{server.url}/egov/phone", data=elsewhere) as foreign:
                assert foreign.status == 400  # the page fetches its own service's requests only
            async with http.post(f"{server.url}/egov/phone", data={**form, "iin": IIN}) as signed:
                assert signed.status == 200
                assert "Подписано" in await signed.text()
        found = service.status(request.id)
        assert found.state == "signed"
        assert found.signed_xml is not None
    finally:
        await server.close()
