"""The chain of trust: real NCA test keys verify through the bundled test CA; forgeries are refused in both modes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from core.settings import Settings
from integrations.signing import CertificatePolicy, KeyRefusedError
from integrations.signing.chain import TrustAnchors, load_anchor_dir, nca_test_anchors
from integrations.signing.pkcs12 import load_pkcs12
from integrations.signing.revocation import LocalRevocationList
from integrations.signing.sandbox_keys import SandboxCA, SandboxPolicy
from tests.integrations.signing.keys import (
    INSIDE_VALIDITY,
    PRODUCTION_ISSUER,
    RSA_PASSWORD,
    TEST_PRODUCTION_CA,
    TEST_PRODUCTION_CA_KEY,
    VALID_IIN,
    VALID_SIGN,
    make_ca,
)

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
TEST_ISSUER = "ҰКО 3.0 (RSA TEST)"


def _leaf(
    issuer: x509.Name,
    signing_key: rsa.RSAPrivateKey,
    *,
    iin: str = VALID_IIN,
    not_before: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    not_after: dt.datetime = dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
    public: rsa.RSAPublicKey | None = None,
    ca: bool = False,
) -> x509.Certificate:
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "ИВАНОВ ИВАН"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IIN{iin}"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
        ]
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public or key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    if ca:  # a CA: keyCertSign + cRLSign, basicConstraints CA=true
        usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    else:  # an NCA signing key: digitalSignature + nonRepudiation
        usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    builder = builder.add_extension(usage, critical=True)
    return builder.sign(signing_key, hashes.SHA256())


def _forged(
    issuer_cn: str,
    iin: str = VALID_IIN,
    not_before: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
) -> x509.Certificate:
    """Self-signed, with an NCA-looking issuer name (exactly the NCA's DN): what a forger makes in a minute."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuer = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, issuer_cn), x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ")]
    )
    return _leaf(issuer, key, iin=iin, not_before=not_before)


def _policy(
    *, test_mode: bool = False, anchors: TrustAnchors | None = None, at: dt.datetime = NOW
) -> CertificatePolicy:
    return CertificatePolicy(
        allow_test_keys=test_mode,
        revocation=LocalRevocationList(),
        clock=lambda: at,
        anchors=anchors if anchors is not None else TrustAnchors((TEST_PRODUCTION_CA,), "tests"),
    )


def _codes(policy: CertificatePolicy, cert: x509.Certificate) -> list[str]:
    return [p.code for p in policy.problems(cert)]


def test_bundled_test_ca_is_a_public_ca_certificate() -> None:
    anchors = nca_test_anchors()
    assert [c.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value for c in anchors.certificates] == [
        TEST_ISSUER
    ]
    folder = Path(anchors.source)
    assert not [f for f in folder.iterdir() if b"PRIVATE KEY" in f.read_bytes()]


def test_real_nca_test_key_verifies_through_the_test_ca() -> None:
    key = load_pkcs12(VALID_SIGN.read_bytes(), RSA_PASSWORD)
    assert key.chain == ()  # the container carries no CA: the anchor directory does
    policy = _policy(test_mode=True, at=INSIDE_VALIDITY)
    assert policy.problems(key.certificate) == []
    assert nca_test_anchors().check(key.certificate, INSIDE_VALIDITY) is None


def test_real_nca_test_key_refused_without_test_mode() -> None:
    key = load_pkcs12(VALID_SIGN.read_bytes(), RSA_PASSWORD)
    assert "test_key" in _codes(_policy(at=INSIDE_VALIDITY), key.certificate)


@pytest.mark.parametrize("test_mode", [False, True])
def test_forged_production_name_refused_in_both_modes(test_mode: bool) -> None:
    codes = _codes(_policy(test_mode=test_mode), _forged(PRODUCTION_ISSUER))
    assert "forged_issuer" in codes


def test_forged_test_ca_name_refused_in_both_modes() -> None:
    forged = _forged(TEST_ISSUER, iin="123456789011", not_before=INSIDE_VALIDITY - dt.timedelta(days=1))
    assert "forged_issuer" in _codes(_policy(test_mode=True, at=INSIDE_VALIDITY), forged)
    assert "test_key" in _codes(_policy(test_mode=False, at=INSIDE_VALIDITY), forged)


def test_same_name_other_key_refused() -> None:
    """A CA with exactly the trusted CA's name but another key signs: the signature does not verify."""
    other_key, other = make_ca()
    assert other.subject == TEST_PRODUCTION_CA.subject
    cert = _leaf(other.subject, other_key)
    assert _codes(_policy(), cert) == ["forged_issuer"]


def test_certificate_of_another_ca_refused() -> None:
    other_key, other = make_ca("Some Commercial CA")
    cert = _leaf(other.subject, other_key)
    assert _codes(_policy(), cert) == ["unknown_issuer"]
    # even when the other CA is handed over as the signer's "chain": it does not lead to an anchor
    assert [p.code for p in _policy().problems(cert, [other])] == ["unknown_issuer"]


def test_genuine_chain_accepted_and_intermediate_from_the_container_used() -> None:
    assert _codes(_policy(), _leaf(TEST_PRODUCTION_CA.subject, TEST_PRODUCTION_CA_KEY)) == []
    mid_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    mid_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ҰКО 4.0 (RSA)")])
    intermediate = (
        x509.CertificateBuilder()
        .subject_name(mid_name)
        .issuer_name(TEST_PRODUCTION_CA.subject)
        .public_key(mid_key.public_key())
        .serial_number(7)
        .not_valid_before(dt.datetime(2021, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2035, 1, 1, tzinfo=dt.UTC))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(TEST_PRODUCTION_CA_KEY, hashes.SHA256())
    )
    leaf = _leaf(mid_name, mid_key)
    policy = _policy()
    assert [p.code for p in policy.problems(leaf)] == ["unknown_issuer"]  # no path without the intermediate
    assert policy.problems(leaf, [intermediate]) == []


def test_expired_ca_refused() -> None:
    old_key, old_ca = make_ca(
        not_before=dt.datetime(2015, 1, 1, tzinfo=dt.UTC), not_after=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    cert = _leaf(old_ca.subject, old_key)
    assert _codes(_policy(anchors=TrustAnchors((old_ca,))), cert) == ["ca_expired"]


def test_expired_root_above_an_intermediate_anchor_refused() -> None:
    root_key, root = make_ca(
        "ROOT", not_before=dt.datetime(2010, 1, 1, tzinfo=dt.UTC), not_after=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    mid_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    mid = _leaf(
        root.subject,
        root_key,
        public=mid_key.public_key(),
        ca=True,
        not_before=dt.datetime(2015, 1, 1, tzinfo=dt.UTC),
        not_after=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )
    leaf = _leaf(mid.subject, mid_key)
    assert _codes(_policy(anchors=TrustAnchors((mid,))), leaf) == []  # the intermediate alone is the anchor
    assert _codes(_policy(anchors=TrustAnchors((mid, root))), leaf) == ["ca_expired"]


def test_anchor_without_ca_flag_refused() -> None:
    not_ca_key, not_ca = make_ca("ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)", ca=False)
    cert = _leaf(not_ca.subject, not_ca_key)
    assert _codes(_policy(anchors=TrustAnchors((not_ca,))), cert) == ["bad_ca"]


def test_production_without_anchors_refused_loudly() -> None:
    genuine = _leaf(TEST_PRODUCTION_CA.subject, TEST_PRODUCTION_CA_KEY)
    policy = _policy(anchors=TrustAnchors())
    with pytest.raises(KeyRefusedError) as caught:
        policy.require_usable(genuine)
    assert caught.value.code == "no_trust_anchors"
    assert "NCA_TRUST_DIR" in caught.value.message


def test_from_settings_reads_the_trust_dir(tmp_path: Path) -> None:
    (tmp_path / "root.cer").write_bytes(TEST_PRODUCTION_CA.public_bytes(Encoding.DER))
    (tmp_path / "notes.txt").write_text("not a certificate", encoding="utf-8")
    (tmp_path / "broken.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")
    loaded = load_anchor_dir(tmp_path)
    assert loaded.certificates == (TEST_PRODUCTION_CA,)
    policy = CertificatePolicy.from_settings(Settings(NCA_TRUST_DIR=tmp_path))
    assert policy.anchors.certificates == (TEST_PRODUCTION_CA,)
    assert not CertificatePolicy.from_settings(Settings(NCA_TRUST_DIR=None)).anchors
    assert not load_anchor_dir(tmp_path / "missing")


def test_auth_key_is_not_a_signing_key() -> None:
    usage = x509.KeyUsage(True, False, True, False, False, False, False, False, False)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IIN{VALID_IIN}")]))
        .issuer_name(TEST_PRODUCTION_CA.subject)
        .public_key(key.public_key())
        .serial_number(9)
        .not_valid_before(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
        .add_extension(usage, critical=True)
        .sign(TEST_PRODUCTION_CA_KEY, hashes.SHA256())
    )
    assert _codes(_policy(), cert) == ["not_signing_key"]


def test_sandbox_ca_is_the_anchor_of_its_own_keys() -> None:
    ca = SandboxCA.create(NOW)
    policy = SandboxPolicy(revocation=LocalRevocationList(), clock=lambda: NOW, anchors=TrustAnchors(), sandbox=ca)
    issued = ca.issue(VALID_IIN, now=NOW)
    assert policy.problems(issued.certificate) == []
    other = SandboxCA.create(NOW).issue(VALID_IIN, now=NOW)  # same CA name, another key
    assert [p.code for p in policy.problems(other.certificate)] == ["unknown_issuer"]
    # the plain policy does not trust the sandbox CA, with or without production anchors
    assert "no_trust_anchors" in _codes(_policy(anchors=TrustAnchors()), issued.certificate)
    assert "unknown_issuer" in _codes(_policy(), issued.certificate)


def test_trust_warning_names_the_setting(tmp_path: Path) -> None:
    from integrations.signing.policy import trust_warning

    unset = trust_warning(Settings(NCA_TRUST_DIR=None))
    assert unset is not None
    assert "NCA_TRUST_DIR is not set" in unset
    assert "no_trust_anchors" in unset
    empty = trust_warning(Settings(NCA_TRUST_DIR=tmp_path))
    assert empty is not None
    assert "holds no certificate" in empty
    (tmp_path / "nca_rsa.pem").write_bytes(TEST_PRODUCTION_CA.public_bytes(Encoding.PEM))
    assert trust_warning(Settings(NCA_TRUST_DIR=tmp_path)) is None


@pytest.mark.parametrize("flag", [[], ["--allow-test-keys"]])
def test_cli_verify_refuses_a_forged_signature(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: list[str]
) -> None:
    """A document signed with a look-alike NCA certificate: ``asistent verify`` says forged_issuer in both modes."""
    import json

    from bot.cli import main
    from integrations.signing import Pkcs12Signer
    from tests.integrations.signing.keys import make_p12

    forger = make_ca()
    p12 = make_p12(password="pw", ca=forger)
    fooled = CertificatePolicy(revocation=LocalRevocationList(), clock=lambda: NOW, anchors=TrustAnchors((forger[1],)))
    signed = Pkcs12Signer.from_pkcs12(p12, "pw", fooled).sign(b"<doc><a>1</a></doc>")
    out = tmp_path / "forged.xml"
    out.write_bytes(signed)
    assert main(["verify", str(out), "--json", *flag]) == 1
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert any(e.startswith("forged_issuer") for e in errors)
