"""The ESF conversation as a reusable scenario: an invoice issued in the chat → «ЭСФ» under it → the summary
(buyer, total, turnover date, the 15-day deadline) → «Подписать, отправить» → eGov mobile on the phone →
«Проверить подпись» → «ЭСФ принят …, в очереди» → time passes → «зарегистрирован, рег. № …» pushed → /esf.

Needs an onboarded chat with a world (``ScriptedChat.world``: the phone and the ticks), ``EffectServices.documents``
(``dialogs.adapters.documents``) and ``EffectServices.esf`` with its tick — local mode's ESF sandbox
(``dialogs.adapters.esf.local_esf``, wired in ``bot.app.local_sandboxes``).
"""

from __future__ import annotations

import datetime as dt

from dialogs.scenarios.documents import BUYER_BIN
from dialogs.scenarios.documents import WORDS as DOCUMENT_WORDS
from dialogs.testing import ScriptedChat, ScriptError

WORDS: dict[str, dict[str, str]] = {
    "ru": {
        "esf": "ЭСФ",
        "summary": "Выписать ЭСФ до",
        "sign": "Подписать",
        "check": "Проверить подпись",
        "accepted": "ЭСФ принят",
        "queue": "в очереди",
        "registered": "зарегистрирован",
        "already": "уже есть ЭСФ",
        "list": "Ваши ЭСФ",
        "address_q": "нужен ваш адрес",
        "address": "Астана, ул. Абая, 1",
    },
    "kk": {
        "esf": "ЭШФ",
        "summary": "ЭШФ жазу мерзімі",
        "sign": "Қол қойып",
        "check": "Қолтаңбаны тексеру",
        "accepted": "ЭШФ қабылданды",
        "queue": "кезекте",
        "registered": "тіркелді",
        "already": "ЭШФ бар",
        "list": "Сіздің ЭШФ",
        "address_q": "мекенжайыңыз керек",
        "address": "Астана, Абай көшесі, 1",
    },
}


async def esf_scenario(chat: ScriptedChat, lang: str) -> None:
    """Issue an invoice, register it as an ESF signed on the phone, see it registered, and not twice."""
    if chat.world is None:
        raise ScriptError("the ESF scenario needs a world (the phone and the worker's ticks)")
    w, d = WORDS[lang], DOCUMENT_WORDS[lang]
    await chat.say(d["invoice"])
    if d["name_q"].lower() in chat.text.lower():
        await chat.say("Иванов Иван Иванович")
    if d["bin_q"].lower() in chat.text.lower():
        await chat.say(BUYER_BIN)
    if "сайт" not in chat.text.lower() and d["preview"].lower() not in chat.text.lower():
        await chat.say("Сайт әзірлеу" if lang == "kk" else "Разработка сайта")
    if d["no_bank"].lower() in " ".join(b.text for b in chat.buttons).lower():
        await chat.press(d["no_bank"])
    await chat.press(d["issue"])
    chat.expect(d["issued"])
    esf = chat.find(w["esf"])
    await chat.press_payload(esf.payload)
    if w["address_q"].lower() in chat.text.lower():  # asked once: the documents keep no seller address
        await chat.say(w["address"])
    chat.expect(w["summary"], "250 000")
    await chat.press(w["sign"])
    await chat.world.sign_on_phone(chat)
    await chat.press(w["check"])
    chat.expect(w["accepted"], w["queue"])
    pushed = await chat.world.pass_time(chat, dt.timedelta(seconds=30))
    assert any(w["registered"] in r.text for r in pushed), [r.text for r in pushed]
    await chat.press_payload(esf.payload)  # the same button again: its ESF, never a second one
    chat.expect(w["already"], w["registered"])
    await chat.say("/esf")
    chat.expect(w["list"], w["registered"])
