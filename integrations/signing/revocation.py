"""Revocation checks (отзыв сертификата): a local list of serials and a sandbox OCSP-like responder.

Production should query NCA's OCSP (``http://ocsp.pki.gov.kz``) with the issuer certificate; that needs NCA's CA
certificates and is not built yet — the ``RevocationChecker`` protocol is where it plugs in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, Protocol

from cryptography import x509

from integrations.signing.certificates import serial_hex
from integrations.signing.trust import trust

Status = Literal["good", "revoked", "unknown"]


class RevocationChecker(Protocol):
    """The revocation status of a certificate."""

    def status(self, cert: x509.Certificate) -> Status: ...


class LocalRevocationList:
    """Serials known to be revoked (``trust.yaml``); anything else is ``unknown`` to this list."""

    def __init__(self, serials: Iterable[str] | None = None) -> None:
        self._serials = frozenset(s.upper() for s in serials) if serials is not None else trust().revoked_serials

    def status(self, cert: x509.Certificate) -> Status:
        return "revoked" if serial_hex(cert) in self._serials else "unknown"


class SandboxOcsp:
    """An in-memory OCSP-like responder for tests and local mode: ``good`` unless revoked here."""

    def __init__(self) -> None:
        self._revoked: set[str] = set()

    def revoke(self, serial: str) -> None:
        self._revoked.add(serial.upper())

    def status(self, cert: x509.Certificate) -> Status:
        return "revoked" if serial_hex(cert) in self._revoked else "good"


class ChainedRevocation:
    """Ask each checker in turn: the first ``revoked`` or ``good`` answer wins."""

    def __init__(self, *checkers: RevocationChecker) -> None:
        self._checkers = checkers

    def status(self, cert: x509.Certificate) -> Status:
        for checker in self._checkers:
            answer = checker.status(cert)
            if answer != "unknown":
                return answer
        return "unknown"


def default_revocation() -> RevocationChecker:
    """The local list, then the sandbox responder (local mode)."""
    return ChainedRevocation(LocalRevocationList(), SandboxOcsp())
