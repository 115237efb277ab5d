"""Registering an issued document as an ESF from the chat, end to end: the engine on SQL storage, the eGov mobile
service (the phone played in-process by a key of the user's ИИН) and the ESF sandbox over HTTP through the real zeep
client on the official WSDLs; in Russian and Kazakh; exactly once; the 15-day reminder."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from core import storage
from core.documents import Document, LineItem, Party, issue, issue_act_for_invoice
from core.storage import Database, Effect, OutboxMessage, find_binding
from dialogs.adapters.esf import EsfClientGateway, SandboxAccounts, esf_ports
from dialogs.clock import kz_today
from dialogs.contract import Reply
from dialogs.effects.esf_ports import EsfAnswer, EsfPorts, PreparedInvoice
from dialogs.effects.esf_reminders import queue_deadline_reminders
from dialogs.effects.esf_ticks import poll_esf
from dialogs.effects.ports import EffectServices
from dialogs.engine import Engine
from dialogs.payloads import PayloadCodec
from dialogs.services import (
    CoreCalendar,
    CoreConsultant,
    CorePlaces,
    CoreTaxes,
    EgovPhoneSigning,
    KeptKeySigning,
    default_interpreter,
)
from dialogs.sql_store import SqlStores
from dialogs.testing import VALID_IIN, ScriptedChat, onboarding_scenario
from integrations.esf.sandbox import EsfSandbox, ManualClock, SandboxConfig
from integrations.esf.server import BASE_PATH, create_app
from integrations.signing import CertificatePolicy, KeptKeySigner, Pkcs12Signer
from integrations.signing.egov_mobile import EgovMobileService
from integrations.signing.egov_mobile.phone import service_url_from
from integrations.signing.kept_key import MemoryAudit
from integrations.signing.vault import InMemoryKeyRepository, KeyVault
from tests.dialogs.conftest import NOW, SECRET, chat_for
from tests.integrations.signing.keys import make_p12

LANGS = ("ru", "kk")
BUYER_BIN = "240140000120"
UNKNOWN_BIN = "990140000483"
P12_PASSWORD = "pw"
WORDS = {
    "ru": {
        "sign": "Подписать",
        "check": "Проверить подпись",
        "status": "Проверить статус",
        "accepted": "ЭСФ принят",
        "queue": "в очереди",
        "registered": "зарегистрирован",
        "already": "уже есть ЭСФ",
        "pending": "ещё не пришла",
        "cancel": "Отмена",
        "kept": "Сохранённым",
        "why": "Почему",
        "not_found": "не нахожу",
    },
    "kk": {
        "sign": "Қол қойып",
        "check": "Қолтаңбаны тексеру",
        "status": "Күйін тексеру",
        "accepted": "ЭШФ қабылданды",
        "queue": "кезекте",
        "registered": "тіркелді",
        "already": "ЭШФ бар",
        "pending": "әлі келген жоқ",
        "cancel": "Болдырмау",
        "kept": "Сақталған",
        "why": "Себебі",
        "not_found": "таппадым",
    },
}


@dataclass
class Rig:
    clock: ManualClock
    sandbox: EsfSandbox
    egov: EgovMobileService
    ports: EsfPorts
    services: EffectServices
    phone_key: Pkcs12Signer
    vault: KeyVault
    database: Database
    p12: bytes

    def engine(self) -> Engine:
        return Engine(SqlStores(self.database), self.services, SECRET)

    def play_phone(self, reply: Reply) -> None:
        """What eGov mobile does with the link: fetch the document, sign it with the user's key, send it back."""
        url = service_url_from(str(reply.meta["deep_link"]))
        request_id = url.rsplit("/", 1)[1]
        token = self.egov.service_info(request_id)["document"]["auth_token"]
        documents = self.egov.documents(request_id, f"Bearer {token}")
        for item in documents["documentsToSign"]:
            item["documentXml"] = self.phone_key.sign(item["documentXml"].encode()).decode()
        self.egov.submit(request_id, f"Bearer {token}", documents)

    async def tick(self) -> Any:
        async with self.database.transaction() as session:
            return await poll_esf(session, self.clock.now(), self.ports, PayloadCodec(SECRET))


@pytest.fixture
async def rig(database: Database) -> AsyncIterator[Rig]:
    clock = ManualClock(NOW)
    policy = CertificatePolicy(clock=clock.now)
    p12 = make_p12(
        iin=VALID_IIN,
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        password=P12_PASSWORD,
        not_after=dt.datetime(2027, 12, 31, tzinfo=dt.UTC),
    )
    config = SandboxConfig(known_taxpayers=frozenset({BUYER_BIN}))
    sandbox = EsfSandbox([], config=config, clock=clock.now)
    server = TestServer(create_app(sandbox), host="127.0.0.1")
    await server.start_server()
    egov = EgovMobileService("https://bot.example/egov", policy, clock=clock.now)
    vault = KeyVault(b"k" * 32, InMemoryKeyRepository())
    kept = KeptKeySigning(vault, KeptKeySigner(vault, policy, MemoryAudit()))
    gateway = EsfClientGateway(f"http://127.0.0.1:{server.port}{BASE_PATH}", SandboxAccounts(sandbox), timeout=10)
    ports = esf_ports(gateway, EgovPhoneSigning(egov), kept, today=lambda: kz_today(clock.now()))
    services = EffectServices(
        interpreter=default_interpreter(),
        taxes=CoreTaxes(),
        places=CorePlaces(),
        calendar=CoreCalendar(),
        consultant=CoreConsultant(),
        esf=ports,
    )
    signer = Pkcs12Signer.from_pkcs12(p12, P12_PASSWORD, policy)
    try:
        yield Rig(clock, sandbox, egov, ports, services, signer, vault, database, p12)
    finally:
        await server.close()


def draft(buyer_bin: str = BUYER_BIN, turnover: dt.date = dt.date(2026, 11, 25)) -> Document:
    return Document(
        kind="invoice",
        number="",
        date=dt.date(2026, 11, 25),
        seller=Party("ИП Иванов", bin_iin=VALID_IIN, address="Астана, ул. Абая 1"),
        buyer=Party("ТОО «Пример»", bin_iin=buyer_bin, address="Астана"),
        items=(LineItem("Разработка сайта", "услуга", Decimal(1), Decimal(250_000), unit_code="796"),),
        turnover_date=turnover,
    )


async def user_id_of(database: Database, chat: ScriptedChat) -> int:
    async with database.session() as session:
        binding = await find_binding(session, chat.channel, chat.chat_id)
        assert binding is not None
        return binding.user_id


async def issued(rig: Rig, user: int, key: str = "d1", document: Document | None = None) -> int:
    async with rig.database.transaction() as session:
        return (await issue(session, user, document or draft(), key)).id


async def ready(rig: Rig, lang: str, engine: Engine | None = None, chat_id: str = "1001") -> tuple[ScriptedChat, int]:
    chat = chat_for(engine or rig.engine(), lang, chat_id=chat_id)
    await onboarding_scenario(chat, lang)
    return chat, await user_id_of(rig.database, chat)


def esf_button(user: int, document_id: int) -> str:
    """The button the documents flow shows under an issued document."""
    return PayloadCodec(SECRET).encode(str(user), "esf", "new", str(document_id))


async def to_signing(
    chat: ScriptedChat, lang: str, user: int, document_id: int, deadline: str = "10.12.2026"
) -> Reply:
    """The button under the document → the summary (buyer, total, turnover date, deadline) → «Подписать»."""
    await chat.press_payload(esf_button(user, document_id))
    chat.expect("ТОО «Пример»", "250 000", "25.11.2026", deadline)
    sign = next(b for b in chat.buttons if WORDS[lang]["sign"].lower() in b.text.lower())
    await chat.press_payload(sign.payload)
    reply = chat.replies[0]
    reply.meta["sign_payload"] = sign.payload
    assert reply.meta["kind"] == "sign_request"
    assert reply.attachments[0].content.startswith(b"\x89PNG")
    return reply


async def effects(database: Database) -> list[Effect]:
    async with database.session() as session:
        return list((await session.scalars(select(Effect).where(Effect.kind == "esf").order_by(Effect.id))).all())


async def outbox(database: Database, kind: str) -> list[OutboxMessage]:
    async with database.session() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    return [m for m in rows if m.payload.get("meta", {}).get("kind") == kind]


async def audit_actions(database: Database, user_id: int) -> list[str]:
    async with database.session() as session:
        return [a.action for a in await storage.audit_of(session, user_id)]


@pytest.mark.parametrize("lang", LANGS)
async def test_esf_end_to_end(rig: Rig, lang: str) -> None:
    w = WORDS[lang]
    chat, user = await ready(rig, lang)
    document_id = await issued(rig, user)
    link = await to_signing(chat, lang, user, document_id)
    await chat.press(w["check"])
    chat.expect(w["pending"])  # pressed before signing on the phone
    rig.play_phone(link)
    await chat.press(w["check"])
    chat.expect(w["accepted"], w["queue"], "1202600001")
    assert len(rig.sandbox.invoices) == 1
    # a double tap on «Подписать» and a redelivered update: nothing twice
    await chat.press_payload(str(link.meta["sign_payload"]))
    assert await chat.redeliver() == []
    assert len(rig.sandbox.invoices) == 1
    assert len(await effects(rig.database)) == 1
    # ИС ЭСФ registers it: the tick pushes CREATED once
    rig.clock.advance(seconds=20)
    for _ in range(2):
        await rig.tick()
    pushed = await outbox(rig.database, "esf_status")
    assert [m.payload["meta"]["status"] for m in pushed] == ["created"]
    invoice = next(iter(rig.sandbox.invoices.values()))
    assert invoice.status == "CREATED"
    assert invoice.registration_number in pushed[0].payload["text"]
    assert w["registered"] in pushed[0].payload["text"]
    assert pushed[0].payload["template"][0] == "esf_status"
    # the document shows its ESF instead of a second one
    await chat.press_payload(esf_button(user, document_id))
    chat.expect(w["already"], invoice.registration_number or "")
    assert not any(w["sign"].lower() in b.text.lower() for b in chat.buttons)
    # /esf lists it
    await chat.say("/esf")
    chat.expect(invoice.registration_number or "")
    await chat.say("статус ЭСФ" if lang == "ru" else "ЭШФ күйі")
    chat.expect(invoice.registration_number or "")
    actions = await audit_actions(rig.database, user)
    for action in ("esf.confirmed", "esf.signature_requested", "esf.signed", "esf.uploaded", "esf.created"):
        assert actions.count(action) == 1, (action, actions)


@pytest.mark.parametrize("lang", LANGS)
async def test_failed_after_processing_is_explained(rig: Rig, lang: str) -> None:
    chat, user = await ready(rig, lang)
    document_id = await issued(rig, user, document=draft(buyer_bin=UNKNOWN_BIN))
    rig.play_phone(await to_signing_unknown(chat, lang, user, document_id))
    await chat.press(WORDS[lang]["check"])
    chat.expect(WORDS[lang]["accepted"])
    rig.clock.advance(seconds=20)
    await rig.tick()
    pushed = await outbox(rig.database, "esf_status")
    assert [m.payload["meta"]["status"] for m in pushed] == ["failed"]
    assert "CUSTOMER_TIN_ABSENT_IN_DICTIONARY" in pushed[0].payload["text"]
    assert WORDS[lang]["why"] in pushed[0].payload["text"]
    # a failed ESF can be sent again (a new attempt, a new key)
    await chat.press_payload(esf_button(user, document_id))
    assert any(WORDS[lang]["sign"].lower() in b.text.lower() for b in chat.buttons)


async def to_signing_unknown(chat: ScriptedChat, lang: str, user: int, document_id: int) -> Reply:
    await chat.press_payload(esf_button(user, document_id))
    await chat.press(WORDS[lang]["sign"])
    return chat.replies[0]


class WrongTotalBuilder:
    """A builder with a bug: the invoice total is off by one tenge and the local check is skipped — ИС ЭСФ itself
    must decline it."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def prepare(self, mapping: Any, seller_tin: str) -> PreparedInvoice:
        from integrations.esf.signature import signing_payload

        good = self.inner.prepare(mapping, seller_tin)
        body = good.body.replace(
            "<totalPriceWithTax>250000</totalPriceWithTax>", "<totalPriceWithTax>250001</totalPriceWithTax>"
        )
        assert body != good.body
        return PreparedInvoice(body, signing_payload(body), ())


@pytest.mark.parametrize("lang", LANGS)
async def test_declined_upload_is_explained_with_its_code(rig: Rig, lang: str) -> None:
    rig.ports.builder = WrongTotalBuilder(rig.ports.builder)
    chat, user = await ready(rig, lang)
    document_id = await issued(rig, user)
    rig.play_phone(await to_signing(chat, lang, user, document_id))
    await chat.press(WORDS[lang]["check"])
    chat.expect("INCORRECT_TOTAL_SUM", WORDS[lang]["why"])
    assert rig.sandbox.invoices == {}
    rows = await effects(rig.database)
    assert [r.status for r in rows] == ["declined"], rows[0].result
    assert "esf.declined" in await audit_actions(rig.database, user)


@pytest.mark.parametrize("lang", LANGS)
async def test_locally_refused_document_is_never_signed(rig: Rig, lang: str) -> None:
    chat, user = await ready(rig, lang)
    document_id = await issued(rig, user, document=draft(turnover=dt.date(2026, 11, 25)))
    # a document dated after its ESF date is refused before signing
    async with rig.database.transaction() as session:
        late = (await issue(session, user, draft(turnover=dt.date(2026, 12, 5)), "future")).id
    await chat.press_payload(esf_button(user, late))
    chat.expect("05.12.2026")
    assert not any(WORDS[lang]["sign"].lower() in b.text.lower() for b in chat.buttons)
    assert await effects(rig.database) == []
    assert document_id


class FlakyGateway:
    """ИС ЭСФ takes the first upload, then the process dies before our commit (the answer is lost)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.uploads = 0

    async def upload(self, iin: str, body: str, signed_payload: bytes) -> EsfAnswer:
        self.uploads += 1
        answer = await self.inner.upload(iin, body, signed_payload)
        if self.uploads == 1:
            raise RuntimeError("crash after the upload, before the commit")
        return answer  # type: ignore[no-any-return]

    async def status(self, iin: str, certificate: str, invoice_id: int) -> EsfAnswer:
        return await self.inner.status(iin, certificate, invoice_id)  # type: ignore[no-any-return]


@pytest.mark.parametrize("lang", LANGS)
async def test_crash_between_upload_and_commit_resumes_once(rig: Rig, lang: str) -> None:
    flaky = FlakyGateway(rig.ports.gateway)
    rig.ports.gateway = flaky
    chat, user = await ready(rig, lang)
    document_id = await issued(rig, user)
    rig.play_phone(await to_signing(chat, lang, user, document_id))
    await chat.press(WORDS[lang]["check"])
    assert "код" in chat.text.lower() or "код" in chat.text  # the apology with a correlation code, no trace
    assert len(rig.sandbox.invoices) == 1  # ИС ЭСФ has it, our row still says «signed»
    restarted = chat_for(rig.engine(), lang)
    restarted.history = chat.history
    await restarted.redeliver()
    restarted.expect(WORDS[lang]["accepted"])
    await rig.tick()
    assert len(rig.sandbox.invoices) == 1  # the repeat was recognised as the same invoice
    rows = await effects(rig.database)
    assert [r.status for r in rows] == ["uploaded"]
    assert (rows[0].result or {})["invoice_id"] == next(iter(rig.sandbox.invoices))


async def test_the_tick_uploads_a_signature_nobody_checked(rig: Rig) -> None:
    chat, user = await ready(rig, "ru")
    document_id = await issued(rig, user)
    rig.play_phone(await to_signing(chat, "ru", user, document_id))
    report = await rig.tick()
    assert report.pushed == 1
    assert len(rig.sandbox.invoices) == 1
    pushed = await outbox(rig.database, "esf_status")
    assert [m.payload["meta"]["status"] for m in pushed] == ["uploaded"]


async def test_another_users_button_and_document(rig: Rig) -> None:
    engine = rig.engine()
    owner, owner_id = await ready(rig, "ru", engine)
    document_id = await issued(rig, owner_id)
    await owner.press_payload(esf_button(owner_id, document_id))
    sign = next(b for b in owner.buttons if "Подписать" in b.text)
    stranger, stranger_id = await ready(rig, "ru", engine, chat_id="2002")
    assert await stranger.press_payload(sign.payload) == []
    assert await stranger.press_payload(esf_button(owner_id, document_id)) == []
    # a payload of the stranger's own naming the owner's document finds nothing
    await stranger.press_payload(esf_button(stranger_id, document_id))
    stranger.expect(WORDS["ru"]["not_found"])
    assert await effects(rig.database) == []


@pytest.mark.parametrize("lang", LANGS)
async def test_kept_key_signs_after_the_choice(rig: Rig, lang: str) -> None:
    chat, user = await ready(rig, lang)
    await rig.vault.store(str(user), rig.p12, P12_PASSWORD)
    document_id = await issued(rig, user)
    await chat.press_payload(esf_button(user, document_id))
    await chat.press(WORDS[lang]["sign"])
    await chat.press(WORDS[lang]["kept"])
    chat.expect(WORDS[lang]["accepted"])
    assert len(rig.sandbox.invoices) == 1


@pytest.mark.parametrize("lang", LANGS)
async def test_cancel_while_signing_sends_nothing(rig: Rig, lang: str) -> None:
    chat, user = await ready(rig, lang)
    document_id = await issued(rig, user)
    link = await to_signing(chat, lang, user, document_id)
    await chat.press(WORDS[lang]["cancel"])
    rig.play_phone(link)
    await rig.tick()
    assert rig.sandbox.invoices == {}
    assert [r.status for r in await effects(rig.database)] == ["cancelled"]


async def test_an_act_of_a_registered_invoice_has_its_esf(rig: Rig) -> None:
    chat, user = await ready(rig, "ru")
    invoice_id = await issued(rig, user)
    rig.play_phone(await to_signing(chat, "ru", user, invoice_id))
    await chat.press(WORDS["ru"]["check"])
    async with rig.database.transaction() as session:
        act = await issue_act_for_invoice(session, user, invoice_id, dt.date(2026, 11, 30), "act1")
    await chat.press_payload(esf_button(user, act.id))
    chat.expect(WORDS["ru"]["already"])


# ---- the 15-day reminder ----


async def reminders(rig: Rig) -> list[OutboxMessage]:
    return await outbox(rig.database, "esf_deadline")


async def remind_at(rig: Rig, moment: dt.datetime) -> int:
    async with rig.database.transaction() as session:
        return await queue_deadline_reminders(session, moment, PayloadCodec(SECRET))


@pytest.mark.parametrize("lang", LANGS)
async def test_reminder_once_per_kind_and_not_after_registration(rig: Rig, lang: str) -> None:
    chat, user = await ready(rig, lang)
    await issued(rig, user, "late", draft(turnover=dt.date(2026, 11, 20)))  # deadline 05.12.2026
    at = dt.datetime(2026, 12, 2, 6, 0, tzinfo=dt.UTC)  # 11:00 in Almaty, 3 days before
    assert await remind_at(rig, at) == 1
    assert await remind_at(rig, at + dt.timedelta(hours=1)) == 0
    assert await remind_at(rig, at + dt.timedelta(days=1)) == 0  # 2 days before: the d3 one was sent
    assert await remind_at(rig, at + dt.timedelta(days=2)) == 1  # the day before
    sent = await reminders(rig)
    assert len(sent) == 2
    assert "05.12.2026" in sent[0].payload["text"]
    assert sent[0].payload["template"] == ["esf_deadline", [sent[0].payload["template"][1][0], "05.12.2026"]] or (
        sent[0].payload["template"][0] == "esf_deadline"
    )
    # the button under the reminder opens the ESF of that document
    chat.replies = [Reply.from_dict(sent[-1].payload)]
    await chat.press(sent[-1].payload["buttons"][0][0]["text"])
    assert any(WORDS[lang]["sign"].lower() in b.text.lower() for b in chat.buttons)


async def test_no_reminder_at_night_or_without_consent_or_after_registration(rig: Rig) -> None:
    chat, user = await ready(rig, "ru")
    document_id = await issued(rig, user, "doc", draft(turnover=dt.date(2026, 11, 20)))
    night = dt.datetime(2026, 12, 4, 18, 0, tzinfo=dt.UTC)  # 23:00 in Almaty, the day before the deadline
    assert await remind_at(rig, night) == 1
    (message,) = await reminders(rig)
    assert message.not_before is not None
    assert message.not_before.replace(tzinfo=dt.UTC) >= dt.datetime(2026, 12, 5, 4, 0, tzinfo=dt.UTC)  # 09:00
    # registered: no more reminders
    # sign and upload the ESF
    link = await to_signing(chat, "ru", user, document_id, deadline="05.12.2026")
    rig.play_phone(link)
    await chat.press(WORDS["ru"]["check"])
    assert await remind_at(rig, dt.datetime(2026, 12, 5, 6, 0, tzinfo=dt.UTC)) == 0
    # a user without consent gets none
    other = chat_for(rig.engine(), "ru", chat_id="3003")
    await onboarding_scenario(other, "ru")
    other_id = await user_id_of(rig.database, other)
    async with rig.database.transaction() as session:
        await storage.update_profile(session, other_id, proactive_opt_in=False)
    await issued(rig, other_id, "o1", draft(turnover=dt.date(2026, 11, 20)))
    assert await remind_at(rig, dt.datetime(2026, 12, 5, 6, 0, tzinfo=dt.UTC)) == 0


def test_button_labels_fit_whatsapp() -> None:
    from dialogs.i18n import Translator

    for lang in LANGS:
        tr = Translator(lang)  # type: ignore[arg-type]
        for label in ("Issue the ESF", "ESF for No. {number}"):
            assert len(tr.t(label, number="99999")) <= 20, (lang, label)


@pytest.mark.parametrize("lang", LANGS)
async def test_the_sellers_address_is_asked_once(rig: Rig, lang: str) -> None:
    chat, user = await ready(rig, lang)
    plain = draft()
    no_address = dataclasses.replace(plain, seller=Party("ИП Иванов", bin_iin=VALID_IIN))
    first = await issued(rig, user, "a1", no_address)
    await chat.press_payload(esf_button(user, first))
    assert not any(WORDS[lang]["sign"].lower() in b.text.lower() for b in chat.buttons)
    await chat.say("1")
    assert not any(WORDS[lang]["sign"].lower() in b.text.lower() for b in chat.buttons)  # asked again, not taken
    await chat.say("Астана, ул. Абая, 1")
    chat.expect("Астана, ул. Абая, 1", "10.12.2026")
    rig.play_phone(await _sign(chat, lang))
    await chat.press(WORDS[lang]["check"])
    chat.expect(WORDS[lang]["accepted"])
    body = next(iter(rig.sandbox.invoices.values())).body
    assert "Астана, ул. Абая, 1" in body
    second = await issued(rig, user, "a2", no_address)
    await chat.press_payload(esf_button(user, second))
    chat.expect("Астана, ул. Абая, 1")  # the address of the last ESF, not asked again


async def _sign(chat: ScriptedChat, lang: str) -> Reply:
    await chat.press(WORDS[lang]["sign"])
    return chat.replies[0]
