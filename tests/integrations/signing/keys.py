"""Test keys: the real NCA test keys (read-only reference) and a locally made "production-looking" CA."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import NameOID

NCA_KEYS = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "nca-test-keys"
if not NCA_KEYS.is_dir():
    NCA_KEYS = Path("/work/shared/reference/nca-test-keys")
VALID_SIGN = NCA_KEYS / "individual_valid_sign_2004.p12"
SIGN_REVOKED = NCA_KEYS / "individual_sign_revoked_2004.p12"
AUTH_REVOKED = NCA_KEYS / "individual_auth_revoked_2004.p12"
GOST_2015 = NCA_KEYS / "individual_valid_2015.p12"
GOST_2004 = NCA_KEYS / "ceo_sign_revoked_2004.p12"
RSA_PASSWORD = "Qwerty12"
GOST_2015_PASSWORD = "Aa123456"
TEST_IIN = "123456789011"
VALID_IIN = "900101300007"  # passes the check digit (integrations.md §6.1)
INSIDE_VALIDITY = dt.datetime(2021, 7, 1, tzinfo=dt.UTC)  # the valid test key's certificate: 2021-01-18..2022-01-18

_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_p12(
    *,
    issuer: str = "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)",
    iin: str = VALID_IIN,
    not_before: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    not_after: dt.datetime = dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
    password: str = "pw",
    serial: int = 0x1234,
) -> bytes:
    """A PKCS#12 whose certificate looks like an NCA individual's signing certificate."""
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "ИВАНОВ ИВАН"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IIN{iin}"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(_KEY.public_key())
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .sign(_KEY, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(b"k", _KEY, cert, None, BestAvailableEncryption(password.encode()))
