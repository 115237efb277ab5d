"""The ИП registration conversation as a reusable scenario: «хочу открыть ИП» → resident → ИИН → ФИО → ОКЭД from
the user's words (two codes) → place → income (a bad then a good answer) → employees → the three regimes and «Как
посчитано?» → the simplified regime → reminders → the prefilled form with the eGov link → «Я подал заявку» (twice:
one registration) → «Проверить сейчас» → «ИП зарегистрировано», then /register shows the life events.

Starts with /lang (a new WhatsApp chat has no language hint). Needs a NEW chat (not onboarded) and
``EffectServices.registration`` with the sandbox register registering at once —
``dialogs.adapters.registration.local_registration(dt.timedelta(0)).ports`` — over SQL storage.
"""

from __future__ import annotations

from dialogs.flows.language import LANGUAGE_NAMES
from dialogs.testing import VALID_IIN, ScriptedChat

WORDS: dict[str, dict[str, str]] = {
    "ru": {
        "start": "хочу открыть ИП",
        "intro": "откроем ваше ИП",
        "yes": "Да",
        "iin_q": "ИИН",
        "name_q": "фамилия, имя и отчество",
        "name": "Иванов Иван Иванович",
        "activity_q": "Чем будете заниматься",
        "activity": "ремонт телефонов",
        "activity2": "продажа телефонов",
        "codes": "ОКЭД",
        "next": "Дальше",
        "place": "Астана",
        "income_q": "доход вы ожидаете",
        "bad_income": "много",
        "income_err": "числом",
        "income": "12 млн",
        "no_employees": "Нет работников",
        "regimes": "Режимы на",
        "why": "Как посчитано",
        "explained": "Как посчитана",
        "simplified": "Упрощёнка",
        "remind_yes": "Да, напоминать",
        "form": "Данные для государственной формы",
        "applied": "Я подал заявку",
        "noted": "проверю государственный реестр",
        "already": "Уже выполняется",
        "check": "Проверить сейчас",
        "not_yet": "ещё нет в реестре",
        "confirmed": "ИП зарегистрировано",
        "life": "Сменить режим",
    },
    "kk": {
        "start": "ЖК ашқым келеді",
        "intro": "ЖК-ны бірге ашайық",
        "yes": "Иә",
        "iin_q": "ЖСН",
        "name_q": "тегіңіз, атыңыз",
        "name": "Иванов Иван Иванович",
        "activity_q": "Немен айналысасыз",
        "activity": "телефон жөндеу",
        "activity2": "телефон сату",
        "codes": "ЭҚЖЖ",
        "next": "Келесі қадам",
        "place": "Астана",
        "income_q": "қандай табыс күтесіз",
        "bad_income": "көп",
        "income_err": "санмен",
        "income": "12 млн",
        "no_employees": "Қызметкер жоқ",
        "regimes": "жылға режимдер",
        "why": "Қалай есептелді",
        "explained": "Әр сан қалай",
        "simplified": "Оңайлатылған",
        "remind_yes": "Иә, еске сал",
        "form": "Мемлекеттік нысанның деректері",
        "applied": "Өтінім бердім",
        "noted": "тізілімді ЖСН бойынша",
        "already": "орындалуда",
        "check": "Қазір тексеру",
        "not_yet": "тізілімде әлі жоқ",
        "confirmed": "тіркелді",
        "life": "Режимді өзгерту",
    },
}


async def registration_scenario(chat: ScriptedChat, lang: str) -> None:
    w = WORDS[lang]
    await chat.say("/lang")  # a new chat: a channel without a language hint (WhatsApp) starts in Russian
    await chat.press(LANGUAGE_NAMES["kk" if lang == "kk" else "ru"])
    await chat.say(w["start"])
    chat.expect(w["intro"])
    await chat.press(w["yes"])
    chat.expect(w["iin_q"])
    await chat.say(VALID_IIN)
    chat.expect(w["name_q"])
    await chat.say(w["name"])
    chat.expect(w["activity_q"])
    await chat.say(w["activity"])
    chat.expect(w["codes"], "95.12")
    await chat.press("95.12")
    await chat.say(w["activity2"])
    await chat.press("47.")
    chat.expect("95.12", "47.")
    await chat.press(w["next"])
    await chat.say(w["place"])
    await chat.press(w["place"][:4])
    chat.expect(w["income_q"])
    await chat.say(w["bad_income"])
    chat.expect(w["income_err"])
    await chat.say(w["income"])
    await chat.press(w["no_employees"])
    chat.expect(w["regimes"], "910.00")
    await chat.press(w["why"])
    chat.expect(w["explained"])
    await chat.press(w["simplified"])
    await chat.press(w["remind_yes"])
    chat.expect(w["form"], "710000000", "95.12", "egov.kz")
    applied = next(b for b in chat.buttons if w["applied"].lower() in b.text.lower())
    await chat.press_payload(applied.payload)
    chat.expect(w["noted"])
    await chat.press_payload(applied.payload)  # a double tap: the same registration
    chat.expect(w["noted"])
    await chat.press(w["check"])
    chat.expect(w["confirmed"])
    await chat.say("/register")
    chat.find(w["life"])
