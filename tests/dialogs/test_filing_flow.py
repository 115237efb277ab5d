"""Filing 910.00 from the chat, end to end through the sandbox cabinet and the eGov mobile service (the phone played
in-process by a key of the user's ИИН), in Russian and Kazakh, on SQLite and PostgreSQL; exactly once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import storage
from core.storage import Database, Effect, OutboxMessage, find_binding
from dialogs.contract import Reply
from dialogs.effects.ports import CabinetAnswer, EffectServices, FilingPorts
from dialogs.effects.ticks import poll_filings
from dialogs.engine import Engine
from dialogs.services import CabinetAdapter, EgovPhoneSigning, KeptKeySigning, default_interpreter
from dialogs.sql_store import SqlStores
from dialogs.testing import VALID_IIN, ScriptedChat, onboarding_scenario
from integrations.signing import CertificatePolicy, KeptKeySigner, Pkcs12Signer
from integrations.signing.egov_mobile import EgovMobileService
from integrations.signing.egov_mobile.phone import service_url_from
from integrations.signing.kept_key import MemoryAudit
from integrations.signing.vault import InMemoryKeyRepository, KeyVault
from integrations.tax_cabinet import LocalTaxCabinet, ManualClock, SandboxCabinet
from tests.dialogs.conftest import NOW, SECRET, chat_for
from tests.integrations.signing.keys import make_p12

LANGS = ("ru", "kk")
WORDS = {
    "ru": {
        "sign": "Подписать",
        "check": "Проверить подпись",
        "accepted": "Принято, №",
        "name": "Иванов Иван",
        "filed": "уже сдана",
        "additional": "Дополнительная",
        "phone": "На телефоне",
        "kept": "Сохранённым",
        "processed": "обработана",
        "pending": "ещё не пришла",
        "cancel": "Отмена",
    },
    "kk": {
        "sign": "Қол қойып",
        "check": "Қолтаңбаны тексеру",
        "accepted": "Қабылданды, №",
        "name": "Иванов Иван",
        "filed": "тапсырылған",
        "additional": "Қосымша",
        "phone": "Телефонда",
        "kept": "Сақталған",
        "processed": "өңделді",
        "pending": "әлі келген жоқ",
        "cancel": "Болдырмау",
    },
}
P12_PASSWORD = "pw"


@dataclass
class Rig:
    clock: ManualClock
    sandbox: SandboxCabinet
    egov: EgovMobileService
    ports: FilingPorts
    services: EffectServices
    phone_key: Pkcs12Signer
    vault: KeyVault
    database: Database

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


class FlakyCabinet:
    """The cabinet that crashes inside the first submit (the process dies between "confirmed" and "sent")."""

    def __init__(self, inner: CabinetAdapter) -> None:
        self.inner = inner
        self.calls = 0

    async def submit(self, signed_xml: bytes, idempotency_key: str) -> CabinetAnswer:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("crash inside the cabinet call")
        return await self.inner.submit(signed_xml, idempotency_key)

    async def status(self, registration_number: str) -> CabinetAnswer:
        return await self.inner.status(registration_number)


@pytest.fixture
def rig(database: Database) -> Rig:
    clock = ManualClock(NOW)
    policy = CertificatePolicy(clock=clock.now)
    p12 = make_p12(
        iin=VALID_IIN,
        not_before=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        password=P12_PASSWORD,
        not_after=dt.datetime(2027, 12, 31, tzinfo=dt.UTC),
    )
    sandbox = SandboxCabinet(clock=clock, processing_delay=dt.timedelta(minutes=10))
    egov = EgovMobileService("https://bot.example/egov", policy, clock=clock.now)
    vault = KeyVault(b"k" * 32, InMemoryKeyRepository())
    kept = KeptKeySigning(vault, KeptKeySigner(vault, policy, MemoryAudit()))
    ports = FilingPorts(CabinetAdapter(LocalTaxCabinet(sandbox)), EgovPhoneSigning(egov), kept)
    from dialogs.services import CoreCalendar, CoreConsultant, CorePlaces, CoreTaxes

    services = EffectServices(
        interpreter=default_interpreter(),
        taxes=CoreTaxes(),
        places=CorePlaces(),
        calendar=CoreCalendar(),
        consultant=CoreConsultant(),
        filing=ports,
    )
    signer = Pkcs12Signer.from_pkcs12(p12, P12_PASSWORD, policy)
    rig = Rig(clock, sandbox, egov, ports, services, signer, vault, database)
    rig.p12 = p12  # type: ignore[attr-defined]
    return rig


async def user_id_of(database: Database, chat: ScriptedChat) -> int:
    async with database.session() as session:
        binding = await find_binding(session, chat.channel, chat.chat_id)
        assert binding is not None
        return binding.user_id


async def add_income(database: Database, user_id: int, amount: int, day: dt.date, key: str) -> None:
    async with database.transaction() as session:
        await storage.add_income(session, user_id, Decimal(amount), day, key)


async def effects(database: Database) -> list[Effect]:
    async with database.session() as session:
        return list((await session.scalars(select(Effect).order_by(Effect.id))).all())


async def audit_actions(database: Database, user_id: int) -> list[str]:
    async with database.session() as session:
        return [a.action for a in await storage.audit_of(session, user_id)]


async def ready_chat(
    rig: Rig, lang: str, engine: Engine | None = None, chat_id: str = "1001"
) -> tuple[ScriptedChat, int]:
    chat = chat_for(engine or rig.engine(), lang, chat_id=chat_id)
    await onboarding_scenario(chat, lang)
    user = await user_id_of(rig.database, chat)
    await add_income(rig.database, user, 3_000_000, dt.date(2026, 3, 10), f"t:{chat_id}:1")
    return chat, user


async def to_signing(chat: ScriptedChat, lang: str) -> Reply:
    """/file → the name (asked once) → the summary → «Подписать и отправить» → the link and the QR."""
    await chat.say("/file")
    if not any(WORDS[lang]["sign"].lower() in b.text.lower() for b in chat.buttons):
        await chat.say(WORDS[lang]["name"])
    chat.expect("910.00", "3 000 000", "17.08.2026")
    sign = next(b for b in chat.buttons if WORDS[lang]["sign"].lower() in b.text.lower())
    await chat.press_payload(sign.payload)
    reply = chat.replies[0]
    reply.meta["sign_payload"] = sign.payload
    assert reply.meta["kind"] == "sign_request"
    assert reply.attachments[0].content.startswith(b"\x89PNG")
    assert "mgovsign.page.link" in reply.text
    return reply


@pytest.mark.parametrize("lang", LANGS)
async def test_file_910_end_to_end(rig: Rig, lang: str) -> None:
    chat, user = await ready_chat(rig, lang)
    w = WORDS[lang]
    link = await to_signing(chat, lang)
    sign_payload = str(link.meta["sign_payload"])
    await chat.press(w["check"])
    chat.expect(w["pending"])  # pressed before signing on the phone
    rig.play_phone(link)
    await chat.press(w["check"])
    chat.expect(w["accepted"], "SB0000")
    assert len(rig.sandbox._records) == 1
    # a double tap on «Подписать и отправить» and a redelivered update: nothing twice
    await chat.press_payload(sign_payload)
    assert await chat.redeliver() == []
    assert len(rig.sandbox._records) == 1
    assert len(await effects(rig.database)) == 1
    # processed later: the tick pushes it once through the outbox
    rig.clock.advance(dt.timedelta(minutes=11))
    for _ in range(2):
        async with rig.database.transaction() as session:
            await poll_filings(session, rig.clock.now(), rig.ports)
    async with rig.database.session() as session:
        pushed = list((await session.scalars(select(OutboxMessage))).all())
    statuses = [m.payload["meta"].get("status") for m in pushed if m.payload["meta"].get("kind") == "filing_status"]
    assert statuses == ["processed"]
    assert w["processed"] in pushed[-1].payload["text"]
    # the period cannot be sent twice
    await chat.say("/file")
    chat.expect(w["filed"])
    assert not any(w["sign"].lower() in b.text.lower() for b in chat.buttons)
    actions = await audit_actions(rig.database, user)
    for action in (
        "filing.confirmed",
        "filing.signature_requested",
        "filing.signed",
        "filing.submitted",
        "filing.processed",
    ):
        assert actions.count(action) == 1, (action, actions)


@pytest.mark.parametrize("lang", LANGS)
async def test_changed_income_offers_additional(rig: Rig, lang: str) -> None:
    chat, user = await ready_chat(rig, lang)
    w = WORDS[lang]
    rig.play_phone(await to_signing(chat, lang))
    await chat.press(w["check"])
    chat.expect(w["accepted"])
    await add_income(rig.database, user, 500_000, dt.date(2026, 5, 5), "t:late")
    await chat.say("/file")
    chat.expect(w["filed"], "3 500 000")
    await chat.press(w["additional"])
    chat.expect("910.00", "3 500 000")
    await chat.press(w["sign"])
    rig.play_phone(chat.replies[0])
    await chat.press(w["check"])
    chat.expect(w["accepted"])
    assert len(rig.sandbox._records) == 2
    assert all(r.state.value == "accepted" for r in rig.sandbox._records.values())


@pytest.mark.parametrize("lang", LANGS)
async def test_crash_inside_cabinet_call_resumes_once(rig: Rig, lang: str) -> None:
    flaky = FlakyCabinet(rig.ports.cabinet)  # type: ignore[arg-type]
    rig.ports.cabinet = flaky
    chat, _ = await ready_chat(rig, lang)
    rig.play_phone(await to_signing(chat, lang))
    await chat.press(WORDS[lang]["check"])
    assert "код" in chat.text.lower() or "код" in chat.text  # the apology with a correlation code, no trace
    assert len(rig.sandbox._records) == 0
    restarted = chat_for(rig.engine(), lang)  # a new engine over the same database
    restarted.history = chat.history
    await restarted.redeliver()
    restarted.expect(WORDS[lang]["accepted"])
    await restarted.redeliver()
    assert len(rig.sandbox._records) == 1
    rows = await effects(rig.database)
    assert [r.status for r in rows] == ["submitted"]


async def test_crash_then_the_tick_resumes(rig: Rig) -> None:
    flaky = FlakyCabinet(rig.ports.cabinet)  # type: ignore[arg-type]
    rig.ports.cabinet = flaky
    chat, _ = await ready_chat(rig, "ru")
    rig.play_phone(await to_signing(chat, "ru"))
    async with rig.database.transaction() as session:
        crashed = await poll_filings(session, rig.clock.now(), rig.ports)
    assert (crashed.pushed, crashed.failed) == (0, 1)  # that row's step rolled back to its savepoint
    async with rig.database.transaction() as session:
        report = await poll_filings(session, rig.clock.now(), rig.ports)
    assert report.pushed == 1
    await chat.press(WORDS["ru"]["check"])
    chat.expect("Принято, №")
    assert len(rig.sandbox._records) == 1


async def test_another_users_button_does_nothing(rig: Rig) -> None:
    engine = rig.engine()
    owner, _ = await ready_chat(rig, "ru", engine)
    await owner.say("/file")
    await owner.say("Иванов Иван")
    sign = next(b for b in owner.buttons if "Подписать" in b.text)
    stranger, _ = await ready_chat(rig, "ru", engine, chat_id="2002")
    assert await stranger.press_payload(sign.payload) == []
    assert await effects(rig.database) == []
    await owner.press_payload(sign.payload)
    check = next(b for b in owner.buttons if "Проверить" in b.text)
    assert await stranger.press_payload(check.payload) == []


@pytest.mark.parametrize("lang", LANGS)
async def test_kept_key_is_a_choice_confirmed_on_use(rig: Rig, lang: str) -> None:
    chat, user = await ready_chat(rig, lang)
    w = WORDS[lang]
    await rig.vault.store(str(user), rig.p12, P12_PASSWORD)  # type: ignore[attr-defined]
    await chat.say("/file")
    await chat.say(w["name"])
    await chat.press(w["sign"])
    assert any(w["phone"] in b.text for b in chat.buttons)
    assert any(w["kept"] in b.text for b in chat.buttons)
    await chat.press(w["kept"])
    chat.expect(w["accepted"])
    assert len(rig.sandbox._records) == 1
    assert "filing.signed" in await audit_actions(rig.database, user)


@pytest.mark.parametrize("lang", LANGS)
async def test_cancel_while_signing_sends_nothing(rig: Rig, lang: str) -> None:
    chat, _ = await ready_chat(rig, lang)
    link = await to_signing(chat, lang)
    await chat.press(WORDS[lang]["cancel"])
    rig.play_phone(link)
    async with rig.database.transaction() as session:
        await poll_filings(session, rig.clock.now(), rig.ports)
    assert len(rig.sandbox._records) == 0
    assert [r.status for r in await effects(rig.database)] == ["cancelled"]


def test_button_labels_fit_whatsapp() -> None:
    from dialogs.i18n import Translator

    for lang in LANGS:
        tr = Translator(lang)  # type: ignore[arg-type]
        for label in (
            "Sign and send",
            "Check signature",
            "New link",
            "On my phone",
            "With the kept key",
            "Additional",
            "Check status",
            "How is it calculated?",
            "Cancel",
        ):
            assert len(tr.t(label)) <= 20, (lang, label, tr.t(label))


class RejectingCabinet:
    """Accepts on receipt, then the tax office rejects it on processing."""

    def __init__(self, inner: CabinetAdapter) -> None:
        self.inner = inner

    async def submit(self, signed_xml: bytes, idempotency_key: str) -> CabinetAnswer:
        return await self.inner.submit(signed_xml, idempotency_key)

    async def status(self, registration_number: str) -> CabinetAnswer:
        return CabinetAnswer(registration_number, "rejected", ("line_mismatch: page_910_00_01.field: differs",))


@pytest.mark.parametrize("lang", LANGS)
async def test_rejection_is_pushed_with_reasons_and_a_new_try_is_a_new_key(rig: Rig, lang: str) -> None:
    from core.filings import issue_text

    rig.ports.cabinet = RejectingCabinet(rig.ports.cabinet)  # type: ignore[arg-type]
    chat, _ = await ready_chat(rig, lang)
    rig.play_phone(await to_signing(chat, lang))
    await chat.press(WORDS[lang]["check"])
    async with rig.database.transaction() as session:
        await poll_filings(session, rig.clock.now(), rig.ports)
    async with rig.database.session() as session:
        pushed = [m.payload for m in await session.scalars(select(OutboxMessage))]
    assert [p["meta"]["status"] for p in pushed] == ["rejected"]
    assert issue_text("line_mismatch", lang) in pushed[0]["text"]
    await chat.say("/file")  # a rejected period can be sent again: the summary, a new attempt
    await chat.press(WORDS[lang]["sign"])
    rows = await effects(rig.database)
    assert [r.status for r in rows] == ["rejected", "signing"]
    assert rows[0].key.endswith(":1")
    assert rows[1].key.endswith(":2")


@pytest.mark.parametrize(("lang", "text"), [("ru", "сдать декларацию"), ("kk", "декларацияны тапсыру")])
async def test_free_text_starts_filing(rig: Rig, lang: str, text: str) -> None:
    chat, _ = await ready_chat(rig, lang)
    await chat.say(text)
    await chat.say(WORDS[lang]["name"])
    chat.expect("910.00", "3 000 000")
    assert any(WORDS[lang]["sign"].lower() in b.text.lower() for b in chat.buttons)


async def test_phone_over_loopback_http_with_the_phone_simulator(rig: Rig) -> None:
    """The real eGov mobile round trip: the sub-app served on loopback, ``PhoneSimulator`` opening the chat's deep
    link (API 1 → API 2 GET → PUT signed), then «Проверить подпись» files it."""
    import aiohttp
    from aiohttp.test_utils import TestServer

    from integrations.signing.egov_mobile.app import create_egov_app
    from integrations.signing.egov_mobile.phone import PhoneSimulator

    server = TestServer(create_egov_app(rig.egov), host="127.0.0.1")
    await server.start_server()
    rig.egov.base_url = str(server.make_url("/")).rstrip("/")
    try:
        chat, _ = await ready_chat(rig, "kk")
        link = await to_signing(chat, "kk")
        async with aiohttp.ClientSession() as session:
            status, _body = await PhoneSimulator(session, rig.phone_key).sign(str(link.meta["deep_link"]))
        assert status == 200
        await chat.press(WORDS["kk"]["check"])
        chat.expect(WORDS["kk"]["accepted"])
    finally:
        await server.close()
    assert len(rig.sandbox._records) == 1


async def test_how_is_it_calculated_from_the_summary(rig: Rig) -> None:
    chat, _ = await ready_chat(rig, "ru")
    await chat.say("/file")
    await chat.say("Иванов Иван")
    await chat.press("Как посчитано")
    chat.expect("910.00", "3 000 000")
    assert await effects(rig.database) == []


@pytest.mark.parametrize("lang", LANGS)
async def test_expired_link_then_a_new_one_same_effect(rig: Rig, lang: str) -> None:
    chat, _ = await ready_chat(rig, lang)
    await to_signing(chat, lang)
    rig.clock.advance(dt.timedelta(minutes=11))  # the eGov request lives 10 minutes
    await chat.press(WORDS[lang]["check"])
    new = {"ru": "Новая ссылка", "kk": "Жаңа сілтеме"}[lang]
    chat.expect(new)
    await chat.press(new)
    rig.play_phone(chat.replies[0])
    await chat.press(WORDS[lang]["check"])
    chat.expect(WORDS[lang]["accepted"])
    assert len(await effects(rig.database)) == 1
    assert len(rig.sandbox._records) == 1


async def _file_and_accept(rig: Rig, chat: ScriptedChat, lang: str) -> None:
    rig.play_phone(chat.replies[0])
    await chat.press(WORDS[lang]["check"])
    chat.expect(WORDS[lang]["accepted"])


@pytest.mark.parametrize("lang", LANGS)
async def test_additional_declaration_end_to_end(rig: Rig, lang: str) -> None:
    """Submit, processed; more income → «Дополнительная» → signed, submitted as the additional kind with the
    original's number; processed; again more income → a second additional; no change → nothing more to file."""
    chat, user = await ready_chat(rig, lang)
    w = WORDS[lang]
    rig.play_phone(await to_signing(chat, lang))
    await chat.press(w["check"])
    chat.expect(w["accepted"])
    rig.clock.advance(dt.timedelta(minutes=11))
    async with rig.database.transaction() as session:
        await poll_filings(session, rig.clock.now(), rig.ports)
    regular = next(iter(rig.sandbox._records.values()))
    for step, (amount, total) in enumerate(((500_000, "3 500 000"), (250_000, "3 750 000")), start=1):
        await add_income(rig.database, user, amount, dt.date(2026, 5, step), f"t:late:{step}")
        await chat.say("/file")
        chat.expect(w["filed"], total)
        await chat.press(w["additional"])
        chat.expect("910.00", total)
        await chat.press(w["sign"])
        await _file_and_accept(rig, chat, lang)
        assert len(rig.sandbox._records) == 1 + step
        rig.clock.advance(dt.timedelta(minutes=11))
        async with rig.database.transaction() as session:
            await poll_filings(session, rig.clock.now(), rig.ports)
    rows = await effects(rig.database)
    assert [r.request["kind"] for r in rows] == ["regular", "additional", "additional"]
    assert {r.status for r in rows} == {"processed"}
    assert all(":additional:" in r.key for r in rows[1:])
    assert regular.state.value == "processed"
    await chat.say("/file")  # nothing changed since the last one: filed, no new declaration offered
    chat.expect(w["filed"])
    assert not any(w["additional"] in b.text for b in chat.buttons)
    assert (await audit_actions(rig.database, user)).count("filing.submitted") == 3


@pytest.mark.parametrize("lang", LANGS)
async def test_file_from_the_taxes_view(rig: Rig, lang: str) -> None:
    """«Сдать декларацию» under an ended half-year's 910.00 figures starts the filing for that half-year."""
    chat, _ = await ready_chat(rig, lang)
    await chat.say("сколько налог за 1 полугодие 2026")
    chat.expect("910.00", "3 000 000")
    file = next(b for b in chat.buttons if {"ru": "Сдать декларацию", "kk": "Декларация тапсыру"}[lang] in b.text)
    assert len(file.payload.encode()) <= 64
    await chat.press_payload(file.payload)
    if not any(WORDS[lang]["sign"].lower() in b.text.lower() for b in chat.buttons):
        await chat.say(WORDS[lang]["name"])
    chat.expect("910.00", "3 000 000", "17.08.2026")
    await chat.say("/taxes")  # the current half-year has not ended: no filing button under it
    assert not any("декларац" in b.text.lower() for b in chat.buttons)
