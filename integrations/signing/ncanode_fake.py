"""A tiny, faithful-enough NCANode v3 fake (aiohttp) for tests and local mode: RSA keys only (no Kalkan here)."""

from __future__ import annotations

import base64
from typing import Any

from aiohttp import web

from integrations.signing.errors import SigningError
from integrations.signing.pkcs12 import Pkcs12Signer
from integrations.signing.policy import CertificatePolicy
from integrations.signing.xmldsig import verify_xml

POLICY_KEY = web.AppKey("ncanode_policy", CertificatePolicy)


def _status(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"status": status, "message": message, **extra}, status=200 if status == 200 else status)


async def _sign(request: web.Request) -> web.Response:
    body = await request.json()
    try:
        signer_spec = body["signers"][0]
        p12 = base64.b64decode(signer_spec["key"])
        xml = str(body["xml"]).encode("utf-8")
        signer = Pkcs12Signer.from_pkcs12(p12, str(signer_spec["password"]), request.app[POLICY_KEY])
        signed = signer.sign(xml)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        return _status(400, f"bad request: {type(exc).__name__}")
    except SigningError as exc:
        return _status(400, exc.message)
    return _status(200, "", xml=signed.decode("utf-8"))


async def _verify(request: web.Request) -> web.Response:
    body = await request.json()
    result = verify_xml(str(body.get("xml", "")).encode("utf-8"), request.app[POLICY_KEY])
    signers = []
    if result.signer:
        signers.append(
            {
                "serialNumber": result.signer.serial,
                "notAfter": result.signer.not_after.isoformat(),
                "subject": {"iin": result.signer.iin, "commonName": result.signer.name},
            }
        )
    return _status(200, "; ".join(result.errors), valid=result.valid, signers=signers)


def create_fake_ncanode(policy: CertificatePolicy) -> web.Application:
    """The fake's application: ``POST /xml/sign`` and ``POST /xml/verify``."""
    app = web.Application()
    app[POLICY_KEY] = policy
    app.router.add_post("/xml/sign", _sign)
    app.router.add_post("/xml/verify", _verify)
    return app
