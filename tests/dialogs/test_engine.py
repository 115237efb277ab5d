"""The engine over in-memory storage: routing, dedupe, ownership, bad input, failures, stale state."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

import pytest

from dialogs.contract import ButtonEvent, Reply, TextEvent
from dialogs.engine import Engine
from dialogs.memory import MemoryDatabase, MemoryStore
from dialogs.ports import DialogSnapshot, Services, StaleState
from dialogs.testing import VALID_IIN, WORDS, ScriptedChat, income_scenario, onboarding_scenario
from tests.dialogs.conftest import NOW, SECRET, chat_for


@pytest.fixture
def db() -> MemoryDatabase:
    return MemoryDatabase()


@pytest.fixture
def engine(db: MemoryDatabase, services: Services) -> Engine:
    return Engine(db.session, services, SECRET)


async def onboarded(engine: Engine, lang: str = "ru", chat_id: str = "1001") -> ScriptedChat:
    chat = chat_for(engine, lang, chat_id)
    await onboarding_scenario(chat, lang)
    return chat


def incomes(db: MemoryDatabase) -> list[Decimal]:
    return [e.amount for rows in db.data.entries.values() for _, e in rows if e.kind == "income"]


async def test_duplicate_event_id_returns_nothing(engine: Engine, db: MemoryDatabase) -> None:
    chat = await onboarded(engine)
    await chat.say("получил 150 000 от ТОО Альфа")
    save = next(b for b in chat.buttons if "Сохранить" in b.text)
    await chat.press_payload(save.payload)
    assert await chat.redeliver() == []
    assert incomes(db) == [Decimal(150000)]


async def test_double_tap_saves_once(engine: Engine, db: MemoryDatabase) -> None:
    chat = await onboarded(engine, "kk")
    await income_scenario(chat, "kk")
    chat.expect("Сақталып қойған")
    assert incomes(db) == [Decimal(150000)]
    assert any(action == "income.recorded" for _, action, _ in db.data.audit)


async def test_another_users_button_does_nothing(engine: Engine, db: MemoryDatabase) -> None:
    alice = await onboarded(engine, "ru", "1")
    await alice.say("получил 150 000 от ТОО Альфа")
    save = next(b for b in alice.buttons if "Сохранить" in b.text)
    mallory = chat_for(engine, "ru", "2")
    await mallory.say("/start")
    before = dict(db.data.states)
    assert await mallory.press_payload(save.payload) == []
    assert incomes(db) == []
    assert db.data.states == before
    # a forged or malformed payload does nothing either
    assert await mallory.press_payload("inc:save:x:AAAAAAAA") == []
    assert await mallory.press_payload("garbage") == []
    await alice.press_payload(save.payload)
    assert incomes(db) == [Decimal(150000)]


async def test_button_from_an_unknown_chat_creates_nothing(engine: Engine, db: MemoryDatabase) -> None:
    alice = await onboarded(engine, "ru", "1")
    payload = alice.buttons[0].payload
    stranger = chat_for(engine, "ru", "999")
    assert await stranger.press_payload(payload) == []
    assert ("telegram", "999") not in db.data.bindings


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("12345", "12 цифр"),
        ("90010130000X", "без букв"),
        ("900101300008", "контрольной цифры"),
    ],
)
async def test_invalid_iin_answered_kindly(engine: Engine, text: str, fragment: str) -> None:
    chat = chat_for(engine, "ru")
    await chat.say("/start")
    await chat.press("Русский")
    await chat.say(text)
    chat.expect(fragment)
    await chat.say(VALID_IIN)  # nothing lost: the step still waits for the ИИН
    chat.expect("ИИН верный")


@pytest.mark.parametrize(
    ("lang", "text", "fragment"),
    [
        ("ru", "получил 0 от ТОО Альфа", "больше нуля"),
        ("ru", "получил -5000 от ТОО Альфа", "больше нуля"),
        ("ru", "получил 999999999999999 от ТОО Альфа", "опечатку"),
        ("kk", "ЖШС Альфадан 0 түсті", "нөлден үлкен"),
    ],
)
async def test_bad_amounts(engine: Engine, db: MemoryDatabase, lang: str, text: str, fragment: str) -> None:
    chat = await onboarded(engine, lang)
    await chat.say(text)
    chat.expect(fragment)
    await chat.say("150000")  # the flow still waits for the amount
    chat.expect("150")
    assert any(WORDS[lang]["save"] in b.text for b in chat.buttons)
    assert incomes(db) == []


async def test_income_without_amount_asks_for_it(engine: Engine, db: MemoryDatabase) -> None:
    chat = await onboarded(engine)
    await chat.say("пришли деньги от Альфы")
    chat.expect("Сколько пришло")
    await chat.say("200к")
    chat.expect("200 000")
    await chat.press("Сохранить")
    assert incomes(db) == [Decimal(200000)]


async def test_income_yesterday_and_edit(engine: Engine, db: MemoryDatabase) -> None:
    chat = await onboarded(engine)
    await chat.say("пришло 200к от Альфы вчера")
    chat.expect("30.11.2026")
    await chat.press("Изменить")
    await chat.press("Сумма")
    await chat.say("250 000")
    chat.expect("250 000")
    await chat.press("Изменить")
    await chat.press("Дата")
    await chat.say("01.01.2099")
    chat.expect("ещё не наступила")
    await chat.say("15.11.2026")
    await chat.press("Изменить")
    await chat.press("Контрагент")
    await chat.say("ТОО Бета")
    chat.expect("ТОО Бета", "15.11.2026")
    await chat.press("Сохранить")
    rows = [e for rows in db.data.entries.values() for _, e in rows]
    assert [(e.amount, e.date, e.counterparty) for e in rows] == [(Decimal(250000), dt.date(2026, 11, 15), "ТОО Бета")]


async def test_cancel_saves_nothing(engine: Engine, db: MemoryDatabase) -> None:
    chat = await onboarded(engine)
    await chat.say("получил 150 000 от ТОО Альфа")
    cancel = next(b for b in chat.buttons if b.text == "Отмена")
    await chat.press_payload(cancel.payload)
    chat.expect("ничего не сохранено")
    assert incomes(db) == []
    await chat.press_payload(cancel.payload)
    chat.expect("уже не действует")


async def test_expense_flow(engine: Engine, db: MemoryDatabase) -> None:
    chat = await onboarded(engine, "kk")
    await chat.say("жалға 20000 жұмсадым")
    chat.expect("Шығынды жазайын ба", "20 000")
    await chat.press("Сақтау")
    chat.expect("шығын 20 000")
    assert [e.kind for rows in db.data.entries.values() for _, e in rows] == ["expense"]


@pytest.mark.parametrize("lang", ["ru", "kk"])
async def test_long_text_emoji_and_file_lose_nothing(engine: Engine, lang: str) -> None:
    chat = chat_for(engine, lang)
    await chat.say("/start")
    await chat.press(WORDS[lang]["language"])
    await chat.say("а" * 5000)
    chat.expect("5000")
    await chat.say("😀🎉👍")
    assert len(chat.replies) == 2
    await chat.send_file()
    assert len(chat.replies) == 2  # the kind answer and the question of the step again
    await chat.say(VALID_IIN)
    chat.expect(WORDS[lang]["iin_ok"])


async def test_failure_gives_apology_with_code_and_no_trace(db: MemoryDatabase, services: Services) -> None:
    class Broken:
        def month(self, *args: object) -> object:
            raise RuntimeError("database password=hunter2 exploded")

    broken = Services(services.interpreter, Broken(), services.places, services.calendar, None)  # type: ignore[arg-type]
    engine = Engine(db.session, broken, SECRET)
    chat = await onboarded(engine, "kk")
    replies = await chat.say("/taxes")
    assert len(replies) == 1
    assert "Кешіріңіз" in replies[0].text
    assert "код" in replies[0].text
    assert "Traceback" not in replies[0].text
    assert "hunter2" not in replies[0].text
    # the failed event was rolled back: the state is as before and the chat goes on
    await chat.say("/help")
    chat.expect("бухгалтер")


async def test_stale_state_reruns_once(db: MemoryDatabase, services: Services) -> None:
    calls = {"n": 0}

    @asynccontextmanager
    async def racing() -> AsyncIterator[MemoryStore]:
        async with db.session() as store:
            calls["n"] += 1
            if calls["n"] == 1:  # another event wins the race after this one loaded the state
                original = store.save_state

                async def save(user_id: str, state: DialogSnapshot) -> None:
                    await original(user_id, DialogSnapshot(state.flow, state.step, state.data, state.version))
                    raise StaleState(user_id)

                store.save_state = save  # type: ignore[method-assign]
            yield store

    engine = Engine(racing, services, SECRET)
    replies = await chat_for(engine, "ru").say("/help")
    assert calls["n"] == 2
    assert "бухгалтер" in replies[0].text


async def test_commands(engine: Engine) -> None:
    chat = await onboarded(engine)
    await chat.say("/start")
    chat.expect("С возвращением")
    await chat.say("/cancel")
    chat.expect("Отменять нечего")
    await chat.say("/nonsense")
    chat.expect("Такой команды я не знаю")
    await chat.say("/lang")
    await chat.press("Қазақша")
    chat.expect("қазақша сөйлеймін")
    await chat.say("/help")
    chat.expect("Маған жай ғана жазыңыз")


async def test_cancel_mid_onboarding_by_word(engine: Engine) -> None:
    chat = chat_for(engine, "ru")
    await chat.say("/start")
    await chat.press("Русский")
    await chat.say("отмена")
    chat.expect("Отменено")


async def test_language_from_channel_hint(engine: Engine) -> None:
    chat = chat_for(engine, "kk-KZ")
    await chat.say("/start")
    chat.expect("Сәлеметсіз бе")
    other = chat_for(engine, "en", "2")
    await other.say("/start")
    other.expect("Здравствуйте")


async def test_unknown_text_gets_suggestions(engine: Engine) -> None:
    chat = await onboarded(engine)
    await chat.say("фиолетовый слон танцует")
    chat.expect("не совсем понял")
    assert 1 <= len(chat.buttons) <= 3
    await chat.press(chat.buttons[0].text)
    assert chat.replies


async def test_question_answered_with_sources(engine: Engine) -> None:
    chat = await onboarded(engine)
    await chat.say("как закрыть ИП?")
    chat.expect("Источники")


async def test_settings_edits_profile(engine: Engine, db: MemoryDatabase) -> None:
    chat = await onboarded(engine)
    await chat.say("/settings")
    chat.expect("Упрощёнка", "г. Астана", "Напоминания: включены")
    await chat.press("Ещё")
    await chat.press("Не напоминать")
    chat.expect("Напоминания: выключены")
    await chat.press("Профиль")
    await chat.press("Режим")
    await chat.press("Общий режим")
    chat.expect("Режим изменён")
    await chat.press("Профиль")
    await chat.press("Работники")
    await chat.say("-3")
    chat.expect("не может быть отрицательным")
    await chat.say("2")
    chat.expect("Работников: 2")
    await chat.press("Профиль")
    await chat.press("Место")
    await chat.say("Карасай")
    await chat.press("Карасай")
    chat.expect("2 %")
    await chat.press("Язык")
    await chat.press("Қазақша")
    chat.expect("Баптауларыңыз", "Жалпы режим")
    profile = next(iter(db.data.profiles.values()))
    assert (profile.regime, profile.employees, profile.place_id, profile.reminders) == ("general", 2, "karasai", False)


async def test_place_not_found_and_default_rate_note(engine: Engine) -> None:
    chat = chat_for(engine, "ru")
    await chat.say("/start")
    await chat.press("Русский")
    await chat.say(VALID_IIN)
    await chat.press("Упрощёнка")
    await chat.say("Хогвартс")
    chat.expect("Не нашёл «Хогвартс»")
    await chat.say("Шымкент")
    await chat.press("Шымкент")
    chat.expect("4 %", "базовую ставку")


async def test_birth_year_validated(engine: Engine) -> None:
    chat = chat_for(engine, "ru")
    await chat.say("/start")
    await chat.press("Русский")
    await chat.say(VALID_IIN)
    await chat.press("Самозанятый")
    chat.expect("год рождения")
    await chat.say("1850")
    chat.expect("четырьмя цифрами")
    await chat.say("1991")
    chat.expect("напомнить о сроках")
    await chat.say("нет")  # an answer to the question, not /cancel
    chat.expect("Профиль сохранён")
    assert "Напомню" not in chat.text


async def test_taxes_need_onboarding_first(engine: Engine) -> None:
    chat = chat_for(engine, "ru")
    await chat.say("сколько налогов?")
    chat.expect("Выберите язык")


async def test_taxes_explained(engine: Engine) -> None:
    chat = await onboarded(engine)
    await chat.say("сколько налогов за полугодие?")
    chat.expect("Соцплатежи за себя за 12.2026", "Декларация 910.00 за 2-е полугодие 2026")
    whys = [b for b in chat.buttons if b.text == "Как посчитано?"]
    assert len(whys) == 2
    await chat.press_payload(whys[1].payload)
    chat.expect("как посчитано", "910.00.001")


async def test_erasure_then_start_is_a_new_user(engine: Engine, db: MemoryDatabase) -> None:
    chat = await onboarded(engine)
    await chat.say("получил 150 000 от ТОО Альфа")
    old_save = next(b for b in chat.buttons if "Сохранить" in b.text)
    old_user = db.data.bindings[("telegram", "1001")]
    await chat.say("удалить мои данные")
    await chat.press("Нет, оставить")
    chat.expect("Ничего не удалено")
    await chat.say("удалить мои данные")
    await chat.press("Да, удалить")
    chat.expect("данные удалены")
    assert old_user not in db.data.profiles
    await chat.say("/start")
    chat.expect("Выберите язык")
    assert db.data.bindings[("telegram", "1001")] != old_user
    assert await chat.press_payload(old_save.payload) == []


async def test_state_data_is_json(engine: Engine, db: MemoryDatabase) -> None:
    import json

    chat = await onboarded(engine)
    await chat.say("получил 150 000 от ТОО Альфа")
    for state in db.data.states.values():
        json.dumps(state.data)


async def test_engine_accepts_naive_time(engine: Engine) -> None:
    from dialogs.contract import ChatRef

    event = TextEvent(ChatRef("web", "x"), "/help", "e1", dt.datetime(2026, 12, 1, 6))
    replies = await engine.handle(event)
    assert isinstance(replies[0], Reply)
    press = ButtonEvent(ChatRef("web", "x"), "m:hlp:" + ":" * 70, "e2", NOW)
    assert await engine.handle(press) == []


async def test_kazakh_counterparty_without_case_ending(engine: Engine, db: MemoryDatabase) -> None:
    chat = await onboarded(engine, "kk")
    await chat.say("ЖШС Альфадан 150 000 түсті")
    assert chat.text.endswith("Кімнен: ЖШС Альфа")
    await chat.press("Сақтау")
    rows = [e for rows in db.data.entries.values() for _, e in rows]
    assert [e.counterparty for e in rows] == ["ЖШС Альфа"]


async def test_month_without_income_uses_minimum_base(engine: Engine) -> None:
    chat = await onboarded(engine)
    await chat.say("/taxes")
    chat.expect("от минимальной базы")


async def test_words_and_intents_reach_settings(engine: Engine, db: MemoryDatabase) -> None:
    chat = await onboarded(engine)
    await chat.say("настройки")
    chat.expect("Ваши настройки")
    await chat.say("нанял нового сотрудника")
    chat.expect("Сколько у вас работников")
    await chat.say("1")
    chat.expect("Работников: 1")
    await chat.say("поменяй язык на казахский")
    chat.expect("қазақша сөйлеймін")
    assert set(db.data.languages.values()) == {"kk"}


async def test_file_caption_is_read(engine: Engine) -> None:
    from dialogs.contract import FileEvent

    chat = await onboarded(engine)
    event = FileEvent(chat.chat, "check.jpg", "image/jpeg", b"\xff\xd8", "cap-1", NOW, caption="получил 150 000")
    replies = await chat.deliver(event)
    assert "подпись" in replies[0].text
    chat.expect("Записать доход?")


async def test_help_and_delete_escape_a_waiting_step(engine: Engine) -> None:
    chat = chat_for(engine, "ru")
    await chat.say("/start")
    await chat.press("Русский")
    await chat.say("помощь")
    chat.expect("бухгалтер в чате")
    await chat.say("/start")
    await chat.press("Русский")
    await chat.say("удалить мои данные")
    chat.expect("Удалить ваши данные?")


def test_requested_periods() -> None:
    from dialogs.flows.summary import requested_year
    from dialogs.flows.taxes import requested_periods

    today = dt.date(2026, 12, 1)
    assert requested_periods(None, today) == ["m202612", "h20262"]
    assert requested_periods("2026-03", today) == ["m202603", "h20261"]
    assert requested_periods("2026-H1", today) == ["h20261"]
    assert requested_periods("2026-Q1", today) == ["m202612", "h20262"]
    assert requested_year("2025", today) == 2025
    assert requested_year("2031", today) == 2026
    assert requested_year(None, today) == 2026


async def test_taxes_for_a_named_period(engine: Engine) -> None:
    chat = await onboarded(engine)
    await chat.say("налоги за прошлый месяц")
    chat.expect("Соцплатежи за себя за 11.2026", "2-е полугодие 2026")
    await chat.say("сколько налогов за первое полугодие")
    chat.expect("Декларация 910.00 за 1-е полугодие 2026")
    assert "Соцплатежи" not in chat.text


async def test_broken_nlu_falls_back_to_keywords(db: MemoryDatabase, services: Services) -> None:
    class Broken:
        def parse(self, text: str, *, today: dt.date | None = None) -> object:
            raise RuntimeError("model file missing")

    engine = Engine(db.session, Services(Broken(), services.taxes, services.places, services.calendar), SECRET)  # type: ignore[arg-type]
    chat = await onboarded(engine)
    await chat.say("получил 150 000 от ТОО Альфа")
    chat.expect("Записать доход?", "ТОО Альфа")


def test_default_interpreter_without_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    import nlu
    from dialogs.keyword_nlu import KeywordInterpreter
    from dialogs.services import default_interpreter

    def broken() -> object:
        raise ImportError("no model")

    monkeypatch.setattr(nlu, "get_interpreter", broken)
    assert isinstance(default_interpreter(), KeywordInterpreter)
