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
PRODUCTION_ISSUER = "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)"


def make_ca(
    name: str = PRODUCTION_ISSUER,
    *,
    not_before: dt.datetime = dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    not_after: dt.datetime = dt.datetime(2040, 1, 1, tzinfo=dt.UTC),
    ca: bool = True,
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A self-signed CA (key, certificate) named ``name``: a stand-in for an NCA CA the tests trust."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, name), x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ")]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


#: the "production" CA of the tests: ``tests/fixtures/nca.py`` puts its certificate into ``NCA_TRUST_DIR``
TEST_PRODUCTION_CA_KEY, TEST_PRODUCTION_CA = make_ca()


def make_p12(
    *,
    issuer: str = "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)",
    iin: str = VALID_IIN,
    not_before: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    not_after: dt.datetime = dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
    password: str = "pw",
    serial: int = 0x1234,
    ca: tuple[rsa.RSAPrivateKey, x509.Certificate] | None = None,
) -> bytes:
    """A PKCS#12 whose certificate looks like an NCA individual's signing certificate.

    Signed by ``ca`` (default: the tests' trusted "production" CA when ``issuer`` is its name, else self-signed —
    a certificate that only *names* an issuer, as a forger would make it).
    """
    if ca is None and issuer == PRODUCTION_ISSUER:
        ca = (TEST_PRODUCTION_CA_KEY, TEST_PRODUCTION_CA)
    issuer_dn = ca[1].subject if ca is not None else x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)])
    signing_key = ca[0] if ca is not None else _KEY
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
        .issuer_name(issuer_dn)
        .public_key(_KEY.public_key())
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .sign(signing_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(b"k", _KEY, cert, None, BestAvailableEncryption(password.encode()))
