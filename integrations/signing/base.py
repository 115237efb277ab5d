"""The signing interface (one ``Signer`` protocol, three ways to sign) and its data shapes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class SignerInfo:
    """Who signed: ИИН and name from the certificate subject, certificate serial (hex), expiry."""

    iin: str | None
    name: str | None
    serial: str
    not_after: dt.datetime

    def as_json(self) -> dict[str, Any]:
        return {"iin": self.iin, "name": self.name, "serial": self.serial, "not_after": self.not_after.isoformat()}


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of ``verify``: ``signer`` is set whenever a certificate was found, even if invalid."""

    valid: bool
    signer: SignerInfo | None = None
    errors: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "signer": self.signer.as_json() if self.signer else None,
            "errors": list(self.errors),
        }


@dataclass(frozen=True, slots=True)
class SigningContext:
    """Why a document is signed and for whom (used for the eGov request text and for the audit log)."""

    user_id: str
    document_id: str
    purpose: str = "declaration"
    title_ru: str = "Документ на подпись"
    title_kk: str = "Қол қоюға арналған құжат"
    expected_iin: str | None = None


class Signer(Protocol):
    """Signs an XML document with an enveloped XMLDSig signature; raises ``SigningError`` with a clear code."""

    async def sign_xml(self, xml: bytes, context: SigningContext) -> bytes: ...
