import datetime as dt

import pytest

from integrations.signing import (
    CertificatePolicy,
    KeyRefusedError,
    Pkcs12Signer,
    SandboxOcsp,
    SigningContext,
    verify_xml,
)
from integrations.signing.certificates import iin_checksum_ok
from integrations.signing.container import inspect
from integrations.signing.revocation import ChainedRevocation, LocalRevocationList
from tests.integrations.signing.keys import (
    AUTH_REVOKED,
    GOST_2004,
    GOST_2015,
    GOST_2015_PASSWORD,
    INSIDE_VALIDITY,
    RSA_PASSWORD,
    SIGN_REVOKED,
    TEST_IIN,
    VALID_IIN,
    VALID_SIGN,
    make_p12,
)

DOC = b'<?xml version="1.0" encoding="UTF-8"?><fno code="910.00"><field name="iin">123456789011</field></fno>'


def _test_mode(**kwargs: object) -> CertificatePolicy:
    return CertificatePolicy(allow_test_keys=True, **kwargs)  # type: ignore[arg-type]


def _signer(policy: CertificatePolicy | None = None) -> Pkcs12Signer:
    return Pkcs12Signer.from_pkcs12(VALID_SIGN.read_bytes(), RSA_PASSWORD, policy or _test_mode())


def test_reads_iin_and_name_from_the_certificate() -> None:
    info = _signer().info
    assert info.iin == TEST_IIN
    assert info.name == "ТЕСТОВ ТЕСТ ТЕСТОВИЧ"
    assert info.serial == "4279390A141F5353A62947B61ED65E81741467D1"
    assert info.not_after == dt.datetime(2022, 1, 18, 13, 9, 14, tzinfo=dt.UTC)


def test_sign_verify_round_trip_in_test_mode() -> None:
    signed = _signer().sign(DOC)
    assert signed.count(b"</ds:Signature>") == 1
    assert b"rsa-sha256" in signed
    assert b"X509Certificate" in signed
    result = verify_xml(signed, _test_mode())
    assert result.valid, result.errors
    assert result.signer is not None
    assert result.signer.iin == TEST_IIN


def test_test_mode_with_a_clock_inside_validity_uses_that_time() -> None:
    policy = _test_mode(clock=lambda: INSIDE_VALIDITY)
    assert policy.check_time(_signer(policy).certificate) == INSIDE_VALIDITY
    assert verify_xml(_signer(policy).sign(DOC), policy).valid


def test_tampered_xml_fails() -> None:
    signed = _signer().sign(DOC)
    result = verify_xml(signed.replace(b">123456789011<", b">123456789012<"), _test_mode())
    assert not result.valid
    assert any(e.startswith("bad_signature") for e in result.errors)


def test_unsigned_and_malformed_xml_are_invalid() -> None:
    assert verify_xml(DOC, _test_mode()).errors[0].startswith("signature_count")
    assert verify_xml(b"<a>", _test_mode()).errors[0].startswith("malformed")


def test_production_mode_refuses_the_test_key_and_its_signature() -> None:
    with pytest.raises(KeyRefusedError) as caught:
        _signer(CertificatePolicy())
    assert caught.value.code == "test_key"
    result = verify_xml(_signer().sign(DOC), CertificatePolicy())
    codes = {e.split(":")[0] for e in result.errors}
    assert not result.valid
    assert {"test_key", "expired", "bad_iin"} <= codes


def test_expired_refused_in_production_mode() -> None:
    old = make_p12(not_before=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), not_after=dt.datetime(2021, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(KeyRefusedError) as caught:
        Pkcs12Signer.from_pkcs12(old, "pw", CertificatePolicy())
    assert caught.value.code == "expired"
    assert "01.01.2021" in caught.value.message
    # test mode does not excuse a production certificate either
    with pytest.raises(KeyRefusedError, match="истёк"):
        Pkcs12Signer.from_pkcs12(old, "pw", _test_mode())


def test_production_key_signs_and_verifies() -> None:
    policy = CertificatePolicy(clock=lambda: dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    signer = Pkcs12Signer.from_pkcs12(make_p12(), "pw", policy)
    assert signer.info.iin == VALID_IIN
    assert verify_xml(signer.sign(DOC), policy).valid


def test_bad_iin_refused_unless_it_is_the_test_iin_in_test_mode() -> None:
    policy = CertificatePolicy(clock=lambda: dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    with pytest.raises(KeyRefusedError) as caught:
        Pkcs12Signer.from_pkcs12(make_p12(iin="900101300001"), "pw", policy)
    assert caught.value.code == "bad_iin"
    with pytest.raises(KeyRefusedError, match="контрольной"):
        Pkcs12Signer.from_pkcs12(make_p12(iin=TEST_IIN), "pw", policy)


def test_unknown_issuer_refused() -> None:
    with pytest.raises(KeyRefusedError) as caught:
        Pkcs12Signer.from_pkcs12(make_p12(issuer="Some CA"), "pw", CertificatePolicy())
    assert caught.value.code == "unknown_issuer"


@pytest.mark.parametrize("path", [SIGN_REVOKED, AUTH_REVOKED])
def test_revoked_refused(path: object) -> None:
    with pytest.raises(KeyRefusedError) as caught:
        Pkcs12Signer.from_pkcs12(path.read_bytes(), RSA_PASSWORD, _test_mode())  # type: ignore[attr-defined]
    assert caught.value.code == "revoked"


def test_sandbox_ocsp_revocation_is_checked_at_every_signature() -> None:
    ocsp = SandboxOcsp()
    signer = _signer(_test_mode(revocation=ChainedRevocation(LocalRevocationList(), ocsp)))
    signer.sign(DOC)
    ocsp.revoke(signer.info.serial)
    with pytest.raises(KeyRefusedError, match="отозван"):
        signer.sign(DOC)


def test_auth_key_cannot_sign_documents() -> None:
    policy = _test_mode(revocation=SandboxOcsp())  # not revoked here: the key usage alone refuses it
    with pytest.raises(KeyRefusedError) as caught:
        Pkcs12Signer.from_pkcs12(AUTH_REVOKED.read_bytes(), RSA_PASSWORD, policy)
    assert caught.value.code == "not_signing_key"


@pytest.mark.parametrize(("path", "password"), [(GOST_2015, GOST_2015_PASSWORD), (GOST_2004, RSA_PASSWORD)])
def test_gost_key_refused_with_a_clear_message(path: object, password: str) -> None:
    with pytest.raises(KeyRefusedError) as caught:
        Pkcs12Signer.from_pkcs12(path.read_bytes(), password, _test_mode())  # type: ignore[attr-defined]
    assert caught.value.code == "gost_key"
    assert "ГОСТ" in caught.value.message


def test_container_inspection_reads_algorithm_oids() -> None:
    assert inspect(GOST_2015.read_bytes(), GOST_2015_PASSWORD).key_algorithms == ["1.2.398.3.10.1.1.2.2"]
    assert inspect(GOST_2004.read_bytes(), RSA_PASSWORD).key_algorithms == ["1.2.398.3.10.1.1.1.1"]
    assert inspect(VALID_SIGN.read_bytes(), RSA_PASSWORD).key_algorithms == ["1.2.840.113549.1.1.1"]
    assert not inspect(GOST_2015.read_bytes(), "wrong").password_ok


def test_wrong_password_and_garbage() -> None:
    with pytest.raises(KeyRefusedError) as caught:
        Pkcs12Signer.from_pkcs12(VALID_SIGN.read_bytes(), "wrong", _test_mode())
    assert caught.value.code == "bad_password"
    with pytest.raises(KeyRefusedError) as caught:
        Pkcs12Signer.from_pkcs12(b"not a key", "x", _test_mode())
    assert caught.value.code == "unreadable_key"


async def test_signer_protocol_checks_expected_iin() -> None:
    signer = _signer()
    signed = await signer.sign_xml(DOC, SigningContext(user_id="u1", document_id="d1", expected_iin=TEST_IIN))
    assert verify_xml(signed, _test_mode()).valid
    with pytest.raises(KeyRefusedError) as caught:
        await signer.sign_xml(DOC, SigningContext(user_id="u1", document_id="d1", expected_iin=VALID_IIN))
    assert caught.value.code == "iin_mismatch"


def test_iin_checksum() -> None:
    assert iin_checksum_ok("900101300007")
    assert iin_checksum_ok("900101300811")
    assert not iin_checksum_ok("900101300001")
    assert not iin_checksum_ok(TEST_IIN)
    assert not iin_checksum_ok("12345")
