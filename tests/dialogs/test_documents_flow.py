"""Documents from the chat on the bare engine with SQL storage, in Russian and Kazakh: the invoice from one message,
the PDF read back, exactly once on a double tap and a redelivery, the act once per invoice, the income once per
invoice, the list with search, bad input kept at its step, another user's buttons doing nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from core import storage
from core.documents import Document, LineItem, Party, list_issued
from core.storage import Database, find_binding
from core.storage.models import AuditLog, IncomeEntry
from core.storage.models import Document as DocumentRow
from dialogs.adapters.documents import core_document_ports
from dialogs.contract import Attachment
from dialogs.effects.ports import EffectServices
from dialogs.engine import Engine
from dialogs.payloads import PayloadCodec
from dialogs.scenarios.documents import WORDS, documents_scenario
from dialogs.services import CoreCalendar, CoreConsultant, CorePlaces, CoreTaxes, default_interpreter
from dialogs.sql_store import SqlStores
from dialogs.testing import ScriptedChat, onboarding_scenario
from tests.dialogs.conftest import SECRET, chat_for

LANGS = ("ru", "kk")
ALFA_BIN = "060240000017"  # a БИН with a valid check digit
BAD_BIN = "060240000018"


def _services() -> EffectServices:
    return EffectServices(
        interpreter=default_interpreter(),
        taxes=CoreTaxes(),
        places=CorePlaces(),
        calendar=CoreCalendar(),
        consultant=CoreConsultant(),
        documents=core_document_ports(),
    )


@pytest.fixture
def engine(database: Database) -> Engine:
    return Engine(SqlStores(database), _services(), SECRET)


async def ready(engine: Engine, lang: str, chat_id: str = "1001") -> ScriptedChat:
    chat = chat_for(engine, lang, chat_id=chat_id)
    await onboarding_scenario(chat, lang)
    return chat


async def user_of(database: Database, chat: ScriptedChat) -> int:
    async with database.session() as session:
        binding = await find_binding(session, chat.channel, chat.chat_id)
        assert binding is not None
        return binding.user_id


def pdf_text(attachment: Attachment) -> str:
    assert attachment.kind == "document"
    assert attachment.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(attachment.content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


async def count(database: Database, model: type, **where: object) -> int:
    async with database.session() as session:
        stmt = select(func.count()).select_from(model)
        for key, value in where.items():
            stmt = stmt.where(getattr(model, key) == value)
        return int((await session.execute(stmt)).scalar_one())


async def issue_first_invoice(chat: ScriptedChat, lang: str) -> None:
    """The invoice from one message for a new buyer: ФИО, a bad then a good БИН, no bank account, «Выставить»."""
    w = WORDS[lang]
    await chat.say(w["invoice"])
    chat.expect(w["name_q"])
    await chat.say("Иванов Иван Иванович")
    chat.expect(w["bin_q"])
    await chat.say(BAD_BIN)
    chat.expect(w["check_digit"])
    await chat.say(ALFA_BIN)
    chat.expect(w["bank_q"])
    await chat.press(w["no_bank"])
    chat.expect("250 000", w["preview"], "Иванов")


@pytest.mark.parametrize("lang", LANGS)
async def test_invoice_from_one_message_to_pdf(engine: Engine, database: Database, lang: str) -> None:
    w = WORDS[lang]
    chat = await ready(engine, lang)
    await issue_first_invoice(chat, lang)
    await chat.press(w["issue"])
    chat.expect(w["issued"], "№ 1", "250 000")
    attachment = chat.replies[0].attachments[0]
    text = pdf_text(attachment)
    assert w["pdf_title"] in text
    assert "№ 1" in text  # the first invoice of the year
    assert "Альфа" in text
    assert ALFA_BIN in text
    assert "250 000" in text
    assert w["words"] in text.lower()
    assert "Иванов Иван Иванович" in text
    titles = [b.text for b in chat.buttons]
    assert any(w["act"] in t for t in titles)
    assert any(w["paid"] in t for t in titles)
    assert any(w["esf"] in t for t in titles)
    user = await user_of(database, chat)
    async with database.session() as session:
        issued = await list_issued(session, user)
        assert [d.number for d in issued] == [1]
        assert issued[0].document.items[0].description.startswith(w["description"])
        audit = await session.scalars(select(AuditLog).where(AuditLog.action == "document.issued"))
        assert len(list(audit)) == 1


async def test_double_tap_and_redelivery_issue_once(engine: Engine, database: Database) -> None:
    chat = await ready(engine, "ru")
    await issue_first_invoice(chat, "ru")
    issue_button = next(b for b in chat.buttons if "Выставить" in b.text)
    await chat.press_payload(issue_button.payload)
    first = chat.replies[0].attachments[0].content
    assert await chat.redeliver() == []
    await chat.press_payload(issue_button.payload)  # a second tap: the same document again
    chat.expect("№ 1")
    assert chat.replies[0].notice
    assert pdf_text(chat.replies[0].attachments[0]) == pdf_text(Attachment("document", "a", "b", first))
    assert await count(database, DocumentRow) == 1


async def test_known_counterparty_by_name_and_several_matches(engine: Engine, database: Database) -> None:
    chat = await ready(engine, "ru")
    user = await user_of(database, chat)
    async with database.transaction() as session:
        await storage.update_profile(session, user, full_name="ПЕТРОВ ПЁТР")
        from core.counterparties import remember

        await remember(session, user, Party("ТОО «Альфа»", ALFA_BIN))
        await remember(session, user, Party("АО «Альфа»", "060240000027"))
    await chat.say("выстави счёт Альфа на 100 000 за консультацию")
    chat.expect("Какой из них", "ТОО «Альфа»", "АО «Альфа»")
    await chat.press("ТОО «Альфа»")
    chat.expect("банковский счёт")
    await chat.say("KZ12 345")
    chat.expect("не похоже на номер счёта")
    await chat.say("KZ86125KZT5004100100 CASPKZKA")
    chat.expect("БИК не того банка")
    await chat.say("KZ86125KZT5004100100")
    chat.expect("100 000", "Консультация", ALFA_BIN, "Петров Пётр")
    await chat.press("Выставить")
    text = pdf_text(chat.replies[0].attachments[0])
    assert "KZ86125KZT5004100100" in text
    await chat.say("выставь счёт АО Альфа на 5 000 за аренду")  # the legal form decides: no question
    chat.expect("5 000", "Аренда", "060240000027")  # the account remembered from the last document: not asked
    await chat.press("Выставить")
    assert "KZ86125KZT5004100100" in pdf_text(chat.replies[0].attachments[0])


@pytest.mark.parametrize("lang", LANGS)
async def test_act_from_the_invoice_once(engine: Engine, database: Database, lang: str) -> None:
    w = WORDS[lang]
    chat = await ready(engine, lang)
    await issue_first_invoice(chat, lang)
    await chat.press(w["issue"])
    await chat.press(w["act"])
    chat.expect(w["act_preview"])
    act_issue = next(b for b in chat.buttons if w["issue"].lower() in b.text.lower())
    await chat.press_payload(act_issue.payload)
    text = pdf_text(chat.replies[0].attachments[0])
    assert w["act_pdf"] in text
    assert "250 000" in text
    await chat.press_payload(act_issue.payload)
    await chat.say(w["act_by_number"])
    chat.expect(w["act_exists"])
    user = await user_of(database, chat)
    async with database.session() as session:
        acts = await list_issued(session, user, kind="act")
    assert [a.number for a in acts] == [1]
    assert acts[0].source_document_id is not None


@pytest.mark.parametrize("lang", LANGS)
async def test_paid_records_income_once_even_from_two_chats(engine: Engine, database: Database, lang: str) -> None:
    w = WORDS[lang]
    chat = await ready(engine, lang)
    await issue_first_invoice(chat, lang)
    await chat.press(w["issue"])
    paid = next(b for b in chat.buttons if w["paid"] in b.text)
    await chat.press_payload(paid.payload)
    chat.expect("250 000")
    yes = next(b for b in chat.buttons if w["yes_record"].lower() in b.text.lower())
    await chat.press_payload(yes.payload)
    chat.expect(w["recorded"])
    await chat.press_payload(yes.payload)
    await chat.press_payload(paid.payload)
    chat.expect(w["already_recorded"])
    assert await count(database, IncomeEntry) == 1
    async with database.session() as session:
        entry = (await session.scalars(select(IncomeEntry))).one()
    assert entry.amount == Decimal(250_000)
    assert entry.idempotency_key.startswith("doc-income:")


async def test_paid_from_a_second_chat_of_the_same_user(engine: Engine, database: Database) -> None:
    chat = await ready(engine, "ru")
    await issue_first_invoice(chat, "ru")
    await chat.press("Выставить")
    paid = next(b for b in chat.buttons if "Оплачен" in b.text)
    await chat.press_payload(paid.payload)
    yes_first = next(b for b in chat.buttons if "Да, записать" in b.text)
    whatsapp = chat_for(engine, "ru", chat_id="77010000001", channel="whatsapp")
    await whatsapp.say("привет")
    user = await user_of(database, chat)
    async with database.transaction() as session:
        binding = await find_binding(session, "whatsapp", "77010000001")
        assert binding is not None
        await storage.move_binding(session, binding.id, user)  # the same user, linked on WhatsApp
    await whatsapp.press_payload(paid.payload)
    await whatsapp.press("Да, записать")
    whatsapp.expect("Записано")
    await chat.press_payload(yes_first.payload)
    chat.expect("уже записан")
    await chat.press_payload(paid.payload)
    chat.expect("уже записан")
    assert await count(database, IncomeEntry) == 1


async def test_list_search_and_pdf_again(engine: Engine, database: Database) -> None:
    chat = await ready(engine, "ru")
    await issue_first_invoice(chat, "ru")
    await chat.press("Выставить")
    await chat.say("/docs")
    chat.expect("Счёт № 1", "Альфа", "250 000")
    await chat.say("/invoice")  # a new invoice: the buyer is asked (the ФИО is known now)
    chat.expect("Кто покупатель?")
    await chat.say("выставь счёт ТОО Альфа за все работы на 50 000")  # «все» with an amount: a new invoice
    chat.expect("50 000", "Все работы", "Выставлю только после")
    await chat.say("/docs")
    await chat.press("Счёт № 1")
    assert chat.replies[0].attachments
    await chat.press("Акт")  # the act from the re-sent invoice
    chat.expect("Акт выполненных работ по счёту № 1")
    await chat.say("мои документы Альфа")
    chat.expect("Счёт № 1")
    await chat.say("мои документы Бета")
    chat.expect("Бета")


async def test_bad_input_keeps_the_step(engine: Engine) -> None:
    chat = await ready(engine, "ru")
    await chat.say("выстави счёт")
    chat.expect("фамилия")
    await chat.say("123")
    chat.expect("только буквами")
    await chat.say("Иванов Иван")
    chat.expect("покупатель")
    await chat.say("ТОО Гамма")
    chat.expect("БИН или ИИН")
    await chat.say("12345")
    chat.expect("12 цифр", "БИН или ИИН")
    await chat.say("без")
    chat.expect("за что")
    await chat.say("Ремонт")
    await chat.say("abc")
    chat.expect("не нашёл сумму", "Сумма?")
    await chat.say("-5")
    chat.expect("больше нуля")
    await chat.say("50 000")
    chat.expect("банковский счёт")
    await chat.say("KZ00 0000 0000 0000 0000")
    chat.expect("не похоже на номер счёта")
    await chat.say("нет")
    chat.expect("Гамма", "50 000", "Без вашего банковского счёта")
    await chat.press("Изменить")
    await chat.press("Дата")
    await chat.say("31.02.2026")
    chat.expect("Не нашёл дату")
    await chat.say("01.01.2030")
    chat.expect("ещё не наступила")
    await chat.say("20.11.2026")
    chat.expect("20.11.2026", "Выставлю только после")
    await chat.press("Изменить")
    await chat.press("Покупатель")
    await chat.say("ИП Сидоров")
    chat.expect("БИН или ИИН")
    await chat.press("Без БИН")
    chat.expect("ИП Сидоров", "Ремонт", "50 000")
    await chat.press("Изменить")
    await chat.press("Сумма")
    await chat.say("2 шт по 30 000")
    chat.expect("60 000", "Шестьдесят тысяч")
    await chat.press("Изменить")
    await chat.press("Описание")
    await chat.say("замена труб")
    chat.expect("Замена труб", "ИП Сидоров")
    await chat.press("Изменить")
    await chat.press("Ещё позиция")
    chat.expect("За что?")
    await chat.say("Выезд мастера")
    await chat.say("5 000")
    chat.expect("1. Замена труб", "2. Выезд мастера", "65 000", "Шестьдесят пять тысяч")
    await chat.press("Выставить")
    text = pdf_text(chat.replies[0].attachments[0])
    assert "Замена труб" in text
    assert "Выезд мастера" in text
    assert "65 000" in text
    await chat.say("выстави счёт ТОО Дельта на 1 000 за услуги")
    await chat.say("нет")
    await chat.press("Отмена")
    chat.expect("ничего не выставлено")


@pytest.mark.parametrize("lang", LANGS)
async def test_waybill_with_quantity_and_unit(engine: Engine, database: Database, lang: str) -> None:
    chat = await ready(engine, lang)
    user = await user_of(database, chat)
    async with database.transaction() as session:
        await storage.update_profile(session, user, full_name="ИВАНОВ ИВАН")
    if lang == "ru":
        await chat.say("накладная ТОО Бета 10 шт по 5 000 за офисные стулья")
    else:
        await chat.say("ЖШС Бетаға кеңсе орындықтары үшін жүкқұжат керек")
    chat.expect(WORDS[lang]["bin_q"])
    await chat.say("060240000027")
    if lang == "kk":
        chat.expect("Қанша және қандай бағамен")
        await chat.say("10 дана × 5 000")
    await chat.press(WORDS[lang]["no_bank"])
    chat.expect("10", "5 000", "50 000")
    await chat.press(WORDS[lang]["issue"])
    text = pdf_text(chat.replies[0].attachments[0])
    assert "50 000" in text
    assert "060240000027" in text
    assert ("Пятьдесят тысяч" if lang == "ru" else "Елу мың") in text
    async with database.session() as session:
        (waybill,) = await list_issued(session, user)
    assert waybill.kind == "waybill"
    item = waybill.document.items[0]
    assert (item.quantity, item.price, item.unit) == (Decimal(10), Decimal(5000), "шт" if lang == "ru" else "дана")
    assert item.description.lower().startswith("офисные стулья" if lang == "ru" else "кеңсе орындықтары")


async def test_missing_and_foreign_documents(engine: Engine, database: Database) -> None:
    chat = await ready(engine, "ru")
    await chat.say("акт по счёту №7")
    chat.expect("Счёта № 7 среди ваших нет", "Счетов пока нет")
    other = await ready(engine, "ru", chat_id="3003")
    await issue_first_invoice(other, "ru")
    await other.press("Выставить")
    other_user = await user_of(database, other)
    async with database.session() as session:
        (theirs,) = await list_issued(session, other_user)
    user = await user_of(database, chat)
    codec = PayloadCodec(SECRET)
    for action in ("pdf", "act", "paid", "pok", "aok"):  # a payload of our own, with their document's id
        await chat.press_payload(codec.encode(str(user), "doc", action, str(theirs.id)))
        chat.expect("Такого документа среди ваших нет")
        assert not chat.replies[0].attachments
    await chat.press_payload(codec.encode(str(user), "doc", "pdf", "abc"))
    chat.expect("уже не действует")
    assert await count(database, IncomeEntry) == 0


async def test_list_pages_and_period(engine: Engine, database: Database) -> None:
    chat = await ready(engine, "kk")
    user = await user_of(database, chat)
    seller = Party("ИП Иванов", "900101300007")
    async with database.transaction() as session:
        from dialogs.adapters.documents import SqlDocumentBook

        book = SqlDocumentBook(session)
        for i in range(7):
            day = dt.date(2026, 10 + i % 2, 5 + i)
            buyer = Party("ТОО «Альфа»", ALFA_BIN) if i % 2 else Party("ТОО «Гамма»", "060240000027")
            draft = Document(
                "invoice", "", day, seller, buyer, (LineItem("Жұмыс", "дана", Decimal(1), Decimal(1000 * (i + 1))),)
            )
            await book.issue(str(user), draft, f"seed{i}", None)
    await chat.say("менің құжаттарым")
    chat.expect("Құжаттарыңыз (7)")
    assert sum("Шот №" in b.text for b in chat.buttons) == 5
    await chat.press("Тағы")
    assert sum("Шот №" in b.text for b in chat.buttons) == 2
    await chat.say("қарашадағы құжаттар")
    chat.expect("Құжаттарыңыз (3)")
    chat.expect("Альфа")
    assert "Гамма" not in chat.text
    await chat.say("шоттар Гамма")
    chat.expect("Құжаттарыңыз (4)", "Гамма")


async def test_another_users_button_does_nothing(engine: Engine, database: Database) -> None:
    chat = await ready(engine, "ru")
    await issue_first_invoice(chat, "ru")
    await chat.press("Выставить")
    foreign = await ready(engine, "ru", chat_id="2002")
    for button in chat.buttons:
        assert await foreign.press_payload(button.payload) == []
    assert await count(database, IncomeEntry) == 0
    assert await count(database, DocumentRow) == 1


async def test_numbers_gapless_under_concurrent_issue(database: Database) -> None:
    async with database.transaction() as session:
        user, _, _ = await storage.get_or_create_user_for_chat(session, "telegram", "c1", language="ru")
        user_id = user.id
    from dialogs.adapters.documents import SqlDocumentBook

    draft = Document(
        kind="invoice",
        number="",
        date=dt.date(2026, 12, 1),
        seller=Party("ИП Иванов", "900101300007"),
        buyer=Party("ТОО «Альфа»", ALFA_BIN),
        items=(LineItem("Работы", "усл.", Decimal(1), Decimal(1000)),),
    )

    async def one(i: int) -> int:
        async with database.transaction() as session:
            return (await SqlDocumentBook(session).issue(str(user_id), draft, f"k{i}", None)).number

    numbers = await asyncio.gather(*(one(i) for i in range(6)))
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("lang", LANGS)
async def test_scenario(engine: Engine, lang: str) -> None:
    chat = await ready(engine, lang)
    await documents_scenario(chat, lang)


async def test_without_sql_storage_documents_are_unavailable() -> None:
    from dialogs.memory import MemoryDatabase

    engine = Engine(MemoryDatabase().session, _services(), SECRET)  # the ports, but no SQL session to issue in
    chat = await ready(engine, "kk")
    await chat.say("ЖШС Альфаға 250 000 теңгеге шот жаз")
    chat.expect("әзірге қосылмаған")
