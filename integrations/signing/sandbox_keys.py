"""A sandbox certification authority for local mode: keys issued on the fly for the simulated eGov mobile phone.

**A simulation, never a real ЭЦП.** The CA (``asistent SANDBOX CA``) is created once in ``DATA_DIR/sandbox-ca/``
and issues an RSA signing certificate for any ИИН the simulated phone asks for. Only ``SandboxPolicy`` (built by
``asistent run`` in local mode) trusts it: the CA certificate is that policy's trust anchor for sandbox-named
certificates, checked through the same chain code as the НУЦ РК anchors (``chain.py``); the default
``CertificatePolicy`` refuses them (an unknown issuer, or no anchors in production).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from integrations.signing.certificates import issuer_name
from integrations.signing.chain import TrustAnchors
from integrations.signing.errors import KeyRefusedError
from integrations.signing.pkcs12 import LoadedKey, Pkcs12Signer
from integrations.signing.policy import CertificatePolicy, utc_now

SANDBOX_ISSUER = "asistent SANDBOX CA (симуляция, не НУЦ РК)"
CA_DIR = "sandbox-ca"
_KEY_SIZE = 2048


def _name(common: str, *extra: x509.NameAttribute[str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common), *extra])


@dataclass
class SandboxCA:
    """The sandbox CA's key and certificate; ``issue`` makes a signing key for a ИИН (cached per ИИН)."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    _issued: dict[str, LoadedKey] = field(default_factory=dict)

    @classmethod
    def create(cls, now: dt.datetime | None = None) -> SandboxCA:
        moment = now or utc_now()
        key = rsa.generate_private_key(public_exponent=65537, key_size=_KEY_SIZE)
        name = _name(SANDBOX_ISSUER)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(moment - dt.timedelta(days=1))
            .not_valid_after(moment + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256())
        )
        return cls(key, cert)

    @classmethod
    def load_or_create(cls, data_dir: Path | str) -> SandboxCA:
        """The CA kept in ``data_dir/sandbox-ca/`` (key readable by us only), created on first use."""
        folder = Path(data_dir) / CA_DIR
        key_file, cert_file = folder / "ca.key", folder / "ca.pem"
        if key_file.exists() and cert_file.exists():
            key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
            if isinstance(key, rsa.RSAPrivateKey):
                return cls(key, x509.load_pem_x509_certificate(cert_file.read_bytes()))
        made = cls.create()
        folder.mkdir(parents=True, exist_ok=True)
        key_file.write_bytes(
            made.key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        key_file.chmod(0o600)
        cert_file.write_bytes(made.certificate.public_bytes(serialization.Encoding.PEM))
        (folder / "README.txt").write_text(
            "Sandbox CA of asistent local mode: a simulation of eGov mobile signing, not a real ЭЦП.\n",
            encoding="utf-8",
        )
        return made

    def issues(self, cert: x509.Certificate) -> bool:
        """True when ``cert`` was issued by this CA (name and signature)."""
        if cert.issuer != self.certificate.subject:
            return False
        try:
            cert.verify_directly_issued_by(self.certificate)
        except (ValueError, TypeError, InvalidSignature):
            return False
        return True

    def issue(self, iin: str, name: str = "ПОЛЬЗОВАТЕЛЬ СИМУЛЯТОРА", now: dt.datetime | None = None) -> LoadedKey:
        """A signing key and certificate for ``iin`` (valid a year from yesterday), the same one per ИИН."""
        known = self._issued.get(iin)
        if known is not None:
            return known
        moment = now or utc_now()
        key = rsa.generate_private_key(public_exponent=65537, key_size=_KEY_SIZE)
        subject = _name(
            name,
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IIN{iin}"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
        )
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(moment - dt.timedelta(days=1))
            .not_valid_after(moment + dt.timedelta(days=365))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        loaded = LoadedKey(key, cert, (self.certificate,))
        self._issued[iin] = loaded
        return loaded

    def signer(self, iin: str, policy: CertificatePolicy) -> Pkcs12Signer:
        """A ``Pkcs12Signer`` over the key issued for ``iin`` (``policy`` must trust this CA: ``SandboxPolicy``)."""
        return Pkcs12Signer(self.issue(iin), policy)


@dataclass
class SandboxPolicy(CertificatePolicy):
    """``CertificatePolicy`` that also trusts certificates issued by ``sandbox`` (local mode only)."""

    sandbox: SandboxCA | None = None

    def _issuer(self, cert: x509.Certificate, chain: Sequence[x509.Certificate] = ()) -> list[KeyRefusedError]:
        if self.sandbox is not None and issuer_name(cert) == SANDBOX_ISSUER:
            anchor = TrustAnchors((self.sandbox.certificate,), "sandbox CA")
            if not self.chain_problems(cert, anchor, chain):
                return []
            return [KeyRefusedError("unknown_issuer", "Сертификат подписан не этим песочным УЦ.")]
        return super()._issuer(cert, chain)
