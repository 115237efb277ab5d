"""Chain of trust: a certificate is trusted only when a trust anchor's key verifies its signature.

An issuer *name* proves nothing — anyone can write «ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)» into a self-made
certificate. So every link is checked cryptographically: the child's issuer equals the CA's subject, the CA's
public key verifies the child's signature over its TBS bytes (``verify_directly_issued_by``: RSA PKCS#1 v1.5 with
the certificate's own hash), the CA is valid at the check time, is a CA (basicConstraints CA=true) and may sign
certificates (keyUsage keyCertSign, when present). Anchors are certificates in a directory (PEM or DER): the
bundled NCA test CA (``anchors/test/``) for test mode, ``NCA_TRUST_DIR`` for production.

```mermaid
flowchart LR
    S[signer certificate] -->|signed by| I[intermediate CA, e.g. ҰКО 3.0 RSA]
    I -->|signed by| R[root CA, e.g. НЕГІЗГІ КО RSA]
    I -. in the anchor directory .-> T((trusted))
    R -. in the anchor directory .-> T
```

An anchor may be an intermediate: the path ends there, unless its own issuer is in the directory too, in which case
that link is checked as well (an expired root then breaks the chain). Intermediates carried with the signer (a
PKCS#12 container's extra certificates) are used to build the path but are never trusted by themselves.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

log = logging.getLogger(__name__)

ANCHOR_SUFFIXES = (".pem", ".crt", ".cer", ".der")
TEST_ANCHOR_DIR = Path(__file__).with_name("anchors") / "test"
MAX_DEPTH = 4  # signer → intermediate → root is 2; NCA has no deeper chains

#: why no path was found: no CA verifies the signature / the issuing CA is out of its validity / not a CA
ChainFault = Literal["untrusted", "ca_expired", "not_a_ca"]
_RANK: dict[ChainFault, int] = {"untrusted": 0, "not_a_ca": 1, "ca_expired": 2}


@dataclass(frozen=True)
class TrustAnchors:
    """The trusted CA certificates and where they were read from (for messages and the startup warning)."""

    certificates: tuple[x509.Certificate, ...] = ()
    source: str = ""

    def __bool__(self) -> bool:
        return bool(self.certificates)

    def __add__(self, other: TrustAnchors) -> TrustAnchors:
        return TrustAnchors(
            self.certificates + other.certificates, " + ".join(s for s in (self.source, other.source) if s)
        )

    def check(
        self, cert: x509.Certificate, at: dt.datetime, intermediates: Sequence[x509.Certificate] = ()
    ) -> ChainFault | None:
        """``None`` when a path from ``cert`` to an anchor verifies at ``at``, else the most telling fault."""
        return _path(cert, self.certificates, tuple(intermediates), at, 0)


def read_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate in a PEM bundle, or the one DER certificate (``ValueError`` when neither)."""
    if b"-----BEGIN CERTIFICATE-----" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def load_anchor_dir(directory: Path | str | None) -> TrustAnchors:
    """The certificates of ``*.pem|crt|cer|der`` files in ``directory`` (none when unset or missing).

    An unreadable file is skipped with a warning, so one bad download does not silently trust anything else.
    """
    if directory is None:
        return TrustAnchors()
    folder = Path(directory).expanduser().resolve()
    return _load_dir(folder, folder.stat().st_mtime_ns if folder.is_dir() else 0)


@lru_cache(maxsize=16)
def _load_dir(folder: Path, version: int) -> TrustAnchors:
    """Read once per directory state (``version``: its mtime, which changes when a file is added or removed)."""
    if not folder.is_dir():
        log.warning("trust anchor directory %s does not exist", folder)
        return TrustAnchors(source=str(folder))
    found: list[x509.Certificate] = []
    for file in sorted(folder.iterdir()):
        if file.suffix.lower() not in ANCHOR_SUFFIXES or not file.is_file():
            continue
        try:
            found.extend(read_certificates(file.read_bytes()))
        except ValueError:
            log.warning("skipping %s: not a PEM or DER certificate", file)
    return TrustAnchors(tuple(found), str(folder))


def nca_test_anchors() -> TrustAnchors:
    """The bundled NCA test CA (``anchors/test/README.md`` says where it came from)."""
    return load_anchor_dir(TEST_ANCHOR_DIR)


def is_ca(cert: x509.Certificate) -> bool:
    """basicConstraints CA=true, and keyCertSign when keyUsage is present."""
    try:
        if not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return False
    except x509.ExtensionNotFound:
        return False
    try:
        return bool(cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign)
    except x509.ExtensionNotFound:
        return True


def _link(child: x509.Certificate, ca: x509.Certificate, at: dt.datetime) -> ChainFault | None:
    """Checks one link: name and signature, then the CA's own validity and role."""
    try:
        child.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return "untrusted"
    if not ca.not_valid_before_utc <= at <= ca.not_valid_after_utc:
        return "ca_expired"
    if not is_ca(ca):
        return "not_a_ca"
    return None


def _worse(a: ChainFault, b: ChainFault | None) -> ChainFault:
    return a if b is None or _RANK[a] >= _RANK[b] else b


def _candidates(name: x509.Name, pool: Iterable[x509.Certificate]) -> list[x509.Certificate]:
    return [c for c in pool if c.subject == name]


def _path(
    cert: x509.Certificate,
    anchors: tuple[x509.Certificate, ...],
    intermediates: tuple[x509.Certificate, ...],
    at: dt.datetime,
    depth: int,
) -> ChainFault | None:
    if depth > MAX_DEPTH:
        return "untrusted"
    fault: ChainFault = "untrusted"
    for ca in _candidates(cert.issuer, (*anchors, *intermediates)):
        if ca == cert:
            continue  # a self-signed certificate is no evidence of itself
        problem = _link(cert, ca, at)
        if problem is None:
            if ca in anchors:
                problem = _above_anchor(ca, anchors, at, depth + 1)
            else:
                rest = tuple(c for c in intermediates if c != ca)
                problem = _path(ca, anchors, rest, at, depth + 1)
            if problem is None:
                return None
        fault = _worse(problem, fault)
    return fault


def _above_anchor(
    anchor: x509.Certificate, anchors: tuple[x509.Certificate, ...], at: dt.datetime, depth: int
) -> ChainFault | None:
    """An anchor is trusted; when its issuer is an anchor too, that link must hold as well."""
    if anchor.issuer == anchor.subject or depth > MAX_DEPTH:
        return None
    parents = [c for c in _candidates(anchor.issuer, anchors) if c != anchor]
    if not parents:
        return None
    fault: ChainFault | None = None
    for parent in parents:
        problem = _link(anchor, parent, at)
        if problem is None:
            problem = _above_anchor(parent, anchors, at, depth + 1)
        if problem is None:
            return None
        fault = _worse(problem, fault)
    return fault
