"""The automatic payment scenario, the same words on every channel: /pay → «Автоплатёж» → a limit in tenge →
«Да, включить» → the consent with its date and limit → «Отключить автоплатёж» → off.

Needs an onboarded chat whose payment ports are wired (a connected bank account: local mode's sandbox bank) and a
ФИО (asked once if missing); no outside effect, so no ``chat.world``.
"""

from __future__ import annotations

from dialogs.testing import ScriptedChat

WORDS: dict[str, dict[str, str]] = {
    "ru": {
        "name": "Иванов Иван Иванович",
        "auto": "Автоплатёж",
        "ask": "До какой суммы",
        "confirm": "каждый месяц",
        "yes": "Да, включить",
        "on": "Автоплатёж включён",
        "off": "Отключить автоплатёж",
        "revoked": "Автоплатёж отключён",
    },
    "kk": {
        "name": "Иванов Иван Иванович",
        "auto": "Автотөлем",
        "ask": "қандай сомаға дейін",
        "confirm": "ай сайын",
        "yes": "Иә, қосу",
        "on": "Автотөлем қосыл",
        "off": "Автотөлемді өшіру",
        "revoked": "Автотөлем өшірілді",
    },
}


async def autopay_scenario(chat: ScriptedChat, lang: str) -> None:
    """Turn the automatic payment on with a limit, see it, turn it off."""
    w = WORDS[lang]
    await chat.say("/pay")
    if not chat.buttons:
        await chat.say(w["name"])
    await chat.press(w["auto"])
    chat.expect(w["ask"])
    await chat.say("50 000")
    chat.expect(w["confirm"], "50 000")
    await chat.press(w["yes"])
    chat.expect(w["on"], "50 000")
    await chat.say("/pay")
    await chat.press(w["auto"])
    chat.expect(w["on"].split()[0], "50 000")
    await chat.press(w["off"])
    chat.expect(w["revoked"])
