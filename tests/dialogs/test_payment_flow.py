"""Paying the month's social payments from the chat, through the sandbox bank, in Russian and Kazakh, on SQLite and
PostgreSQL; exactly once (double tap, redelivery, a crash inside the bank call, another user's button)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import storage
from core.payments import PaymentOrder
from core.storage import Database, Effect, OutboxMessage, find_binding
from dialogs.effects.ports import BankAnswer, EffectServices, PaymentPorts
from dialogs.effects.ticks import poll_payments
from dialogs.engine import Engine
from dialogs.services import (
    BankAdapter,
    CoreCalendar,
    CoreConsultant,
    CorePlaces,
    CoreTaxes,
    SandboxAccounts,
    default_interpreter,
    sandbox_iban,
)
from dialogs.sql_store import SqlStores
from dialogs.testing import ScriptedChat, onboarding_scenario
from integrations.bank import LocalBank, ManualClock, SandboxBank
from tests.dialogs.conftest import NOW, SECRET, chat_for

LANGS = ("ru", "kk")
WORDS = {
    "ru": {
        "name": "Иванов Иван",
        "month": "ноябрь 2026",
        "opv": "ОПВ",
        "pay": "Оплатить",
        "orders": "Платёжки",
        "later": "Позже",
        "yes": "Да, оплатить",
        "sent": "Отправлено в банк",
        "executed": "Исполнено",
        "already": "уже отправлены",
    },
    "kk": {
        "name": "Иванов Иван",
        "month": "қараша 2026",
        "opv": "МЗЖ",
        "pay": "Төлеу",
        "orders": "Төлем",
        "later": "Кейінірек",
        "yes": "Иә, төлеу",
        "sent": "Банкке жіберілді",
        "executed": "Орындалды",
        "already": "жіберілген",
    },
}


@dataclass
class Rig:
    clock: ManualClock
    bank: SandboxBank
    ports: PaymentPorts
    services: EffectServices
    database: Database

    def engine(self) -> Engine:
        return Engine(SqlStores(self.database), self.services, SECRET)


class FlakyBank:
    """Crashes inside the first send (the process dies between "confirmed" and "sent")."""

    def __init__(self, inner: BankAdapter) -> None:
        self.inner = inner
        self.calls = 0

    async def send(self, order: PaymentOrder, idempotency_key: str, signature: bytes | None = None) -> BankAnswer:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("crash inside the bank call")
        return await self.inner.send(order, idempotency_key, signature)

    async def status(self, order_id: str) -> BankAnswer:
        return await self.inner.status(order_id)


@pytest.fixture
def rig(database: Database) -> Rig:
    clock = ManualClock(NOW)
    bank = SandboxBank(clock=clock)
    ports = PaymentPorts(BankAdapter(LocalBank(bank)), SandboxAccounts(bank))
    services = EffectServices(
        interpreter=default_interpreter(),
        taxes=CoreTaxes(),
        places=CorePlaces(),
        calendar=CoreCalendar(),
        consultant=CoreConsultant(),
        payment=ports,
    )
    return Rig(clock, bank, ports, services, database)


async def ready_chat(
    rig: Rig, lang: str, engine: Engine | None = None, chat_id: str = "1001"
) -> tuple[ScriptedChat, int]:
    chat = chat_for(engine or rig.engine(), lang, chat_id=chat_id)
    await onboarding_scenario(chat, lang)
    async with rig.database.transaction() as session:
        binding = await find_binding(session, chat.channel, chat.chat_id)
        assert binding is not None
        await storage.add_income(session, binding.user_id, Decimal(300_000), dt.date(2026, 11, 10), f"p:{chat_id}")
    return chat, binding.user_id


async def to_offer(chat: ScriptedChat, lang: str) -> None:
    await chat.say("/pay")
    if not chat.buttons:
        await chat.say(WORDS[lang]["name"])
    chat.expect(WORDS[lang]["month"], WORDS[lang]["opv"], "25.12.2026")


async def effect_rows(database: Database, kind: str = "pay") -> list[Effect]:
    """The payment effects (the month's claim rows, kind ``payp``, are not payments)."""
    async with database.session() as session:
        return list((await session.scalars(select(Effect).where(Effect.kind == kind).order_by(Effect.id))).all())


@pytest.mark.parametrize("lang", LANGS)
async def test_pay_the_month_end_to_end(rig: Rig, lang: str) -> None:
    w = WORDS[lang]
    chat, user = await ready_chat(rig, lang)
    await to_offer(chat, lang)
    await chat.press(w["orders"])
    pdfs = chat.replies[0].attachments
    assert pdfs
    assert all(a.content.startswith(b"%PDF") for a in pdfs)
    await chat.press(w["pay"])
    chat.expect(sandbox_iban(str(user))[-4:])
    yes = next(b for b in chat.buttons if w["yes"] in b.text)
    await chat.press_payload(yes.payload)
    chat.expect(w["sent"])
    orders = len(pdfs)
    assert len(rig.bank._records) == orders
    await chat.press_payload(yes.payload)  # a double tap
    assert await chat.redeliver() == []  # the same update again
    assert len(rig.bank._records) == orders
    assert len(await effect_rows(rig.database)) == orders
    rig.clock.advance(dt.timedelta(minutes=10))
    for _ in range(2):
        async with rig.database.transaction() as session:
            await poll_payments(session, rig.clock.now(), rig.ports)
    async with rig.database.session() as session:
        pushed = [
            m
            for m in await session.scalars(select(OutboxMessage))
            if m.payload["meta"].get("kind") == "payment_status"
        ]
    assert len(pushed) == orders
    assert all(w["executed"] in m.payload["text"] for m in pushed)
    await chat.say("/pay")
    chat.expect(w["already"])
    async with rig.database.session() as session:
        actions = [a.action for a in await storage.audit_of(session, user)]
    for action in ("payment.confirmed", "payment.sent", "payment.executed"):
        assert actions.count(action) == orders, (action, actions)


@pytest.mark.parametrize("lang", LANGS)
async def test_crash_inside_the_bank_call_pays_once(rig: Rig, lang: str) -> None:
    rig.ports.bank = FlakyBank(rig.ports.bank)  # type: ignore[arg-type]
    chat, _ = await ready_chat(rig, lang)
    await to_offer(chat, lang)
    await chat.press(WORDS[lang]["pay"])
    await chat.press(WORDS[lang]["yes"])
    assert len(rig.bank._records) == 0  # the apology; everything of that event rolled back
    restarted = chat_for(rig.engine(), lang)
    restarted.history = chat.history
    await restarted.redeliver()
    restarted.expect(WORDS[lang]["sent"])
    orders = len(rig.bank._records)
    assert orders >= 3
    await restarted.redeliver()
    assert len(rig.bank._records) == orders
    assert {r.status for r in await effect_rows(rig.database)} == {"sent"}


async def test_later_and_foreign_buttons(rig: Rig) -> None:
    engine = rig.engine()
    owner, _ = await ready_chat(rig, "ru", engine)
    await to_offer(owner, "ru")
    pay = next(b for b in owner.buttons if "Оплатить" in b.text)
    stranger, _ = await ready_chat(rig, "ru", engine, chat_id="2002")
    assert await stranger.press_payload(pay.payload) == []
    await owner.press("Позже")
    owner.expect("напомню")
    assert await owner.press_payload(pay.payload) != []  # an old button: «no longer active», nothing sent
    assert rig.bank._records == {}
    assert await effect_rows(rig.database) == []


def test_button_labels_fit_whatsapp() -> None:
    from dialogs.i18n import Translator

    for lang in LANGS:
        tr = Translator(lang)  # type: ignore[arg-type]
        for label in ("Pay", "Orders", "Later", "Yes, pay"):
            assert len(tr.t(label)) <= 20


@pytest.mark.parametrize(("lang", "text"), [("ru", "оплатить соцплатежи"), ("kk", "салықты төлеу")])
async def test_free_text_offers_the_payment(rig: Rig, lang: str, text: str) -> None:
    chat, _ = await ready_chat(rig, lang)
    await chat.say(text)
    if not chat.buttons:
        await chat.say(WORDS[lang]["name"])
    chat.expect(WORDS[lang]["month"], "25.12.2026")
    assert any(WORDS[lang]["pay"] in b.text for b in chat.buttons)


@pytest.mark.parametrize("lang", LANGS)
async def test_subscription_invoice_pay_and_paid_status(rig: Rig, lang: str) -> None:
    from core.payments import PlatformSettings

    rig.ports.platform = PlatformSettings(
        PLATFORM_IBAN="KZ31601A000000000001", PLATFORM_BIN="141140001547", PLATFORM_BIC="HSBKKZKX"
    )
    words = {"ru": ("подписка", "2 000 ₸", "Бесплатно", "Оплачено"), "kk": ("жазылым", "2 000 ₸", "Тегін", "Төленді")}
    ask, amount, free, paid = words[lang]
    chat, _ = await ready_chat(rig, lang)
    await chat.say(ask)
    if not chat.buttons:
        await chat.say(WORDS[lang]["name"])
    chat.expect("AS-202612-", amount, free)
    await chat.press(WORDS[lang]["pay"])
    yes = next(b for b in chat.buttons if WORDS[lang]["yes"] in b.text)
    await chat.press_payload(yes.payload)
    chat.expect(WORDS[lang]["sent"])
    await chat.press_payload(yes.payload)  # a double tap: nothing twice
    assert len(rig.bank._records) == 1
    rig.clock.advance(dt.timedelta(minutes=10))
    async with rig.database.transaction() as session:
        await poll_payments(session, rig.clock.now(), rig.ports)
    await chat.say(ask)
    chat.expect(paid)
    assert not chat.buttons


async def test_subscription_with_placeholder_requisites_offers_no_payment(rig: Rig) -> None:
    chat, _ = await ready_chat(rig, "ru")
    await chat.say("/subscription")
    chat.expect("AS-202612-", "не настроены")
    assert not chat.buttons


@pytest.mark.parametrize("lang", LANGS)
async def test_rejected_by_the_bank_is_pushed_and_can_be_paid_again(rig: Rig, lang: str) -> None:
    rig.ports.accounts = SandboxAccounts(rig.bank, balance=Decimal(0))  # insufficient funds
    chat, _ = await ready_chat(rig, lang)
    await to_offer(chat, lang)
    await chat.press(WORDS[lang]["pay"])
    await chat.press(WORDS[lang]["yes"])
    rig.clock.advance(dt.timedelta(minutes=10))
    async with rig.database.transaction() as session:
        await poll_payments(session, rig.clock.now(), rig.ports)
    async with rig.database.session() as session:
        pushed = [m.payload for m in await session.scalars(select(OutboxMessage))]
    assert pushed
    assert {p["meta"]["status"] for p in pushed} == {"rejected"}
    rejected = {"ru": "Банк отклонил", "kk": "Банк"}[lang]
    assert all(rejected in p["text"] for p in pushed)
    await chat.say("/pay")  # rejected payments are offered again (a new attempt, a new key)
    assert any(WORDS[lang]["pay"] in b.text for b in chat.buttons)


@pytest.mark.parametrize("lang", LANGS)
async def test_pay_from_the_taxes_view(rig: Rig, lang: str) -> None:
    """«Оплатить» under a month's figures starts the payment flow for that month (payload within 64 bytes)."""
    chat, _ = await ready_chat(rig, lang)
    await chat.say("налоги за ноябрь 2026")
    pay = next(b for b in chat.buttons if b.text == WORDS[lang]["pay"])
    assert len(pay.payload.encode()) <= 64
    await chat.press_payload(pay.payload)
    if not chat.buttons:
        await chat.say(WORDS[lang]["name"])
    chat.expect(WORDS[lang]["month"], WORDS[lang]["opv"], "25.12.2026")
    await chat.press(WORDS[lang]["pay"])
    await chat.press(WORDS[lang]["yes"])
    chat.expect(WORDS[lang]["sent"])
    assert rig.bank._records
