"""«Удалить мои данные»: personal data gone, legal records kept without identity, a later /start is a new user."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from core.storage import (
    ChatBinding,
    Database,
    OutboxMessage,
    User,
    add_income,
    audit_of,
    begin_effect,
    claim_outbox,
    counterparties_of,
    enqueue,
    erase_user,
    get_effect,
    get_or_create_user_for_chat,
    get_profile,
    get_secret,
    list_income,
    load_state,
    mark_sent,
    move_binding,
    obligations_of,
    put_secret,
    save_counterparty,
    save_state,
    sum_income,
    update_profile,
    upsert_obligation,
)
from core.storage.models import Document

T0 = dt.datetime(2026, 3, 1, 4, 0, tzinfo=dt.UTC)


async def _populated_user(db: Database) -> int:
    async with db.session() as s:
        user, _, _ = await get_or_create_user_for_chat(s, "telegram", "555", username="ivan", language="kk")
        _, wa, _ = await get_or_create_user_for_chat(s, "whatsapp", "wa-555", phone="77010000000")
        await move_binding(s, wa.id, user.id)  # both channels linked to one person
        await update_profile(
            s, user.id, iin="900101300007", full_name="Иванов", regime="simplified", birth_date=dt.date(1990, 1, 1),
            disability_group=2, proactive_opt_in=True,
        )  # fmt: skip
        await add_income(s, user.id, Decimal("150000"), dt.date(2026, 2, 1), "i1", counterparty="ТОО Альфа")
        await save_state(s, user.id, "income", "confirm", {"counterparty": "ТОО Альфа"}, expected_version=0)
        await put_secret(s, user.id, "signing", b"ct", b"wk")
        await upsert_obligation(s, user.id, "opv", "pay", "2026-02", dt.date(2026, 3, 25))
        await begin_effect(s, "pay:opv:2026-02", user.id, "payment", {"iin": "900101300007", "amount": 8500})
        client = await save_counterparty(s, user.id, "ТОО Альфа", bin_iin="240140000120")
        content = {"seller": {"iin": "900101300007"}}
        s.add(Document(user_id=user.id, doc_type="invoice", number=1, issued_on=dt.date(2026, 2, 1),
                       total=Decimal(150000), content=content, idempotency_key="inv-1",
                       counterparty_id=client.id))  # fmt: skip
        await enqueue(s, "telegram", "555", {"text": "Иванов, ваш платёж"}, "sent-one", user_id=user.id)
        await enqueue(s, "telegram", "555", {"text": "ждёт"}, "pending-one", user_id=user.id)
        await s.commit()
    async with db.session() as s:
        [sent, _] = await claim_outbox(s, "w", 2, T0)
        await mark_sent(s, sent.id, "w", provider_message_id="1")
        # the other message stays claimed ("sending"): erasure deletes everything not yet sent
        await s.commit()
    return user.id


async def test_erase_user(database: Database) -> None:
    uid = await _populated_user(database)
    async with database.session() as s:
        report = await erase_user(s, uid, now=T0, correlation_id="erase-1")
        await s.commit()
    assert report.bindings == 2
    assert report.secrets == 1
    assert report.outbox_deleted == 1
    async with database.session() as s:
        user = await s.get(User, uid)
        assert user is not None
        assert user.erased_at == T0
        profile = await get_profile(s, uid)
        assert (profile.iin, profile.full_name, profile.birth_date, profile.disability_group) == (
            None,
            None,
            None,
            None,
        )
        assert not profile.proactive_opt_in
        assert profile.regime == "simplified"  # non-identifying, explains kept figures
        assert (await s.scalars(select(ChatBinding).where(ChatBinding.user_id == uid))).all() == []
        assert await load_state(s, uid) is None
        assert await get_secret(s, uid, "signing") is None
        assert await obligations_of(s, uid) == []
        [entry] = await list_income(s, uid)
        assert (entry.amount, entry.received_on, entry.counterparty) == (Decimal(150000), dt.date(2026, 2, 1), None)
        assert await sum_income(s, uid, dt.date(2026, 1, 1), dt.date(2026, 6, 30)) == Decimal(150000)
        effect = await get_effect(s, "pay:opv:2026-02")
        assert effect is not None
        assert (effect.request, effect.kind) == ({}, "payment")
        outbox = (await s.scalars(select(OutboxMessage))).all()
        assert [(m.status, m.payload, m.chat_id) for m in outbox] == [("sent", {}, "")]
        assert await counterparties_of(s, uid) == []
        [doc] = (await s.scalars(select(Document).where(Document.user_id == uid))).all()
        assert (doc.number, doc.total, doc.content, doc.counterparty_id) == (1, Decimal(150000), {}, None)
        [audit] = await audit_of(s, uid)
        assert audit.action == "user.erased"
        assert audit.correlation_id == "erase-1"


async def test_later_start_from_same_chat_is_a_new_user(database: Database) -> None:
    uid = await _populated_user(database)
    async with database.session() as s:
        await erase_user(s, uid)
        await s.commit()
    async with database.session() as s:
        user, binding, created = await get_or_create_user_for_chat(s, "telegram", "555")
        await s.commit()
    assert created
    assert user.id != uid
    assert binding.username is None
    async with database.session() as s:
        assert (await get_profile(s, user.id)).iin is None
        assert await list_income(s, user.id) == []


async def test_erasing_twice_is_harmless(database: Database) -> None:
    uid = await _populated_user(database)
    async with database.session() as s:
        await erase_user(s, uid)
        second = await erase_user(s, uid)
        await s.commit()
    assert second.bindings == 0
    assert second.secrets == 0
