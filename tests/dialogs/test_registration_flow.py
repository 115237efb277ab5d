"""ИП registration in the chat, end to end on the engine with SQL storage and the sandbox register on a manual clock:
the whole conversation to a confirmed profile in Russian and Kazakh, regime advice against
``core.registration.regime``, ОКЭД choice, ineligible cases, life events, a foreign button, exactly once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import storage
from core.identity import is_valid_iin_bin
from core.registration.regime import compare_regimes
from core.storage import Database, Effect, OutboxMessage, find_binding
from dialogs.adapters.registration import LocalRegistration, local_registration
from dialogs.effects.ports import EffectServices
from dialogs.effects.registration_ticks import poll_registrations
from dialogs.engine import Engine
from dialogs.format import money
from dialogs.scenarios.registration import WORDS, registration_scenario
from dialogs.services import CoreCalendar, CoreConsultant, CorePlaces, CoreTaxes, default_interpreter
from dialogs.sql_store import SqlStore, SqlStores
from dialogs.testing import VALID_IIN, ScriptedChat, onboarding_scenario
from integrations.common.clock import ManualClock
from integrations.egov import TaxpayerRecord
from tests.dialogs.conftest import NOW, SECRET, chat_for

LANGS = ("ru", "kk")
DELAY = dt.timedelta(hours=1)


@dataclass
class Rig:
    clock: ManualClock
    local: LocalRegistration
    services: EffectServices
    database: Database

    def engine(self) -> Engine:
        return Engine(SqlStores(self.database), self.services, SECRET)

    async def tick(self) -> int:
        async with self.database.transaction() as session:
            report = await poll_registrations(session, self.clock.now(), self.local.ports)
        assert report.failed == 0
        return report.pushed


def make_services(local: LocalRegistration) -> EffectServices:
    return EffectServices(
        interpreter=default_interpreter(),
        taxes=CoreTaxes(),
        places=CorePlaces(),
        calendar=CoreCalendar(),
        consultant=CoreConsultant(),
        registration=local.ports,
    )


@pytest.fixture
def rig(database: Database) -> Rig:
    clock = ManualClock(NOW)
    local = local_registration(DELAY, clock=clock)
    return Rig(clock, local, make_services(local), database)


def young_iin() -> str:
    """A valid ИИН of someone born 05.05.2010 (16 on 01.12.2026)."""
    for last in range(10):
        for serial in range(100):
            iin = f"1005055{serial:04d}{last}"
            if is_valid_iin_bin(iin):
                return iin
    raise AssertionError("no valid ИИН")


async def user_id_of(database: Database, chat: ScriptedChat) -> int:
    async with database.session() as session:
        binding = await find_binding(session, chat.channel, chat.chat_id)
        assert binding is not None
        return binding.user_id


async def effects_of(database: Database) -> list[Effect]:
    async with database.session() as session:
        return list((await session.scalars(select(Effect).where(Effect.kind == "ipreg"))).all())


async def outbox(database: Database) -> list[OutboxMessage]:
    async with database.session() as session:
        return list((await session.scalars(select(OutboxMessage))).all())


async def to_form(chat: ScriptedChat, lang: str) -> None:
    """Everything up to the prefilled form (the scenario's first part, with checks of each step)."""
    w = WORDS[lang]
    await chat.say("/register")
    chat.expect(w["intro"])
    await chat.press(w["yes"])
    await chat.say(VALID_IIN)
    await chat.say(w["name"])
    await chat.say(w["activity"])
    await chat.press("95.12")
    await chat.press(w["next"])
    await chat.say(w["place"])
    await chat.press(w["place"][:4])
    await chat.say(w["income"])
    await chat.press(w["no_employees"])
    await chat.press(w["simplified"])
    await chat.press(w["remind_yes"])
    chat.expect(w["form"])


@pytest.mark.parametrize("lang", LANGS)
async def test_registration_to_a_confirmed_profile(rig: Rig, lang: str) -> None:
    chat = chat_for(rig.engine(), lang)
    w = WORDS[lang]
    await to_form(chat, lang)
    chat.expect("ИВАНОВ ИВАН ИВАНОВИЧ", VALID_IIN, "710000000", "95.12.0", "01.12.2026", "egov.kz")
    assert chat.replies[0].meta["deep_link"].startswith("https://egov.kz/")
    applied = next(b for b in chat.buttons if w["applied"].lower() in b.text.lower())
    await chat.press_payload(applied.payload)
    chat.expect(w["noted"])
    await chat.press_payload(applied.payload)  # a double tap
    check = chat.find(w["check"])
    assert await chat.redeliver() == []  # a redelivered update
    assert len(await effects_of(rig.database)) == 1
    user = await user_id_of(rig.database, chat)
    assert await rig.tick() == 0  # not in the register yet
    await chat.press_payload(check.payload)
    chat.expect(w["not_yet"])
    chat.find(w["check"])  # still pending, the button again
    rig.clock.advance(DELAY)
    assert await rig.tick() == 1
    assert await rig.tick() == 0  # pushed once
    async with rig.database.session() as session:
        profile = await SqlStore(session).get_profile(str(user))
        obligations = await storage.obligations_of(session, user)
        actions = [a.action for a in await storage.audit_of(session, user)]
    assert profile is not None
    assert profile.onboarded
    assert (profile.regime, profile.place_id, profile.employees) == ("simplified", "astana", 0)
    assert profile.onboarded_on == dt.date(2026, 12, 1)
    assert profile.iin == VALID_IIN
    assert profile.birth_year == 1990
    assert profile.reminders
    assert obligations
    assert min(o.due for o in obligations) >= dt.date(2026, 12, 1)
    assert "2026-11" not in {o.period for o in obligations}  # before the registration: nothing due
    assert "registration.applied" in actions
    assert "registration.confirmed" in actions
    pushed = [
        m for m in await outbox(rig.database) if m.payload.get("meta", {}).get("kind") == "registration_confirmed"
    ]
    assert len(pushed) == 1
    assert w["confirmed"] in pushed[0].payload["text"]
    assert "01.12.2026" in pushed[0].payload["text"]
    (row,) = await effects_of(rig.database)
    assert row.status == "confirmed"
    await chat.say("/register")  # now onboarded: the life events
    chat.find(w["life"])


@pytest.mark.parametrize("lang", LANGS)
async def test_the_reusable_scenario(database: Database, lang: str) -> None:
    local = local_registration(dt.timedelta(0))
    engine = Engine(SqlStores(database), make_services(local), SECRET)
    await registration_scenario(chat_for(engine, lang), lang)


async def test_regime_advice_matches_the_core_comparison(rig: Rig) -> None:
    chat = chat_for(rig.engine(), "ru")
    await chat.say("/register")
    await chat.press("Да")
    await chat.say(VALID_IIN)
    await chat.say("Иванов Иван")
    await chat.say("ремонт телефонов")
    await chat.press("95.12")
    await chat.press("Дальше")
    await chat.say("Алматы")
    await chat.press("Алматы")
    await chat.say("24 000 000")
    await chat.say("2")
    expected = compare_regimes(Decimal(24_000_000), "almaty", 2, "95.12.0", dt.date(2026, 12, 1))
    text = chat.text.replace("\u00a0", " ")
    for option in expected.options:
        assert money(option.total).replace("\u00a0", " ") in text, option.regime
    best = expected.cheapest
    assert best is not None
    assert f"{best.name('ru')}: {money(best.total)} в год ✓ рекомендую".replace("\u00a0", " ") in text
    titles = [b.text for b in chat.buttons]
    assert all(len(t) <= 20 for t in titles), titles
    eligible = [o.regime for o in expected.options if o.eligible]
    assert len([t for t in titles if "Как посчитано" not in t]) == len(eligible)
    await chat.press("Как посчитано")
    chat.expect("Как посчитана каждая цифра", "ОПВ")


async def test_okved_search_choice_and_bad_input(rig: Rig) -> None:
    chat = chat_for(rig.engine(), "ru")
    await chat.say("/register")
    await chat.press("Да")
    await chat.say("12345")
    chat.expect("12 цифр")
    await chat.say(VALID_IIN)
    await chat.say("Иванов 123")
    chat.expect("только буквами")
    await chat.say("Иванов Иван")
    await chat.say("ab")
    chat.expect("в нескольких словах")
    await chat.say("qwzxv")
    chat.expect("Не нашёл")
    await chat.say("парикмахерская")
    assert any(b.text.startswith("96.02") for b in chat.buttons)
    assert all(len(b.text) <= 20 for b in chat.buttons)
    stale = chat.buttons[0].payload
    await chat.press("96.02")
    chat.expect("96.02")
    await chat.press_payload(stale)  # a code button after the choice
    chat.expect("не действует")
    await chat.say("дальше")  # the word instead of the button
    await chat.say("Атлантида")
    chat.expect("не нашёл")
    await chat.say("Астана")
    await chat.press("Астан")
    await chat.say("много")
    chat.expect("числом")
    await chat.say("-5")
    chat.expect("больше нуля")
    await chat.say("1,5 млн")
    chat.expect("работников")
    await chat.say("много")
    chat.expect("цифрами")


async def test_under_18_cannot_register(rig: Rig) -> None:
    chat = chat_for(rig.engine(), "kk")
    await chat.say("/register")
    await chat.press("Иә")
    await chat.say(young_iin())
    chat.expect("18", "ХҚКО")
    assert await effects_of(rig.database) == []


async def test_already_an_ip_is_told_and_offered_the_profile(rig: Rig) -> None:
    rig.local.register.register(TaxpayerRecord(VALID_IIN, "ИВАНОВ", dt.date(2024, 3, 1)))
    chat = chat_for(rig.engine(), "ru")
    await chat.say("хочу открыть ИП")
    await chat.press("Да")
    await chat.say(VALID_IIN)
    chat.expect("уже ИП с 01.03.2024")
    await chat.press("Настроить профиль")
    chat.expect("язык")


async def test_not_a_resident_is_sent_to_the_office(rig: Rig) -> None:
    chat = chat_for(rig.engine(), "ru")
    await chat.say("/register")
    await chat.press("Нет")
    chat.expect("ЦОН")


async def test_self_employed_needs_no_ip(rig: Rig) -> None:
    chat = chat_for(rig.engine(), "ru")
    await chat.say("/register")
    await chat.press("Да")
    await chat.say(VALID_IIN)
    await chat.say("Иванов Иван")
    await chat.say("такси")
    await chat.press("49.32")
    await chat.press("Дальше")
    await chat.say("Астана")
    await chat.press("Астан")
    await chat.say("3 000 000")
    await chat.press("Нет работников")
    await chat.press("Самозанятый")
    chat.expect("регистрироваться не нужно", "E-Salyq Business")


async def test_a_foreign_button_does_nothing(rig: Rig) -> None:
    engine = rig.engine()
    mine = chat_for(engine, "ru", chat_id="1001")
    await to_form(mine, "ru")
    applied = next(b for b in mine.buttons if "Я подал заявку" in b.text)
    other = chat_for(engine, "ru", chat_id="2002")
    await other.say("/start")
    assert await other.press_payload(applied.payload) == []
    assert await effects_of(rig.database) == []


@pytest.mark.parametrize("lang", LANGS)
async def test_life_events(rig: Rig, lang: str) -> None:
    chat = chat_for(rig.engine(), lang)
    await onboarding_scenario(chat, lang)
    words = {
        "ru": (
            "Сменить режим",
            "Да, сменить",
            "Общий режим",
            "Приостановить",
            "Закрыть ИП",
            "не действует",
            "1 полного",
        ),
        "kk": (
            "Режимді өзгерту",
            "Иә, өзгерту",
            "Жалпы режим",
            "Тоқтата тұру",
            "ЖК-ны жабу",
            "жұмыс істемейді",
            "1 толық",
        ),
    }[lang]
    change, yes, general, suspend, close, inactive, one_year = words
    await chat.say("/register")
    menu_payloads = {b.text: b.payload for b in chat.buttons}
    await chat.press(change)
    chat.expect("220.00")
    await chat.press(yes)
    chat.expect(general)
    user = await user_id_of(rig.database, chat)
    async with rig.database.session() as session:
        profile = await SqlStore(session).get_profile(str(user))
    assert profile is not None
    assert profile.regime == "general"
    await chat.press_payload(menu_payloads[change])  # the old menu: no longer active
    chat.expect(inactive)
    await chat.say("/register")
    await chat.press(suspend)
    chat.expect("4 250", "cabinet.salyk.kz")  # ВОСМС 5 % × 1 МЗП (85 000) while suspended
    await chat.say("/register")
    await chat.press(change)  # general → simplified: the one-year condition
    chat.expect(one_year, "910.00")
    await chat.press(yes)
    async with rig.database.session() as session:
        back = await SqlStore(session).get_profile(str(user))
        actions = [a.action for a in await storage.audit_of(session, user)]
    assert back is not None
    assert back.regime == "simplified"
    assert actions.count("profile.regime_changed") == 2
    await chat.say("/register")
    await chat.press(close)
    chat.expect("910.00", "egov.kz")


async def test_the_tick_and_a_tap_confirm_once(rig: Rig) -> None:
    chat = chat_for(rig.engine(), "ru")
    await to_form(chat, "ru")
    await chat.press("Я подал заявку")
    check = chat.find("Проверить сейчас")
    rig.clock.advance(DELAY)
    assert await rig.tick() == 1
    await chat.press_payload(check.payload)  # the tick won: the tap tells the result, nothing twice
    chat.expect("ИП зарегистрировано с 01.12.2026")
    user = await user_id_of(rig.database, chat)
    async with rig.database.session() as session:
        actions = [a.action for a in await storage.audit_of(session, user)]
    assert actions.count("registration.confirmed") == 1
    pushes = [m for m in await outbox(rig.database) if "ipreg:" in m.dedupe_key]
    assert len(pushes) == 1


class DownLookup:
    async def find(self, iin: str) -> None:
        from dialogs.effects.ports import EffectUnavailable

        raise EffectUnavailable("transport")


async def test_the_register_down_loses_nothing(database: Database) -> None:
    from dialogs.effects.registration_ports import RegistrationPorts

    local = local_registration(DELAY, clock=ManualClock(NOW))
    local.ports = RegistrationPorts(DownLookup())
    rig = Rig(ManualClock(NOW), local, make_services(local), database)
    chat = chat_for(rig.engine(), "kk")
    await chat.say("/register")
    await chat.press("Иә")
    await chat.say(VALID_IIN)
    chat.expect("тізілім қазір жауап бермей тұр")  # noted, the conversation goes on
    await chat.say("Иванов Иван")
    chat.expect("Немен айналысасыз")
    await to_form_rest(chat)
    await chat.press("Өтінім бердім")
    await chat.press("Қазір тексеру")
    chat.expect("жауап бермей тұр")
    assert await rig.tick() == 0
    (row,) = await effects_of(database)
    assert row.status == "pending"


async def to_form_rest(chat: ScriptedChat) -> None:
    w = WORDS["kk"]
    await chat.say(w["activity"])
    await chat.press("95.12")
    await chat.press(w["next"])
    await chat.say(w["place"])
    await chat.press(w["place"][:4])
    await chat.say(w["income"])
    await chat.press(w["no_employees"])
    await chat.press(w["simplified"])
    await chat.press(w["remind_yes"])
    chat.expect(w["form"])
