"""The notices scenario, the same words on every channel: /notices → «Пример (песочница)» (local mode's sandbox
cabinet issues a sample notice about a debt) → the notice explained and checked against the user's records →
«Пояснение» drafted from them → «Подписать и отправить» signed on the phone → «Пояснение отправлено» → time passes
with the worker's ticks → «налоговая рассмотрела», the notice closed.

Needs an onboarded chat with an ИИН, the notices ports of local mode (``dialogs.adapters.notices.local_notices`` over
the sandbox cabinet, with its ``sample`` trigger), and ``chat.world`` (the phone, the ticks with ``notice_tick``).
"""

from __future__ import annotations

import datetime as dt

from dialogs.testing import ScriptedChat, ScriptError

WORDS: dict[str, dict[str, str]] = {
    "ru": {
        "sample": "Пример (песочница)",
        "listed": "Открытые уведомления",
        "means": "задолженности",
        "checked": "Сверка с вашим учётом",
        "explain": "Пояснение",
        "name_q": "фамилия, имя и отчество",
        "name": "Иванов Иван Иванович",
        "draft": "Черновик пояснения",
        "sign": "Подписать",
        "check": "Проверить подпись",
        "sent": "Пояснение отправлено",
        "reviewed": "рассмотрела",
    },
    "kk": {
        "sample": "Сынақ хабарлама",
        "listed": "ашық хабарламалар",
        "means": "берешек",
        "checked": "Есебіңізбен салыстыру",
        "explain": "Түсініктеме",
        "name_q": "тегіңіз, атыңыз",
        "name": "Иванов Иван Иванович",
        "draft": "Түсініктеме жобасы",
        "sign": "Қол қойып",
        "check": "Қолтаңбаны тексеру",
        "sent": "Түсініктеме жіберілді",
        "reviewed": "қарады",
    },
}


async def notices_scenario(chat: ScriptedChat, lang: str) -> None:
    """A sample notice from the sandbox cabinet, understood and answered with a signed explanation to its end."""
    world = chat.need_world()
    w = WORDS[lang]
    await chat.say("/notices")
    await chat.press(w["sample"])
    chat.expect(w["listed"])
    number = next((b for b in chat.buttons if b.text.startswith("№")), None)
    if number is None:
        raise ScriptError(f"no notice button among {[b.text for b in chat.buttons]}")
    await chat.press_payload(number.payload)
    chat.expect(w["means"], w["checked"])
    await chat.press(w["explain"])
    if w["name_q"].lower() in chat.text.lower():
        await chat.say(w["name"])
    chat.expect(w["draft"], number.text.removeprefix("№ "))
    await chat.press(w["sign"])
    await world.sign_on_phone(chat)
    await chat.press(w["check"])
    chat.expect(w["sent"])
    pushed = await world.pass_time(chat, dt.timedelta(hours=2))
    if not any(w["reviewed"] in reply.text for reply in pushed):
        raise ScriptError(f"{w['reviewed']!r} not pushed: {[r.text for r in pushed]}")
