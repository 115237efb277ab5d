"""Notices in the chat, end to end over the sandbox cabinet, bank and eGov mobile (the phone played in-process by a
key of the user's ИИН), in Russian and Kazakh, on SQLite and PostgreSQL: pushed, explained, checked against the
user's records, paid, filed or answered with a signed explanation to its final status; reminders once per kind."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from core import storage
from core.notices import NoticeType, ocr
from core.storage import Database, Effect, OutboxMessage, find_binding
from core.storage.models import TaxNotice
from dialogs.adapters.notices import local_notices
from dialogs.contract import Reply
from dialogs.effects.notice_ticks import notice_tick, reminder_due
from dialogs.effects.ports import EffectServices, FilingPorts, PaymentPorts
from dialogs.effects.ticks import poll_payments
from dialogs.engine import Engine
from dialogs.ports import ProfileData
from dialogs.services import (
    BankAdapter,
    CabinetAdapter,
    CoreCalendar,
    CoreConsultant,
    CorePlaces,
    CoreTaxes,
    EgovPhoneSigning,
    SandboxAccounts,
    default_interpreter,
)
from dialogs.sql_store import SqlStores
from dialogs.testing import VALID_IIN, ScriptedChat, onboarding_scenario
from integrations.bank import LocalBank, SandboxBank
from integrations.signing import CertificatePolicy, Pkcs12Signer
from integrations.signing.egov_mobile import EgovMobileService
from integrations.signing.egov_mobile.phone import service_url_from
from integrations.tax_cabinet import LocalTaxCabinet, ManualClock, SandboxCabinet
from tests.conftest import ocr_or_skip
from tests.core.notices.pdfs import notice_pdf
from tests.core.notices.photos import blurred_photo, notice_photo, scanned_pdf
from tests.dialogs.conftest import NOW, SECRET, chat_for
from tests.integrations.signing.keys import make_p12

LANGS = ("ru", "kk")
P12_PASSWORD = "pw"
W = {
    "ru": {
        "new": "Новое уведомление из КГД",
        "more": "Подробнее",
        "pay": "Оплатить",
        "yes": "Да, оплатить",
        "explain": "Пояснение",
        "sign": "Подписать",
        "check": "Проверить подпись",
        "sent": "Пояснение отправлено",
        "reviewed": "рассмотрела",
        "read": "Я прочитал уведомление",
        "again": "уже есть",
        "photo": "Фото я пока прочитать не могу",
        "from_photo": "Прочитано с фото",
        "unclear": "Не удалось разобрать уведомление на фото",
        "no_debt": "долга нет",
        "name": "Иванов Иван",
        "file": "Сдать форму",
        "paid_closed": "оплачено и закрыто",
        "why": "Как посчитано?",
        "penalty": "Пеня",
        "draft": "Черновик пояснения",
    },
    "kk": {
        "new": "МКК-дан жаңа хабарлама",
        "more": "Толығырақ",
        "pay": "Төлеу",
        "yes": "Иә, төлеу",
        "explain": "Түсініктеме",
        "sign": "Қол қойып",
        "check": "Қолтаңбаны тексеру",
        "sent": "Түсініктеме жіберілді",
        "reviewed": "қарады",
        "read": "Хабарламаны оқыдым",
        "again": "менде бар",
        "photo": "Фотоны әзірге оқи алмаймын",
        "from_photo": "Фотодан оқылды",
        "unclear": "Фотодағы хабарламаны тану мүмкін болмады",
        "no_debt": "берешек жоқ",
        "name": "Иванов Иван",
        "file": "Нысанды тапсыру",
        "paid_closed": "төленді және жабылды",
        "why": "Қалай есептелді?",
        "penalty": "өсімпұл",
        "draft": "Түсініктеме жобасы",
    },
}
# what the explanation (core.notices.explain) says first about each type
MEANS = {
    "ru": {
        "non_filing": "непредставлении налоговой отчётности",
        "arrears": "задолженности",
        "desk_audit": "камеральному контролю",
        "account_suspension": "приостановлении расходных операций",
        "vat_registration": "учёт по НДС",
        "information": "информационное письмо",
    },
    "kk": {
        "non_filing": "ұсынбау туралы",
        "arrears": "берешек туралы",
        "desk_audit": "камералдық бақылау",
        "account_suspension": "тоқтата тұру",
        "vat_registration": "ҚҚС бойынша",
        "information": "ақпараттық хат",
    },
}
SAMPLES: dict[str, dict[str, Any]] = {
    "non_filing": {"period": "2026-H1", "form": "910.00"},
    "arrears": {"period": "2026-H1", "payment": "ipn", "amounts": {"debt": Decimal(10_000), "penalty": Decimal(150)}},
    "desk_audit": {
        "period": "2026-H1",
        "form": "910.00",
        "amounts": {"declared": Decimal(3_000_000), "third_party": Decimal(3_500_000)},
    },
    "account_suspension": {"amounts": {"debt": Decimal(10_150)}},
    "vat_registration": {
        "period": "2026",
        "amounts": {"turnover": Decimal(45_000_000), "threshold": Decimal(43_250_000)},
    },
    "information": {},
}


@dataclass
class Rig:
    clock: ManualClock
    sandbox: SandboxCabinet
    egov: EgovMobileService
    bank: SandboxBank
    services: EffectServices
    phone_key: Pkcs12Signer
    database: Database

    def engine(self) -> Engine:
        return Engine(SqlStores(self.database), self.services, SECRET)

    @property
    def notices(self) -> Any:
        return self.services.notices

    def play_phone(self, reply: Reply) -> None:
        url = service_url_from(str(reply.meta["deep_link"]))
        request_id = url.rsplit("/", 1)[1]
        token = self.egov.service_info(request_id)["document"]["auth_token"]
        documents = self.egov.documents(request_id, f"Bearer {token}")
        for item in documents["documentsToSign"]:
            item["documentXml"] = self.phone_key.sign(item["documentXml"].encode()).decode()
        self.egov.submit(request_id, f"Bearer {token}", documents)

    async def tick(self) -> None:
        async with self.database.transaction() as session:
            await notice_tick(session, self.clock.now(), self.notices, SECRET)


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
    sandbox = SandboxCabinet(clock=clock, review_delay=dt.timedelta(hours=1), office="6205")
    egov = EgovMobileService("https://bot.example/egov", policy, clock=clock.now)
    phone = EgovPhoneSigning(egov)
    bank = SandboxBank(clock=clock)
    services = EffectServices(
        interpreter=default_interpreter(),
        taxes=CoreTaxes(),
        places=CorePlaces(),
        calendar=CoreCalendar(),
        consultant=CoreConsultant(),
        filing=FilingPorts(CabinetAdapter(LocalTaxCabinet(sandbox)), phone),
        payment=PaymentPorts(BankAdapter(LocalBank(bank)), SandboxAccounts(bank)),
        notices=local_notices(sandbox, phone),
    )
    signer = Pkcs12Signer.from_pkcs12(p12, P12_PASSWORD, policy)
    return Rig(clock, sandbox, egov, bank, services, signer, database)


async def ready_chat(rig: Rig, lang: str, chat_id: str = "1001", income: int = 3_000_000) -> tuple[ScriptedChat, int]:
    chat = chat_for(rig.engine(), lang, chat_id=chat_id)
    await onboarding_scenario(chat, lang)
    async with rig.database.transaction() as session:
        binding = await find_binding(session, chat.channel, chat.chat_id)
        assert binding is not None
        if income:
            await storage.add_income(session, binding.user_id, Decimal(income), dt.date(2026, 3, 10), f"n:{chat_id}")
    return chat, binding.user_id


async def outbox(rig: Rig, kind: str) -> list[OutboxMessage]:
    async with rig.database.session() as session:
        rows = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [m for m in rows if m.payload["meta"].get("kind") == kind]


async def notice_rows(rig: Rig) -> list[TaxNotice]:
    async with rig.database.session() as session:
        return list(await session.scalars(select(TaxNotice).order_by(TaxNotice.id)))


async def effect_rows(rig: Rig, kind: str) -> list[Effect]:
    async with rig.database.session() as session:
        return list(await session.scalars(select(Effect).where(Effect.kind == kind).order_by(Effect.id)))


async def actions(rig: Rig, user: int) -> list[str]:
    async with rig.database.session() as session:
        return [a.action for a in await storage.audit_of(session, user)]


def payload_of(message: OutboxMessage, title: str) -> str:
    for row in message.payload["buttons"]:
        for button in row:
            if title.lower() in button["text"].lower():
                return str(button["payload"])
    raise AssertionError(f"no {title!r} button in {message.payload}")


# ---------------------------------------------------------------------------------------------------- arriving


@pytest.mark.parametrize("lang", LANGS)
async def test_cabinet_notice_is_pushed_once_and_explained(rig: Rig, lang: str) -> None:
    w = W[lang]
    chat, user = await ready_chat(rig, lang)
    rig.sandbox.issue_notice(VALID_IIN, "arrears", **SAMPLES["arrears"])
    await rig.tick()
    await rig.tick()  # a second pass: the same notice is neither saved nor pushed again
    pushed = await outbox(rig, "notice_new")
    assert len(pushed) == 1
    assert w["new"] in pushed[0].payload["text"]
    assert pushed[0].payload["template"][0] == "notice_new"
    assert len(await notice_rows(rig)) == 1
    await chat.press_payload(payload_of(pushed[0], w["more"]))
    chat.expect(MEANS[lang]["arrears"], "6205-26-00001", w["penalty"])
    await chat.press(w["why"])
    chat.expect("%")
    await chat.say("/notices")
    chat.expect("6205-26-00001")
    assert "notice.received" in await actions(rig, user)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", [k.value for k in NoticeType])
async def test_each_sandbox_notice_type_is_explained(rig: Rig, lang: str, kind: str) -> None:
    chat, _ = await ready_chat(rig, lang)
    rig.sandbox.issue_notice(VALID_IIN, kind, **SAMPLES[kind])
    await chat.say("/notices")  # fetched from the cabinet in the chat, too
    await chat.press("№ 6205-26-00001")
    chat.expect(MEANS[lang][kind])
    rows = await notice_rows(rig)
    assert [(r.kind, r.source) for r in rows] == [(kind, "cabinet")]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", [k.value for k in NoticeType])
async def test_forwarded_text_and_pdf_are_read_once(rig: Rig, lang: str, kind: str) -> None:
    w = W[lang]
    chat, _ = await ready_chat(rig, lang)
    issued = rig.sandbox.issue_notice("880101300003", kind, **SAMPLES[kind])  # text only: not in this user's cabinet
    text = issued.text_kk if lang == "kk" else issued.text_ru
    await chat.say(text)
    chat.expect(w["read"], MEANS[lang][kind])
    await chat.send_file("notice.pdf", "application/pdf", notice_pdf(text))
    chat.expect(w["again"], MEANS[lang][kind])
    rows = await notice_rows(rig)
    assert [(r.kind, r.source, r.number) for r in rows] == [(kind, "forwarded", "6205-26-00001")]


@pytest.mark.parametrize("lang", LANGS)
async def test_without_tesseract_a_photo_is_refused_kindly(
    rig: Rig, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ocr.tesseract_binary.cache_clear()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    try:
        chat, _ = await ready_chat(rig, lang)
        await chat.say("/notices")
        await chat.send_file("scan.jpg", "image/jpeg", b"\xff\xd8\xff\xe0 jpeg")
        chat.expect(W[lang]["photo"])
    finally:
        monkeypatch.undo()
        ocr.tesseract_binary.cache_clear()


@pytest.mark.parametrize(("lang", "in_flow"), [("ru", True), ("kk", False)])
async def test_a_photo_of_a_notice_is_read_saved_and_explained(rig: Rig, lang: str, in_flow: bool) -> None:
    """A phone photo (JPEG) of a sandbox notice → OCR → the same reading and answer as a forwarded PDF; outside
    /notices too (a photo that reads as a notice is taken by the notices flow)."""
    ocr_or_skip()
    w = W[lang]
    chat, user = await ready_chat(rig, lang)
    if in_flow:
        await chat.say("/notices")
    issued = rig.sandbox.issue_notice("880101300003", "arrears", **SAMPLES["arrears"])
    text = issued.text_kk if lang == "kk" else issued.text_ru
    await chat.send_file("photo.jpg", "image/jpeg", notice_photo(text))
    chat.expect(w["read"], w["from_photo"], MEANS[lang]["arrears"], "6205-26-00001")
    assert any(b.text == w["pay"] for b in chat.buttons)  # the same answers as for a PDF
    rows = await notice_rows(rig)
    assert [(r.kind, r.source, r.number) for r in rows] == [("arrears", "forwarded", "6205-26-00001")]
    assert {k: Decimal(v) for k, v in rows[0].amounts.items()} == {"debt": 10000, "penalty": 150, "total": 10150}
    assert "notice.forwarded" in await actions(rig, user)
    await chat.send_file("notice.pdf", "application/pdf", notice_pdf(text))  # the same notice as a PDF: not twice
    chat.expect(w["again"])
    assert len(await notice_rows(rig)) == 1


async def test_a_scanned_pdf_is_read_with_ocr(rig: Rig) -> None:
    ocr_or_skip()
    w = W["ru"]
    chat, _ = await ready_chat(rig, "ru")
    issued = rig.sandbox.issue_notice("880101300003", "non_filing", **SAMPLES["non_filing"])
    await chat.send_file("scan.pdf", "application/pdf", scanned_pdf(issued.text_ru))  # no text layer
    chat.expect(w["read"], w["from_photo"], MEANS["ru"]["non_filing"], "910.00")
    assert any(b.text == w["file"] for b in chat.buttons)
    rows = await notice_rows(rig)
    assert [(r.kind, r.number) for r in rows] == [("non_filing", "6205-26-00001")]


@pytest.mark.parametrize("lang", LANGS)
async def test_an_unreadable_photo_gets_a_polite_answer(rig: Rig, lang: str) -> None:
    ocr_or_skip()
    chat, _ = await ready_chat(rig, lang)
    await chat.say("/notices")
    issued = rig.sandbox.issue_notice("880101300003", "arrears", **SAMPLES["arrears"])
    photo = blurred_photo(issued.text_kk if lang == "kk" else issued.text_ru)  # out of focus
    await chat.send_file("photo.jpg", "image/jpeg", photo)
    chat.expect(W[lang]["unclear"], "PDF")
    assert await notice_rows(rig) == []
    await chat.say("/start")  # outside /notices a photo that is not a notice is not taken as one
    await chat.send_file("photo.jpg", "image/jpeg", photo)
    assert W[lang]["unclear"].lower() not in chat.text.lower()
    assert await notice_rows(rig) == []


# ------------------------------------------------------------------------------------------------- checking


@pytest.mark.parametrize("lang", LANGS)
async def test_a_false_debt_is_detected_from_recorded_payments(rig: Rig, lang: str) -> None:
    w = W[lang]
    chat, user = await ready_chat(rig, lang, income=0)
    month = CoreTaxes().month(ProfileData(iin=VALID_IIN, regime="simplified", birth_year=1990), 2026, 10, Decimal(0))
    opv = next(line.amount for line in month.lines if line.code == "opv")
    async with rig.database.transaction() as session:  # the user paid ОПВ for October through the bot
        await storage.begin_effect(
            session, "paid-opv", user, "pay", {"period": "2026-10", "order_kind": "opv", "amount": str(opv)}
        )
        await storage.advance_effect(session, "paid-opv", "pending", "executed", result={})
    rig.sandbox.issue_notice(VALID_IIN, "arrears", period="2026-10", payment="opv", amounts={"debt": opv})
    await chat.say("/notices")
    await chat.press("№ 6205-26-00001")
    chat.expect(w["no_debt"])
    assert not any(b.text == w["pay"] for b in chat.buttons)
    await chat.press(w["explain"])
    await chat.say(w["name"])
    chat.expect(w["draft"], "6205-26-00001")


# ------------------------------------------------------------------------------------------------- answering


@pytest.mark.parametrize("lang", LANGS)
async def test_a_real_debt_is_paid_with_the_penalty_exactly_once(rig: Rig, lang: str) -> None:
    w = W[lang]
    chat, user = await ready_chat(rig, lang)
    rig.sandbox.issue_notice(VALID_IIN, "arrears", **SAMPLES["arrears"])
    await chat.say("/notices")
    await chat.press("№ 6205-26-00001")
    await chat.press(w["pay"])
    await chat.say(w["name"])  # the orders need the ФИО (asked once)
    chat.expect("10 000", "6205-26-00001")
    yes = next(b for b in chat.buttons if w["yes"] in b.text)
    await chat.press_payload(yes.payload)
    assert len(rig.bank._records) == 2  # the debt and its пеня
    await chat.press_payload(yes.payload)  # a double tap
    assert await chat.redeliver() == []
    await chat.say("/notices")
    await chat.press("№ 6205-26-00001")
    await chat.press(w["pay"])  # «Оплатить» again: the status, never a second payment
    assert len(rig.bank._records) == 2
    assert len(await effect_rows(rig, "pay")) == 2
    rig.clock.advance(dt.timedelta(minutes=30))
    for _ in range(3):
        async with rig.database.transaction() as session:
            await poll_payments(session, rig.clock.now(), rig.services.payment)  # type: ignore[arg-type]
    await rig.tick()
    await rig.tick()
    closed = await outbox(rig, "notice_closed")
    assert len(closed) == 1
    assert w["paid_closed"] in closed[0].payload["text"]
    assert [r.status for r in await notice_rows(rig)] == ["closed"]
    assert {"notice.pay_confirmed", "notice.closed", "payment.confirmed"} <= set(await actions(rig, user))


@pytest.mark.parametrize("lang", LANGS)
async def test_an_explanation_is_signed_sent_and_followed_to_the_end(rig: Rig, lang: str) -> None:
    w = W[lang]
    chat, user = await ready_chat(rig, lang)
    rig.sandbox.issue_notice(VALID_IIN, "desk_audit", **SAMPLES["desk_audit"])
    await chat.say("/notices")
    await chat.press("№ 6205-26-00001")
    await chat.press(w["explain"])
    await chat.say(w["name"])
    chat.expect(w["draft"], VALID_IIN, "ИВАНОВ ИВАН")
    await chat.say("Разница — возврат предоплаты покупателю ТОО «Альфа» по договору № 7.")
    chat.expect("ТОО «Альфа»")
    sign_payload = chat.find(w["sign"]).payload
    await chat.press_payload(sign_payload)
    link = chat.replies[0]
    assert link.meta["kind"] == "sign_request"
    rig.play_phone(link)
    await chat.press(w["check"])
    chat.expect(w["sent"], "SBE6205")
    await chat.press_payload(sign_payload)  # a double tap on «Подписать и отправить»
    assert len(rig.sandbox._explanations) == 1
    assert len(await effect_rows(rig, "ntc_exp")) == 1
    assert [r.status for r in await notice_rows(rig)] == ["answered"]
    rig.clock.advance(dt.timedelta(hours=1))
    await rig.tick()
    await rig.tick()
    pushed = await outbox(rig, "notice_explanation")
    assert [m.payload["meta"]["status"] for m in pushed] == ["reviewed"]
    assert w["reviewed"] in pushed[0].payload["text"]
    assert [r.status for r in await notice_rows(rig)] == ["closed"]
    explanation = next(iter(rig.sandbox._explanations.values()))
    assert explanation.notice_number == "6205-26-00001"
    log = await actions(rig, user)
    for action in ("notice.explanation_confirmed", "notice.explanation_signed", "notice.explanation_sent"):
        assert log.count(action) == 1, (action, log)
    assert "notice.explanation_reviewed" in log


@pytest.mark.parametrize("lang", LANGS)
async def test_file_the_missing_form_starts_the_filing(rig: Rig, lang: str) -> None:
    chat, _ = await ready_chat(rig, lang)
    rig.sandbox.issue_notice(VALID_IIN, "non_filing", **SAMPLES["non_filing"])
    await chat.say("/notices")
    await chat.press("№ 6205-26-00001")
    await chat.press(W[lang]["file"])
    if not chat.buttons:  # the declaration asks the ФИО first
        await chat.say(W[lang]["name"])
    chat.expect("910.00", "3 000 000")


async def test_a_foreign_button_does_nothing(rig: Rig) -> None:
    chat, _ = await ready_chat(rig, "ru")
    other, _ = await ready_chat(rig, "ru", chat_id="2002")
    rig.sandbox.issue_notice(VALID_IIN, "arrears", **SAMPLES["arrears"])
    await chat.say("/notices")
    detail = chat.find("№ 6205-26-00001").payload
    assert await other.press_payload(detail) == []
    await chat.press_payload(detail)
    pay = chat.find(W["ru"]["pay"]).payload
    assert await other.press_payload(pay) == []


# ------------------------------------------------------------------------------------------------- reminders


def test_reminder_days_across_a_holiday_and_a_weekend() -> None:
    from core.notices import response_deadline

    deadline = response_deadline(NoticeType.ARREARS, dt.date(2026, 12, 11))  # Friday; 16.12 is a holiday
    assert deadline is not None
    assert deadline.date == dt.date(2026, 12, 21)
    day = dt.date
    assert reminder_due(deadline.date, day(2026, 12, 10), set()) is None
    assert reminder_due(deadline.date, day(2026, 12, 11), set()) == ("w5", [])
    assert reminder_due(deadline.date, day(2026, 12, 15), {"w5"}) is None
    assert reminder_due(deadline.date, day(2026, 12, 17), {"w5"}) == ("w2", [])
    assert reminder_due(deadline.date, day(2026, 12, 18), {"w5", "w2"}) == ("w1", [])
    assert reminder_due(deadline.date, day(2026, 12, 19), {"w5", "w2", "w1"}) is None  # Saturday
    assert reminder_due(deadline.date, day(2026, 12, 21), {"w5", "w2", "w1"}) == ("w0", [])
    assert reminder_due(deadline.date, day(2026, 12, 18), set()) == ("w1", ["w5", "w2"])  # came late: one only
    assert reminder_due(deadline.date, day(2026, 12, 22), set()) is None


@pytest.mark.parametrize("lang", LANGS)
async def test_reminders_escalate_once_per_kind_in_the_daytime(rig: Rig, lang: str) -> None:
    await ready_chat(rig, lang)
    rig.sandbox.issue_notice(VALID_IIN, "arrears", **SAMPLES["arrears"])  # delivered 01.12 → deadline 08.12
    await rig.tick()
    first = await outbox(rig, "notice_reminder")
    assert [m.payload["meta"]["reminder"] for m in first] == ["w5"]
    assert first[0].payload["template"][0] == "notice_deadline"
    await rig.tick()
    assert len(await outbox(rig, "notice_reminder")) == 1  # once per kind
    evening = dt.datetime(2026, 12, 7, 17, 0, tzinfo=dt.UTC)  # 22:00 in Kazakhstan, 1 working day left
    rig.clock.advance(evening - rig.clock.now())
    await rig.tick()
    late = await outbox(rig, "notice_reminder")
    assert [m.payload["meta"]["reminder"] for m in late] == ["w5", "w1"]
    assert late[1].not_before is not None
    assert late[1].not_before.astimezone(dt.timezone(dt.timedelta(hours=5))).hour == 9  # not at night


async def test_no_reminders_without_consent(rig: Rig) -> None:
    _, user = await ready_chat(rig, "ru")
    async with rig.database.transaction() as session:
        await storage.update_profile(session, user, proactive_opt_in=False)
    rig.sandbox.issue_notice(VALID_IIN, "arrears", **SAMPLES["arrears"])
    await rig.tick()
    assert await outbox(rig, "notice_reminder") == []
    assert await outbox(rig, "notice_new") == []
    assert len(await notice_rows(rig)) == 1  # kept, shown on /notices


async def test_forwarded_then_fetched_is_one_row_and_not_pushed(rig: Rig) -> None:
    chat, _ = await ready_chat(rig, "ru")
    issued = rig.sandbox.issue_notice(VALID_IIN, "arrears", **SAMPLES["arrears"])
    await chat.say(issued.text_ru)
    chat.expect(W["ru"]["read"])
    await rig.tick()
    rows = await notice_rows(rig)
    assert [(r.source, r.cabinet_id) for r in rows] == [("forwarded", issued.id)]
    assert await outbox(rig, "notice_new") == []  # the user already has it


async def test_a_pasted_notice_does_not_break_a_waiting_step(rig: Rig) -> None:
    chat, _ = await ready_chat(rig, "ru")
    rig.sandbox.issue_notice(VALID_IIN, "desk_audit", **SAMPLES["desk_audit"])
    await chat.say("/notices")
    await chat.press("№ 6205-26-00001")
    await chat.press(W["ru"]["explain"])
    chat.expect("фамилия")  # the explanation's step waits for the ФИО
    other = rig.sandbox.issue_notice("880101300003", "information")
    await chat.say(other.text_ru)  # not taken as a notice while a step waits for text: the step answers
    chat.expect("только буквами")
    assert len(await notice_rows(rig)) == 1


async def test_erasure_deletes_the_notices(rig: Rig) -> None:
    chat, user = await ready_chat(rig, "ru")
    issued = rig.sandbox.issue_notice(VALID_IIN, "arrears", **SAMPLES["arrears"])
    await chat.say(issued.text_ru)
    async with rig.database.transaction() as session:
        report = await storage.erase_user(session, user)
    assert report.notices == 1
    assert await notice_rows(rig) == []


@pytest.mark.parametrize("lang", LANGS)
async def test_local_modes_sample_issues_another_kind_each_time(rig: Rig, lang: str) -> None:
    chat, user = await ready_chat(rig, lang)
    sample = "Пример (песочница)" if lang == "ru" else "Сынақ хабарлама"
    await chat.say("/notices")
    await chat.press(sample)
    await chat.press(sample)
    assert [r.kind for r in await notice_rows(rig)] == ["arrears", "non_filing"]
    assert (await actions(rig, user)).count("notice.sandbox_sample") == 2
