"""The standing consent for automatic social payments (автоплатёж), in Russian and Kazakh, on SQLite and PostgreSQL:
the consent given and revoked in the chat, announced the working day before the due date (daytime, reminders on),
paid on the due day through the same effect path as «Да, оплатить», never above the limit, never twice (a manual
payment racing the automatic one gives one set of orders), buttons from another chat do nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from core import storage
from core.storage import OutboxMessage
from dialogs.effects.consent_ticks import claim_month, consent_tick
from dialogs.effects.store import EffectStore
from dialogs.effects.ticks import poll_payments
from dialogs.flows.autopay import parse_limit
from dialogs.payloads import PayloadCodec
from dialogs.testing import ScriptedChat
from tests.dialogs.conftest import SECRET
from tests.dialogs.test_payment_flow import LANGS, WORDS, Rig, effect_rows, ready_chat, rig, to_offer

__all__ = ["rig"]  # the fixture, shared with the payment flow's tests

CODEC = PayloadCodec(SECRET)
ANNOUNCE = dt.datetime(2026, 12, 24, 6, 0, tzinfo=dt.UTC)  # Thursday 11:00 in Kazakhstan; due Friday 25.12.2026
DUE = dt.datetime(2026, 12, 25, 6, 0, tzinfo=dt.UTC)
NIGHT = dt.datetime(2026, 12, 24, 18, 0, tzinfo=dt.UTC)  # 23:00 in Kazakhstan
AUTO = {
    "ru": {
        "auto": "Автоплатёж",
        "ask": "До какой суммы",
        "bad": "Напишите лимит",
        "yes": "Да, включить",
        "on": "Автоплатёж включён",
        "status": "с 01.12.2026",
        "off": "Отключить автоплатёж",
        "revoked": "Автоплатёж отключён",
        "notice": "В день срока, 25.12.2026",
        "skipped": "платить не буду",
        "over": "больше вашего лимита",
        "paid": "Оплатил автоматически",
    },
    "kk": {
        "auto": "Автотөлем",
        "ask": "қандай сомаға дейін",
        "bad": "Лимитті теңгемен",
        "yes": "Иә, қосу",
        "on": "Автотөлем қосыл",
        "status": "01.12.2026 бастап",
        "off": "Автотөлемді өшіру",
        "revoked": "Автотөлем өшірілді",
        "notice": "Мерзім күні, 25.12.2026",
        "skipped": "төлемеймін",
        "over": "лимитіңізден",
        "paid": "автоматты түрде төледім",
    },
}


async def give(chat: ScriptedChat, lang: str, limit: str = "100 000") -> None:
    await to_offer(chat, lang)
    await chat.press(AUTO[lang]["auto"])
    chat.expect(AUTO[lang]["ask"])
    await chat.say(limit)
    await chat.press(AUTO[lang]["yes"])
    chat.expect(AUTO[lang]["on"])


async def tick(rig: Rig, now: dt.datetime) -> int:
    async with rig.database.transaction() as session:
        report = await consent_tick(session, now, rig.ports, CODEC)
    assert report.failed == 0
    return report.pushed


async def pushes(rig: Rig, kind: str = "autopay") -> list[dict[str, Any]]:
    async with rig.database.session() as session:
        rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    return [m.payload for m in rows if m.payload["meta"].get("kind") == kind]


def payload_of(push: dict[str, Any], index: int) -> str:
    return str([b for row in push["buttons"] for b in row][index]["payload"])


async def audit(rig: Rig, user: int) -> list[str]:
    async with rig.database.session() as session:
        return [a.action for a in await storage.audit_of(session, user)]


def test_limit_parsing() -> None:
    assert parse_limit("30 000") == Decimal(30000)
    assert parse_limit("до 45000 ₸") == Decimal(45000)
    assert parse_limit("30к") == Decimal(30000)
    for bad in ("много", "0", "-5", "1" * 20):
        assert parse_limit(bad) is None


@pytest.mark.parametrize("lang", LANGS)
async def test_consent_announce_pay_on_the_due_day(rig: Rig, lang: str) -> None:
    w = AUTO[lang]
    chat, user = await ready_chat(rig, lang)
    await to_offer(chat, lang)
    await chat.press(w["auto"])
    await chat.say("много")
    chat.expect(w["bad"])  # bad input: asked again, nothing stored
    await chat.say("100 000")
    chat.expect("100 000 ₸")
    await chat.press(w["yes"])
    chat.expect(w["on"], "100 000 ₸")
    await chat.say("/pay")
    await chat.press(w["auto"])
    chat.expect(w["status"], "100 000 ₸")  # the consent with its date and limit
    assert any(w["off"] in b.text for b in chat.buttons)

    assert await tick(rig, dt.datetime(2026, 12, 23, 6, 0, tzinfo=dt.UTC)) == 0  # two days before: nothing
    assert await tick(rig, NIGHT) == 0  # at night: nothing
    assert await tick(rig, ANNOUNCE) == 1
    assert await tick(rig, ANNOUNCE + dt.timedelta(hours=2)) == 0  # announced once
    (notice,) = await pushes(rig)
    assert w["notice"] in notice["text"]
    assert WORDS[lang]["opv"] in notice["text"]
    assert "100 000 ₸" in notice["text"].replace("\xa0", " ")
    assert notice["template"][0] == "payment_autopay_notice"
    assert len([b for row in notice["buttons"] for b in row]) == 2
    assert rig.bank._records == {}  # announced, not paid

    assert await tick(rig, DUE) == 1
    orders = len(rig.bank._records)
    assert orders >= 3
    paid = (await pushes(rig))[-1]
    assert w["paid"] in paid["text"]
    assert paid["template"][0] == "payment_autopay_sent"
    assert await tick(rig, DUE + dt.timedelta(hours=1)) == 0
    assert len(rig.bank._records) == orders  # never twice
    rig.clock.advance(dt.timedelta(days=30))
    async with rig.database.transaction() as session:
        await poll_payments(session, rig.clock.now(), rig.ports)
    assert {r.status for r in await effect_rows(rig.database)} == {"executed"}
    actions = await audit(rig, user)
    for action in ("payment.consent.given", "payment.auto.announced", "payment.auto.sent"):
        assert actions.count(action) == 1, (action, actions)
    assert actions.count("payment.confirmed") == orders
    await chat.say("/pay")
    chat.expect(WORDS[lang]["already"])


@pytest.mark.parametrize("lang", LANGS)
async def test_skip_this_time_and_a_foreign_button(rig: Rig, lang: str) -> None:
    engine = rig.engine()
    chat, user = await ready_chat(rig, lang, engine)
    await give(chat, lang)
    await tick(rig, ANNOUNCE)
    (notice,) = await pushes(rig)
    stranger, _ = await ready_chat(rig, lang, engine, chat_id="2002")
    assert await stranger.press_payload(payload_of(notice, 0)) == []  # another user's button: nothing
    assert await stranger.press_payload(payload_of(notice, 1)) == []
    await chat.press_payload(payload_of(notice, 0))
    chat.expect(AUTO[lang]["skipped"])
    await tick(rig, DUE)
    assert rig.bank._records == {}
    assert "payment.auto.skipped" in await audit(rig, user)
    await chat.say("/pay")  # the manual payment is still offered
    assert any(WORDS[lang]["pay"] in b.text for b in chat.buttons)


@pytest.mark.parametrize("lang", LANGS)
async def test_turn_off_from_the_announcement(rig: Rig, lang: str) -> None:
    chat, user = await ready_chat(rig, lang)
    await give(chat, lang)
    await tick(rig, ANNOUNCE)
    (notice,) = await pushes(rig)
    await chat.press_payload(payload_of(notice, 1))
    chat.expect(AUTO[lang]["revoked"])
    await tick(rig, DUE)
    assert rig.bank._records == {}
    assert "payment.consent.revoked" in await audit(rig, user)
    await chat.say("/pay")
    await chat.press(AUTO[lang]["auto"])
    chat.expect(AUTO[lang]["ask"])  # no consent any more: asked for a new limit


@pytest.mark.parametrize("lang", LANGS)
async def test_above_the_limit_pays_nothing_and_asks(rig: Rig, lang: str) -> None:
    chat, _ = await ready_chat(rig, lang)
    await give(chat, lang, limit="1 000")
    assert await tick(rig, ANNOUNCE) == 1
    (ask,) = await pushes(rig)
    assert AUTO[lang]["over"] in ask["text"]
    assert ask["template"][0] == "payment_autopay_over_limit"
    await tick(rig, DUE)
    assert rig.bank._records == {}
    await chat.press_payload(payload_of(ask, 0))  # «Оплатить»: the usual offer and confirmation
    chat.expect(WORDS[lang]["month"], WORDS[lang]["opv"])
    assert any(WORDS[lang]["pay"] in b.text for b in chat.buttons)


async def test_income_growing_above_the_limit_after_the_announcement(rig: Rig) -> None:
    chat, user = await ready_chat(rig, "ru")
    await give(chat, "ru", limit="70 000")
    await tick(rig, ANNOUNCE)
    async with rig.database.transaction() as session:  # more November income: ОПВ and СО grow
        await storage.add_income(session, user, Decimal(5_000_000), dt.date(2026, 11, 20), "p:more")
    await tick(rig, DUE)
    assert rig.bank._records == {}
    assert (await pushes(rig))[-1]["meta"]["status"] == "over_limit"


async def test_no_announcement_without_reminders(rig: Rig) -> None:
    chat, user = await ready_chat(rig, "ru")
    await give(chat, "ru")
    async with rig.database.transaction() as session:
        await storage.update_profile(session, user, proactive_opt_in=False)
    assert await tick(rig, ANNOUNCE) == 0
    assert await tick(rig, DUE) == 0
    assert rig.bank._records == {}


@pytest.mark.parametrize("lang", LANGS)
async def test_manual_payment_before_the_due_day_wins(rig: Rig, lang: str) -> None:
    chat, user = await ready_chat(rig, lang)
    await give(chat, lang)
    await tick(rig, ANNOUNCE)
    await to_offer(chat, lang)
    await chat.press(WORDS[lang]["pay"])
    await chat.press(WORDS[lang]["yes"])
    orders = len(rig.bank._records)
    assert orders >= 3
    await tick(rig, DUE)
    assert len(rig.bank._records) == orders
    assert "payment.auto.sent" not in await audit(rig, user)


@pytest.mark.parametrize("lang", LANGS)
async def test_automatic_payment_then_an_old_confirmation_pays_once(rig: Rig, lang: str) -> None:
    chat, _ = await ready_chat(rig, lang)
    await give(chat, lang)
    await tick(rig, ANNOUNCE)
    await to_offer(chat, lang)
    await chat.press(WORDS[lang]["pay"])
    yes = next(b for b in chat.buttons if WORDS[lang]["yes"] in b.text)
    await tick(rig, DUE)  # the automatic payment goes first
    orders = len(rig.bank._records)
    assert orders >= 3
    await chat.press_payload(yes.payload)  # the manual confirmation after it: the status, no second order
    chat.expect(WORDS[lang]["already"])
    assert len(rig.bank._records) == orders
    assert len(await effect_rows(rig.database)) == orders


async def test_one_claim_per_month_across_transactions(rig: Rig) -> None:
    _, user = await ready_chat(rig, "ru")
    me = str(user)
    async with rig.database.transaction() as session:  # the manual confirmation: its claim and its order
        effects = EffectStore(session)
        assert await claim_month(effects, me, "2026-11", "user-a", "user")
        request = {"period": "2026-11", "order_kind": "opv", "amount": "1"}
        await effects.begin("pay-opv-test-1", me, "pay", request, "sending")
    async with rig.database.transaction() as session:
        effects = EffectStore(session)
        assert not await claim_month(effects, me, "2026-11", "auto-1", "auto")  # the automatic run: refused
        assert await claim_month(effects, me, "2026-11", "user-a", "user")  # the same claimant resumes
        assert await claim_month(effects, me, "2026-10", "auto-1", "auto")  # another month is free
        row = await effects.get("pay-opv-test-1")
        assert row is not None
        await effects.advance(row, "rejected")
        assert await claim_month(effects, me, "2026-11", "auto-2", "auto")  # all rejected: may be paid again


async def test_foreign_autopay_buttons_do_nothing(rig: Rig) -> None:
    engine = rig.engine()
    owner, _ = await ready_chat(rig, "ru", engine)
    await to_offer(owner, "ru")
    auto = next(b for b in owner.buttons if AUTO["ru"]["auto"] in b.text)
    stranger, _ = await ready_chat(rig, "ru", engine, chat_id="2002")
    assert await stranger.press_payload(auto.payload) == []
    await owner.press_payload(auto.payload)
    await owner.say("30 000")
    yes = next(b for b in owner.buttons if AUTO["ru"]["yes"] in b.text)
    assert await stranger.press_payload(yes.payload) == []
    await owner.press_payload(yes.payload)
    await owner.press_payload(yes.payload)  # a double tap: one consent
    assert len(await effect_rows(rig.database, "apc")) == 1


def test_autopay_button_titles_fit_whatsapp() -> None:
    from dialogs.i18n import Translator

    for lang in LANGS:
        tr = Translator(lang)  # type: ignore[arg-type]
        for label in ("Autopay", "Turn off autopay", "Yes, turn on", "Skip this time", "Turn off"):
            assert len(tr.t(label)) <= 20, (lang, label)


@pytest.mark.parametrize("lang", LANGS)
async def test_the_channel_scenario(rig: Rig, lang: str) -> None:
    from dialogs.scenarios.autopay import autopay_scenario

    chat, user = await ready_chat(rig, lang)
    await autopay_scenario(chat, lang)
    actions = await audit(rig, user)
    assert actions.count("payment.consent.given") == 1
    assert actions.count("payment.consent.revoked") == 1


@pytest.mark.parametrize("lang", LANGS)
async def test_autopay_from_the_settings(rig: Rig, lang: str) -> None:
    chat, _ = await ready_chat(rig, lang)
    await chat.say("/settings")
    await chat.press({"ru": "Ещё", "kk": "Тағы"}[lang])
    await chat.press(AUTO[lang]["auto"])
    chat.expect(AUTO[lang]["ask"])
    await chat.say("40 000")
    await chat.press(AUTO[lang]["yes"])
    chat.expect(AUTO[lang]["on"], "40 000")
