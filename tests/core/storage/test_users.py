"""Users, profiles, bindings and link codes, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest

from core.storage import (
    Database,
    InvalidIIN,
    bindings_of,
    consume_link_code,
    create_link_code,
    find_binding,
    get_or_create_user_for_chat,
    get_profile,
    move_binding,
    set_language,
    touch_inbound,
    update_profile,
)

NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


async def test_first_contact_creates_user_and_binding_once(database: Database) -> None:
    async with database.session() as s:
        user, binding, created = await get_or_create_user_for_chat(s, "telegram", "42", language="kk", username="ip_a")
        await s.commit()
    assert created
    assert (user.language, binding.username, binding.phone, binding.status) == ("kk", "ip_a", None, "active")
    async with database.session() as s:
        again, binding2, created2 = await get_or_create_user_for_chat(s, "telegram", "42")
    assert not created2
    assert again.id == user.id
    assert binding2.id == binding.id


async def test_same_chat_id_on_other_channel_is_another_user(database: Database) -> None:
    async with database.session() as s:
        a, _, _ = await get_or_create_user_for_chat(s, "telegram", "42")
        b, _, _ = await get_or_create_user_for_chat(s, "whatsapp", "42", phone="77010000000")
        await s.commit()
    assert a.id != b.id


async def test_concurrent_first_messages_bind_one_user(database: Database) -> None:
    async def first_contact() -> int:
        async with database.session() as s:
            user, _, _ = await get_or_create_user_for_chat(s, "web", "browser-1")
            await s.commit()
            return user.id

    ids = await asyncio.gather(*(first_contact() for _ in range(5)))
    assert len(set(ids)) == 1


async def test_profile_validates_iin_at_the_boundary(database: Database) -> None:
    async with database.session() as s:
        user, _, _ = await get_or_create_user_for_chat(s, "telegram", "1")
        with pytest.raises(InvalidIIN):
            await update_profile(s, user.id, iin="900101300001")
        with pytest.raises(InvalidIIN):
            await update_profile(s, user.id, iin="123456789011")
        test_profile = await update_profile(s, user.id, iin="123456789011", allow_test_iin=True)
        assert test_profile.iin == "123456789011"
        with pytest.raises(ValueError, match="regime"):
            await update_profile(s, user.id, regime="flat")
        with pytest.raises(ValueError, match="not profile fields"):
            await update_profile(s, user.id, password="x")
        await update_profile(
            s,
            user.id,
            iin="900101300007",
            full_name="Иванов Иван",
            regime="simplified",
            place_id="astana",
            place_rate=Decimal("0.030000"),
            employees=2,
            birth_date=dt.date(1990, 1, 1),
            onboarded_at=NOW,
        )
        await s.commit()
    async with database.session() as s:
        profile = await get_profile(s, user.id)
    assert profile.iin == "900101300007"
    assert profile.place_rate == Decimal("0.03")
    assert profile.employees == 2
    assert profile.onboarded_at == NOW


async def test_language_switch_and_inbound_touch(database: Database) -> None:
    async with database.session() as s:
        user, binding, _ = await get_or_create_user_for_chat(s, "whatsapp", "wa-1")
        await set_language(s, user.id, "kk")
        await touch_inbound(s, binding.id, NOW)
        await s.commit()
        with pytest.raises(ValueError, match="language"):
            await set_language(s, user.id, "en")
    async with database.session() as s:
        fresh = await find_binding(s, "whatsapp", "wa-1")
        assert fresh is not None
        assert fresh.last_inbound_at == NOW
        user_again, _, _ = await get_or_create_user_for_chat(s, "whatsapp", "wa-1")
        assert user_again.language == "kk"


async def test_link_code_links_two_channels_once(database: Database) -> None:
    async with database.session() as s:
        tg_user, _, _ = await get_or_create_user_for_chat(s, "telegram", "7")
        _, wa_binding, _ = await get_or_create_user_for_chat(s, "whatsapp", "wa-7")
        assert await create_link_code(s, tg_user.id, "482913", NOW + dt.timedelta(minutes=10))
        assert not await create_link_code(s, tg_user.id, "482913", NOW + dt.timedelta(minutes=10))
        assert await consume_link_code(s, "000000", NOW) is None
        owner = await consume_link_code(s, "482913", NOW)
        assert owner == tg_user.id
        assert await consume_link_code(s, "482913", NOW) is None  # one time only
        await move_binding(s, wa_binding.id, owner)
        await s.commit()
    async with database.session() as s:
        assert [b.channel for b in await bindings_of(s, tg_user.id)] == ["telegram", "whatsapp"]


async def test_expired_link_code_does_nothing(database: Database) -> None:
    async with database.session() as s:
        user, _, _ = await get_or_create_user_for_chat(s, "telegram", "8")
        await create_link_code(s, user.id, "111111", NOW)
        assert await consume_link_code(s, "111111", NOW) is None
