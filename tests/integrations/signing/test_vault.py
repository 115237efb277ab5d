import base64
import os
from pathlib import Path

import pytest
from pydantic import SecretStr

from core.settings import Settings
from integrations.signing import CertificatePolicy, Pkcs12Signer, SigningError
from integrations.signing.vault import InMemoryKeyRepository, KeyVault, master_key_from_settings
from tests.integrations.signing.keys import RSA_PASSWORD, TEST_IIN, VALID_SIGN

MASTER = bytes(range(32))


async def test_store_load_round_trip_and_destroy() -> None:
    repo = InMemoryKeyRepository()
    vault = KeyVault(MASTER, repo)
    p12 = VALID_SIGN.read_bytes()
    await vault.store("user-1", p12, RSA_PASSWORD)
    sealed = repo.records["user-1"]
    assert p12 not in sealed.ciphertext
    assert RSA_PASSWORD.encode() not in sealed.ciphertext
    assert sealed.master_key_id == vault.master_key_id
    stored = await vault.load("user-1")
    assert stored.p12 == p12
    assert stored.password.get_secret_value() == RSA_PASSWORD
    assert RSA_PASSWORD not in repr(stored)
    signer = Pkcs12Signer.from_pkcs12(stored.p12, stored.password.get_secret_value(), CertificatePolicy(True))
    assert signer.info.iin == TEST_IIN
    assert await vault.has_key("user-1")
    assert await vault.destroy("user-1") is True
    assert await vault.destroy("user-1") is False
    with pytest.raises(SigningError) as caught:
        await vault.load("user-1")
    assert caught.value.code == "no_key"


async def test_each_store_uses_a_fresh_data_key() -> None:
    repo = InMemoryKeyRepository()
    vault = KeyVault(MASTER, repo)
    await vault.store("a", b"same", "pw")
    first = repo.records["a"]
    await vault.store("a", b"same", "pw")
    assert repo.records["a"].wrapped_data_key != first.wrapped_data_key
    assert repo.records["a"].ciphertext != first.ciphertext


async def test_wrong_master_key_or_moved_record_does_not_open() -> None:
    repo = InMemoryKeyRepository()
    await KeyVault(MASTER, repo).store("a", b"p12", "pw")
    with pytest.raises(SigningError) as caught:
        await KeyVault(os.urandom(32), repo).load("a")
    assert caught.value.code == "key_unreadable"
    repo.records["b"] = repo.records["a"]  # copied to another user: the associated data differs
    with pytest.raises(SigningError, match="не открывается"):
        await KeyVault(MASTER, repo).load("b")


def test_master_key_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MASTER_KEY", raising=False)
    monkeypatch.delenv("MASTER_KEY_FILE", raising=False)
    assert master_key_from_settings(Settings(_env_file=None, MASTER_KEY=SecretStr(MASTER.hex()))) == MASTER
    assert (
        master_key_from_settings(Settings(_env_file=None, MASTER_KEY=SecretStr(base64.b64encode(MASTER).decode())))
        == MASTER
    )
    raw = tmp_path / "master.key"
    raw.write_bytes(MASTER)
    assert master_key_from_settings(Settings(_env_file=None, MASTER_KEY_FILE=raw)) == MASTER
    text = tmp_path / "master.txt"
    text.write_text(MASTER.hex() + "\n")
    assert master_key_from_settings(Settings(_env_file=None, MASTER_KEY_FILE=text)) == MASTER
    with pytest.raises(SigningError, match="32 bytes"):
        master_key_from_settings(Settings(_env_file=None, MASTER_KEY=SecretStr("short")))
    with pytest.raises(SigningError) as caught:
        master_key_from_settings(Settings(_env_file=None))
    assert caught.value.code == "no_master_key"


def test_vault_refuses_a_short_master_key() -> None:
    with pytest.raises(SigningError):
        KeyVault(b"short", InMemoryKeyRepository())
    assert "master_key_id" in repr(KeyVault(MASTER, InMemoryKeyRepository()))


async def test_kept_key_signer_signs_only_allowed_purposes_and_audits_every_use() -> None:
    from integrations.signing import KeptKeySigner, SigningContext, verify_xml
    from integrations.signing.kept_key import MemoryAudit

    vault = KeyVault(MASTER, InMemoryKeyRepository())
    await vault.store("u1", VALID_SIGN.read_bytes(), RSA_PASSWORD)
    audit = MemoryAudit()
    policy = CertificatePolicy(allow_test_keys=True)
    signer = KeptKeySigner(vault, policy, audit)
    signed = await signer.sign_xml(b"<fno/>", SigningContext("u1", "910-2026-H1", purpose="declaration"))
    assert verify_xml(signed, policy).valid
    with pytest.raises(SigningError) as caught:
        await signer.sign_xml(b"<fno/>", SigningContext("u1", "x", purpose="loan_contract"))
    assert caught.value.code == "purpose_not_allowed"
    await vault.destroy("u1")
    with pytest.raises(SigningError, match="не сохранён"):
        await signer.sign_xml(b"<fno/>", SigningContext("u1", "910-2026-H2", purpose="declaration"))
    assert [(e[0], e[2].get("code")) for e in audit.events] == [
        ("signature.kept_key", None),
        ("signature.refused", "purpose_not_allowed"),
        ("signature.refused", "no_key"),
    ]
    assert all(RSA_PASSWORD not in str(e) for e in audit.events)


def test_policy_from_settings() -> None:
    assert CertificatePolicy.from_settings(Settings(_env_file=None, ALLOW_TEST_KEYS=True)).allow_test_keys
    assert not CertificatePolicy.from_settings(Settings(_env_file=None)).allow_test_keys
    assert CertificatePolicy.from_settings(Settings(_env_file=None), allow_test_keys=True).allow_test_keys
