"""Dialog state with version checks, processed updates, effects, the audit log's personal-data guard, the vault."""

from __future__ import annotations

import pytest

from core.storage import (
    Database,
    PersonalDataInAudit,
    StaleState,
    advance_effect,
    append_audit,
    audit_of,
    begin_effect,
    clear_state,
    delete_secrets,
    effects_of,
    get_effect,
    get_or_create_user_for_chat,
    get_secret,
    load_state,
    mark_processed,
    put_secret,
    save_state,
)


async def _user(db: Database) -> int:
    async with db.session() as s:
        user, _, _ = await get_or_create_user_for_chat(s, "telegram", "1")
        await s.commit()
        return user.id


async def test_state_round_trip_and_version_check(database: Database) -> None:
    uid = await _user(database)
    async with database.session() as s:
        assert await load_state(s, uid) is None
        assert await save_state(s, uid, "onboarding", "iin", {"language": "kk"}, expected_version=0) == 1
        await s.commit()
    async with database.session() as s:
        state = await load_state(s, uid)
        assert state is not None
        assert (state.flow, state.step, state.data, state.version) == ("onboarding", "iin", {"language": "kk"}, 1)
        assert await save_state(s, uid, "onboarding", "regime", {"iin": "ok"}, expected_version=1) == 2
        await s.commit()
    async with database.session() as s:
        with pytest.raises(StaleState):
            await save_state(s, uid, "onboarding", "place", {}, expected_version=1)
    async with database.session() as s:
        with pytest.raises(StaleState):
            await save_state(s, uid, "income", "confirm", {}, expected_version=0)
    async with database.session() as s:
        state = await load_state(s, uid)
        assert state is not None
        assert (state.step, state.version) == ("regime", 2)
        await clear_state(s, uid)
        await s.commit()
    async with database.session() as s:
        assert await load_state(s, uid) is None


async def test_two_writers_from_one_version_one_wins(database: Database) -> None:
    uid = await _user(database)
    async with database.session() as s:
        await save_state(s, uid, "f", "a", {}, expected_version=0)
        await s.commit()
    async with database.session() as first:
        assert await save_state(first, uid, "f", "b", {}, expected_version=1) == 2
        await first.commit()
    async with database.session() as second:
        with pytest.raises(StaleState):
            await save_state(second, uid, "f", "c", {}, expected_version=1)


async def test_mark_processed_only_once(database: Database) -> None:
    async with database.session() as s:
        assert await mark_processed(s, "telegram", "1001")
        assert not await mark_processed(s, "telegram", "1001")
        assert await mark_processed(s, "whatsapp", "1001")
        await s.commit()
    async with database.session() as s:
        assert not await mark_processed(s, "telegram", "1001")


async def test_effects_are_created_once_and_advance_by_compare_and_set(database: Database) -> None:
    uid = await _user(database)
    async with database.session() as s:
        effect, created = await begin_effect(s, "910:2026H1:u1", uid, "declaration", {"income": 12000000})
        again, created_again = await begin_effect(s, "910:2026H1:u1", uid, "declaration", {"income": 1})
        assert created
        assert not created_again
        assert again.id == effect.id
        assert again.request == {"income": 12000000}
        assert await advance_effect(s, effect.key, "pending", "submitting")
        assert not await advance_effect(s, effect.key, "pending", "submitting")  # a replay loses
        assert await advance_effect(s, effect.key, "submitting", "accepted", result={"registration": "R-1"})
        await s.commit()
    async with database.session() as s:
        stored = await get_effect(s, "910:2026H1:u1")
        assert stored is not None
        assert (stored.status, stored.result) == ("accepted", {"registration": "R-1"})
        assert [e.key for e in await effects_of(s, uid, "declaration")] == ["910:2026H1:u1"]


async def test_audit_refuses_personal_fields(database: Database) -> None:
    uid = await _user(database)
    async with database.session() as s:
        for details in ({"iin": "900101300007"}, {"order": {"full_name": "x"}}, {"Phone": "7701"}):
            with pytest.raises(PersonalDataInAudit):
                await append_audit(s, "user", "income.added", user_id=uid, details=details)
        await append_audit(s, "user", "income.added", user_id=uid, subject="income:1", details={"amount": "150000"},
                           correlation_id="c-1")  # fmt: skip
        await s.commit()
    async with database.session() as s:
        [entry] = await audit_of(s, uid)
    assert (entry.action, entry.subject, entry.details, entry.correlation_id) == (
        "income.added", "income:1", {"amount": "150000"}, "c-1"
    )  # fmt: skip
    assert entry.at.tzinfo is not None


async def test_vault_stores_bytes_and_replaces(database: Database) -> None:
    uid = await _user(database)
    async with database.session() as s:
        await put_secret(s, uid, "signing", b"\x00ct1", b"wk1", {"serial": "ab"})
        await put_secret(s, uid, "signing", b"\x00ct2", b"wk2")
        await s.commit()
    async with database.session() as s:
        blob = await get_secret(s, uid, "signing")
        assert blob is not None
        assert (blob.ciphertext, blob.wrapped_key, blob.meta) == (b"\x00ct2", b"wk2", {})
        assert await delete_secrets(s, uid) == 1
        assert await get_secret(s, uid, "signing") is None
