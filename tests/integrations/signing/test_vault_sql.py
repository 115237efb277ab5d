"""``KeyVault`` over ``secret_blobs`` (SQLite and PostgreSQL): the real NCA test key sealed, nothing readable in the
row, bound to its user, destroyed on request and by erasure."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.storage import Database, SecretBlob, erase_user, get_or_create_user_for_chat
from integrations.signing import CertificatePolicy, Pkcs12Signer, SigningError
from integrations.signing.vault_sql import KEPT_KEY_PURPOSE, PENDING_KEY_PURPOSE, SqlKeyRepository, sql_vault
from tests.integrations.signing.keys import RSA_PASSWORD, TEST_IIN, VALID_SIGN

MASTER = bytes(range(32))
WHEN = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)


async def _user(database: Database, chat: str) -> str:
    async with database.transaction() as session:
        user, _, _ = await get_or_create_user_for_chat(session, "telegram", chat)
        return str(user.id)


async def test_round_trip_in_the_table_without_plaintext(database: Database) -> None:
    uid = await _user(database, "1")
    p12 = VALID_SIGN.read_bytes()
    async with database.transaction() as session:
        vault = sql_vault(MASTER, session, meta={"serial": "4279", "name": "ТЕСТОВ ТЕСТ"}, clock=lambda: WHEN)
        await vault.store(uid, p12, RSA_PASSWORD)
    async with database.session() as session:
        row = (await session.scalars(select(SecretBlob))).one()
        assert row.purpose == KEPT_KEY_PURPOSE
        blob = bytes(row.ciphertext) + bytes(row.wrapped_key)
        assert p12 not in blob
        assert p12[64:96] not in blob  # no fragment of the container either
        assert RSA_PASSWORD.encode() not in blob
        assert RSA_PASSWORD.encode("utf-16-be") not in blob
        assert RSA_PASSWORD not in str(row.meta)
        assert row.meta["serial"] == "4279"
        assert row.meta["master_key_id"] == sql_vault(MASTER, session).master_key_id
        stored = await sql_vault(MASTER, session).load(uid)
        sealed = await SqlKeyRepository(session).get(uid)
    assert sealed is not None
    assert sealed.created_at == WHEN
    assert stored.p12 == p12
    assert stored.password.get_secret_value() == RSA_PASSWORD
    signer = Pkcs12Signer.from_pkcs12(stored.p12, stored.password.get_secret_value(), CertificatePolicy(True))
    assert signer.info.iin == TEST_IIN


async def test_a_row_moved_to_another_user_or_another_master_does_not_open(database: Database) -> None:
    owner, other = await _user(database, "1"), await _user(database, "2")
    async with database.transaction() as session:
        await sql_vault(MASTER, session).store(owner, VALID_SIGN.read_bytes(), RSA_PASSWORD)
    async with database.transaction() as session:
        row = (await session.scalars(select(SecretBlob))).one()
        row.user_id = int(other)
    async with database.session() as session:
        with pytest.raises(SigningError) as caught:
            await sql_vault(MASTER, session).load(other)
        assert caught.value.code == "key_unreadable"
        with pytest.raises(SigningError):
            await sql_vault(bytes(32), session).load(other)


async def test_purposes_are_apart_and_destroy_and_erasure_remove_rows(database: Database) -> None:
    uid = await _user(database, "1")
    async with database.transaction() as session:
        await sql_vault(MASTER, session).store(uid, b"kept", "pw")
        await sql_vault(MASTER, session, PENDING_KEY_PURPOSE).store(uid, b"upload", "")
        assert (await sql_vault(MASTER, session).load(uid)).p12 == b"kept"
        assert (await sql_vault(MASTER, session, PENDING_KEY_PURPOSE).load(uid)).p12 == b"upload"
        await sql_vault(MASTER, session).store(uid, b"replaced", "pw2")  # one key per user and purpose
        assert (await sql_vault(MASTER, session).load(uid)).p12 == b"replaced"
    async with database.transaction() as session:
        assert await sql_vault(MASTER, session, PENDING_KEY_PURPOSE).destroy(uid) is True
        assert await sql_vault(MASTER, session, PENDING_KEY_PURPOSE).destroy(uid) is False
        assert await sql_vault(MASTER, session).has_key(uid)
        await sql_vault(MASTER, session, PENDING_KEY_PURPOSE).store(uid, b"upload again", "")
    async with database.transaction() as session:
        report = await erase_user(session, int(uid))
        assert report.secrets == 2
    async with database.session() as session:
        assert (await session.scalars(select(SecretBlob))).all() == []
        assert not await sql_vault(MASTER, session).has_key(uid)
