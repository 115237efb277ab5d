"""Reading an NCA certificate: ИИН (subject serialNumber ``IIN…``), name, serial, issuer, key usage."""

from __future__ import annotations

from cryptography import x509
from cryptography.x509.oid import NameOID

from integrations.signing.base import SignerInfo

_IIN_PREFIX = "IIN"
_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def iin_checksum_ok(iin: str) -> bool:
    """ИИН/БИН check digit (12th digit; a second weight set when the first gives 10)."""
    if len(iin) != 12 or not iin.isdigit():
        return False
    digits = [int(c) for c in iin]
    check = sum(d * w for d, w in zip(digits, _W1, strict=False)) % 11
    if check == 10:
        check = sum(d * w for d, w in zip(digits, _W2, strict=False)) % 11
    return check != 10 and check == digits[11]


def _attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


def subject_iin(cert: x509.Certificate) -> str | None:
    """The ИИН from ``serialNumber=IIN123456789011``, or ``None``."""
    serial = _attr(cert.subject, NameOID.SERIAL_NUMBER)
    if serial and serial.upper().startswith(_IIN_PREFIX):
        return serial[len(_IIN_PREFIX) :]
    return None


def subject_name(cert: x509.Certificate) -> str | None:
    """The holder's full name: CN (SURNAME NAME) plus the patronymic (GN) when present."""
    common = _attr(cert.subject, NameOID.COMMON_NAME)
    patronymic = _attr(cert.subject, NameOID.GIVEN_NAME)
    if common and patronymic and patronymic not in common:
        return f"{common} {patronymic}"
    return common


def issuer_name(cert: x509.Certificate) -> str | None:
    """CN of the issuing CA."""
    return _attr(cert.issuer, NameOID.COMMON_NAME)


def serial_hex(cert: x509.Certificate) -> str:
    """Serial number as upper-case hex (as openssl prints it)."""
    return f"{cert.serial_number:X}"


def signer_info(cert: x509.Certificate) -> SignerInfo:
    """The ``SignerInfo`` of a certificate."""
    return SignerInfo(
        iin=subject_iin(cert), name=subject_name(cert), serial=serial_hex(cert), not_after=cert.not_valid_after_utc
    )


def can_sign_documents(cert: x509.Certificate) -> bool:
    """True when key usage allows digital signatures with non-repudiation (NCA signing keys carry both);
    authentication keys (digitalSignature + keyEncipherment) do not."""
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return bool(usage.content_commitment and usage.digital_signature)
