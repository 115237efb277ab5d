"""Payment orders signed by the user before they go to the bank (``PaymentPorts.sign_orders``): one document for
the month's orders signed on the phone (eGov mobile, played by a test client with a test key), in Russian and
Kazakh, on SQLite and PostgreSQL; exactly once (double tap, the tick racing the button), cancel, and the automatic
payment that asks instead of paying when the orders need the user's signature."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from core import storage
from core.storage import Database, OutboxMessage
from dialogs.contract import Reply
from dialogs.effects.consent_ticks import consent_tick
from dialogs.effects.ports import EffectServices, PaymentPorts
from dialogs.effects.ticks import poll_payments
from dialogs.flows.payment_signing import poll_payment_signatures
from dialogs.payloads import PayloadCodec
from dialogs.services import (
    BankAdapter,
    CoreCalendar,
    CoreConsultant,
    CorePlaces,
    CoreTaxes,
    EgovPhoneSigning,
    KeptKeySigning,
    SandboxAccounts,
    default_interpreter,
)
from dialogs.testing import VALID_IIN, ScriptedChat
from integrations.bank import LocalBank, ManualClock, SandboxBank
from integrations.signing import CertificatePolicy, KeptKeySigner, Pkcs12Signer, verify_xml
from integrations.signing.egov_mobile import EgovMobileService
from integrations.signing.egov_mobile.phone import service_url_from
from integrations.signing.kept_key import MemoryAudit
from integrations.signing.vault import InMemoryKeyRepository, KeyVault
from tests.dialogs.conftest import NOW, SECRET
from tests.dialogs.test_payment_consent import ANNOUNCE, AUTO, DUE, give
from tests.dialogs.test_payment_flow import LANGS, WORDS, Rig, effect_rows, ready_chat, to_offer
from tests.integrations.signing.keys import make_p12

SIGN = {
    "ru": {"link": "Подпишите платёжки", "check": "Проверить подпись", "pending": "ещё не пришла", "cancel": "Отмена"},
    "kk": {"link": "қол қойыңыз", "check": "Қолтаңбаны тексеру", "pending": "әлі келген жоқ", "cancel": "Болдырмау"},
}


class Phone:
    """What eGov mobile does with the link: fetch the document, sign it with the user's key, send it back."""

    def __init__(self, egov: EgovMobileService, signer: Pkcs12Signer, vault: KeyVault, p12: bytes) -> None:
        self.egov, self.signer, self.vault, self.p12 = egov, signer, vault, p12

    def sign(self, reply: Reply) -> None:
        request_id = service_url_from(str(reply.meta["deep_link"])).rsplit("/", 1)[1]
        token = self.egov.service_info(request_id)["document"]["auth_token"]
        documents = self.egov.documents(request_id, f"Bearer {token}")
        for item in documents["documentsToSign"]:
            item["documentXml"] = self.signer.sign(item["documentXml"].encode()).decode()
        self.egov.submit(request_id, f"Bearer {token}", documents)


@pytest.fixture
def signing(database: Database) -> tuple[Rig, Phone]:
    clock = ManualClock(NOW)
    policy = CertificatePolicy(clock=clock.now)

    def signer_of(signed: bytes) -> str | None:  # the sandbox bank verifies the payer's signature on every order
        found = verify_xml(signed, policy)
        return found.signer.iin if found.valid and found.signer is not None else None

    bank = SandboxBank(clock=clock, verify_signature=signer_of)
    egov = EgovMobileService("https://bot.example/egov", policy, clock=clock.now)
    vault = KeyVault(b"k" * 32, InMemoryKeyRepository())
    kept = KeptKeySigning(vault, KeptKeySigner(vault, policy, MemoryAudit()))
    phone_signing = EgovPhoneSigning(egov)
    ports = PaymentPorts(
        BankAdapter(LocalBank(bank)), SandboxAccounts(bank), phone_signing, sign_orders=True, kept=kept
    )
    services = EffectServices(
        interpreter=default_interpreter(),
        taxes=CoreTaxes(),
        places=CorePlaces(),
        calendar=CoreCalendar(),
        consultant=CoreConsultant(),
        payment=ports,
    )
    p12 = make_p12(
        iin=VALID_IIN,
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        password="pw",
        not_after=dt.datetime(2027, 12, 31, tzinfo=dt.UTC),
    )
    signer = Pkcs12Signer.from_pkcs12(p12, "pw", policy)
    return Rig(clock, bank, ports, services, database), Phone(egov, signer, vault, p12)


async def to_link(chat: ScriptedChat, lang: str) -> Reply:
    await to_offer(chat, lang)
    await chat.press(WORDS[lang]["pay"])
    await chat.press(WORDS[lang]["yes"])
    chat.expect(SIGN[lang]["link"])
    reply = chat.replies[0]
    assert reply.meta["kind"] == "sign_request"
    assert reply.attachments[0].content.startswith(b"\x89PNG")
    return reply


async def outbox(rig: Rig) -> list[dict[str, Any]]:
    async with rig.database.session() as session:
        return [m.payload for m in await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


@pytest.mark.parametrize("lang", LANGS)
async def test_orders_are_signed_on_the_phone_before_the_bank(signing: tuple[Rig, Phone], lang: str) -> None:
    rig, phone = signing
    chat, user = await ready_chat(rig, lang)
    link = await to_link(chat, lang)
    assert rig.bank._records == {}  # nothing goes to the bank before the signature
    await chat.press(SIGN[lang]["check"])
    chat.expect(SIGN[lang]["pending"])
    check = next(b for b in chat.buttons if SIGN[lang]["check"] in b.text)
    phone.sign(link)
    await chat.press_payload(check.payload)
    chat.expect(WORDS[lang]["sent"])
    orders = len(rig.bank._records)
    assert orders >= 3
    assert all(r.reasons == () for r in rig.bank._records.values())  # the bank verified each order's signature
    rig.clock.advance(dt.timedelta(minutes=30))
    async with rig.database.transaction() as session:
        await poll_payments(session, rig.clock.now(), rig.ports)
    assert {p.status for p in await effect_rows(rig.database)} == {"executed"}
    await chat.press_payload(check.payload)  # a double tap: the status, nothing twice
    assert await chat.redeliver() == []
    async with rig.database.transaction() as session:  # the tick after the button: nothing left to do
        assert (await poll_payment_signatures(session, rig.clock.now(), rig.ports)).pushed == 0
    assert len(rig.bank._records) == orders
    (sign_row,) = await effect_rows(rig.database, "pays")
    assert sign_row.status == "done"
    signed = str((sign_row.result or {})["signed_xml"])
    assert "Signature" in signed
    payments = await effect_rows(rig.database)
    assert len(payments) == orders
    assert all(p.request["signed_by"] == sign_row.id and p.key in signed for p in payments)
    async with rig.database.session() as session:
        actions = [a.action for a in await storage.audit_of(session, user)]
    assert actions.count("payment.signed") == 1
    assert actions.count("payment.signature_requested") == 1


async def test_the_tick_sends_when_the_signature_arrives(signing: tuple[Rig, Phone]) -> None:
    rig, phone = signing
    chat, _ = await ready_chat(rig, "kk")
    phone.sign(await to_link(chat, "kk"))
    for _ in range(2):
        async with rig.database.transaction() as session:
            await poll_payment_signatures(session, rig.clock.now(), rig.ports)
    orders = len(rig.bank._records)
    assert orders >= 3
    pushed = [p for p in await outbox(rig) if p["meta"].get("kind") == "payment_signed"]
    assert len(pushed) == 1
    assert pushed[0]["template"][0] == "payment_signed"
    assert WORDS["kk"]["sent"] in pushed[0]["text"]
    await chat.say("/pay")
    chat.expect(WORDS["kk"]["already"])


@pytest.mark.parametrize("lang", LANGS)
async def test_cancel_while_signing_sends_nothing(signing: tuple[Rig, Phone], lang: str) -> None:
    rig, phone = signing
    chat, _ = await ready_chat(rig, lang)
    link = await to_link(chat, lang)
    await chat.press(SIGN[lang]["cancel"])
    phone.sign(link)  # signed after the cancel: still nothing
    async with rig.database.transaction() as session:
        await poll_payment_signatures(session, rig.clock.now(), rig.ports)
    assert rig.bank._records == {}
    await chat.say("/pay")  # offered again
    assert any(WORDS[lang]["pay"] in b.text for b in chat.buttons)


async def test_a_stranger_cannot_press_the_signature_buttons(signing: tuple[Rig, Phone]) -> None:
    rig, phone = signing
    engine = rig.engine()
    owner, _ = await ready_chat(rig, "ru", engine)
    link = await to_link(owner, "ru")
    stranger, _ = await ready_chat(rig, "ru", engine, chat_id="2002")
    phone.sign(link)
    for button in owner.buttons:
        assert await stranger.press_payload(button.payload) == []
    assert rig.bank._records == {}


@pytest.mark.parametrize("lang", LANGS)
async def test_autopay_asks_to_sign_instead_of_paying(signing: tuple[Rig, Phone], lang: str) -> None:
    rig, _ = signing
    chat, _ = await ready_chat(rig, lang)
    await give(chat, lang)
    codec = PayloadCodec(SECRET)
    for now in (ANNOUNCE, DUE):
        async with rig.database.transaction() as session:
            await consent_tick(session, now, rig.ports, codec)
    assert rig.bank._records == {}
    (ask,) = [p for p in await outbox(rig) if p["meta"].get("kind") == "autopay"]
    assert ask["meta"]["status"] == "needs_signature"
    assert ask["template"][0] == "payment_autopay_sign"
    await chat.press_payload(ask["buttons"][0][0]["payload"])  # «Оплатить»: the offer, then sign as usual
    assert any(WORDS[lang]["pay"] in b.text for b in chat.buttons)
    assert AUTO[lang]["auto"] in " ".join(b.text for b in chat.buttons)


async def test_a_confirmation_waiting_for_its_signature_holds_the_month(signing: tuple[Rig, Phone]) -> None:
    """Confirmed and waiting for the signature: the automatic run cannot claim the month; signed later → once."""
    rig, phone = signing
    rig.ports.sign_orders = False  # the consent's run would pay without a signature…
    chat, _ = await ready_chat(rig, "ru")
    await give(chat, "ru")
    codec = PayloadCodec(SECRET)
    async with rig.database.transaction() as session:
        await consent_tick(session, ANNOUNCE, rig.ports, codec)
    rig.ports.sign_orders = True
    link = await to_link(chat, "ru")  # …but the user confirmed by hand and signs on the phone
    rig.ports.sign_orders = False
    async with rig.database.transaction() as session:
        await consent_tick(session, DUE, rig.ports, codec)
    assert rig.bank._records == {}  # the month is held by the confirmation waiting for its signature
    (run,) = await effect_rows(rig.database, "apr")
    assert run.status == "manual"
    phone.sign(link)
    async with rig.database.transaction() as session:
        await poll_payment_signatures(session, rig.clock.now(), rig.ports)
    orders = len(rig.bank._records)
    assert orders >= 3
    assert len(await effect_rows(rig.database)) == orders


@pytest.mark.parametrize("lang", LANGS)
async def test_the_kept_key_is_a_choice_confirmed_on_use(signing: tuple[Rig, Phone], lang: str) -> None:
    rig, phone = signing
    chat, user = await ready_chat(rig, lang)
    await phone.vault.store(str(user), phone.p12, "pw")
    await to_offer(chat, lang)
    await chat.press(WORDS[lang]["pay"])
    await chat.press(WORDS[lang]["yes"])
    kept = {"ru": "Сохранённым", "kk": "Сақталған"}[lang]
    assert any({"ru": "На телефоне", "kk": "Телефонда"}[lang] in b.text for b in chat.buttons)
    button = next(b for b in chat.buttons if kept in b.text)
    assert rig.bank._records == {}  # nothing before this use of the key is confirmed
    await chat.press_payload(button.payload)
    chat.expect(WORDS[lang]["sent"])
    orders = len(rig.bank._records)
    assert orders >= 3
    await chat.press_payload(button.payload)  # a double tap: nothing twice
    assert len(rig.bank._records) == orders
    (sign_row,) = await effect_rows(rig.database, "pays")
    assert (sign_row.result or {})["way"] == "kept"
    async with rig.database.session() as session:
        actions = [a.action for a in await storage.audit_of(session, user)]
    assert actions.count("payment.signed") == 1


async def test_the_bank_refuses_an_order_without_the_payers_signature(signing: tuple[Rig, Phone]) -> None:
    """The sandbox bank that requires signatures: an unsigned order (signing switched off in the chat) is rejected
    at once with «не подписано», told to the user, nothing debited."""
    rig, _ = signing
    rig.ports.sign_orders = False
    chat, _ = await ready_chat(rig, "ru")
    await to_offer(chat, "ru")
    await chat.press(WORDS["ru"]["pay"])
    await chat.press(WORDS["ru"]["yes"])
    chat.expect("Банк отклонил", "не подписано")
    assert rig.bank._records
    assert all(r.reasons[0].code == "unsigned" for r in rig.bank._records.values())
    assert {p.status for p in await effect_rows(rig.database)} == {"rejected"}


async def test_the_subscription_fee_is_signed_too(signing: tuple[Rig, Phone]) -> None:
    from core.payments import PlatformSettings

    rig, phone = signing
    rig.ports.platform = PlatformSettings(
        PLATFORM_IBAN="KZ31601A000000000001", PLATFORM_BIN="141140001547", PLATFORM_BIC="HSBKKZKX"
    )
    chat, _ = await ready_chat(rig, "ru")
    await chat.say("подписка")
    if not chat.buttons:
        await chat.say(WORDS["ru"]["name"])
    await chat.press(WORDS["ru"]["pay"])
    await chat.press(WORDS["ru"]["yes"])
    chat.expect(SIGN["ru"]["link"], "2 000 ₸")
    assert rig.bank._records == {}
    phone.sign(chat.replies[0])
    await chat.press(SIGN["ru"]["check"])
    chat.expect(WORDS["ru"]["sent"])
    (record,) = rig.bank._records.values()
    assert record.reasons == ()  # the sandbox bank verified the payer's signature
    await to_offer(chat, "ru")  # the month's social payments are not held by the fee's signature
    assert any(WORDS["ru"]["pay"] in b.text for b in chat.buttons)
