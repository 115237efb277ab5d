"""``Pkcs12Signer``: a key file (PKCS#12, as issued by НУЦ РК) kept by the user or by the service's vault."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import pkcs12

from integrations.signing.base import SignerInfo, SigningContext
from integrations.signing.certificates import signer_info
from integrations.signing.container import ContainerError, inspect
from integrations.signing.errors import KeyRefusedError
from integrations.signing.policy import CertificatePolicy
from integrations.signing.xmldsig import sign_enveloped

GOST_MESSAGE = (
    "Это ключ ГОСТ: сервис подписывает только ключом RSA. Подпишите в eGov mobile или загрузите RSA-ключ "
    "(файл RSA256_…)."
)


@dataclass(frozen=True)
class LoadedKey:
    """An RSA private key with its certificate (and any CA certificates in the container)."""

    private_key: RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()


def _refused_container(p12: bytes, password: str) -> KeyRefusedError:
    try:
        info = inspect(p12, password)
    except ContainerError:
        return KeyRefusedError("unreadable_key", "Файл не похож на ключ PKCS#12 (.p12).")
    if not info.password_ok:
        return KeyRefusedError("bad_password", "Неверный пароль к ключу.")
    if info.is_gost:
        return KeyRefusedError("gost_key", GOST_MESSAGE)
    return KeyRefusedError("unsupported_key", "Этот тип ключа не поддерживается: нужен ключ RSA.")


def load_pkcs12(p12: bytes, password: str) -> LoadedKey:
    """Open a PKCS#12 container; ``KeyRefusedError`` with ``bad_password``, ``gost_key``, … when it cannot be used."""
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(p12, password.encode("utf-8"))
    except ValueError:
        raise _refused_container(p12, password) from None
    if cert is None or key is None:
        raise KeyRefusedError("no_certificate", "В файле нет ключа с сертификатом.")
    if not isinstance(key, RSAPrivateKey):
        raise KeyRefusedError("unsupported_key", "Этот тип ключа не поддерживается: нужен ключ RSA.")
    return LoadedKey(key, cert, tuple(extra))


class Pkcs12Signer:
    """Signs XML with an RSA key from a PKCS#12 file, after the policy accepts its certificate."""

    def __init__(self, key: LoadedKey, policy: CertificatePolicy) -> None:
        policy.require_usable(key.certificate, key.chain)
        self._key = key
        self._policy = policy

    @classmethod
    def from_pkcs12(cls, p12: bytes, password: str, policy: CertificatePolicy) -> Pkcs12Signer:
        return cls(load_pkcs12(p12, password), policy)

    @property
    def info(self) -> SignerInfo:
        return signer_info(self._key.certificate)

    @property
    def certificate(self) -> x509.Certificate:
        return self._key.certificate

    def sign(self, xml: bytes) -> bytes:
        """Sign now (the certificate is re-checked: a stored key may have expired or been revoked since)."""
        self._policy.require_usable(self._key.certificate, self._key.chain)
        return sign_enveloped(xml, self._key.private_key, self._key.certificate)

    async def sign_xml(self, xml: bytes, context: SigningContext) -> bytes:
        if context.expected_iin and context.expected_iin != self.info.iin:
            raise KeyRefusedError("iin_mismatch", "Ключ принадлежит другому человеку (ИИН не совпадает).")
        return self.sign(xml)
