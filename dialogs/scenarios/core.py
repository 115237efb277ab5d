"""The chat's own scenarios, the same words on every channel: onboarding, income, taxes with «как посчитано?»,
deadlines, the income chart, filing 910.00 to «обработана» (the test plays the phone), paying the month's social
payments to «Исполнено», the subscription, linking Telegram ↔ WhatsApp, erasure.

Each is ``async def <name>_scenario(chat, lang)`` over ``dialogs.testing.ScriptedChat``; the ones with an outside
effect use ``chat.world`` (``dialogs.testing.ChatWorld``: the phone, time passing with the worker's ticks, the other
channel), so a harness that provides one runs them on any channel. They run in this order on one chat: each after
``onboarding_scenario``, ``erase_scenario`` last (see ``JOURNEY``).

```mermaid
flowchart LR
    O[onboarding] --> I[income] --> T[taxes + why] --> D[deadlines] --> C[chart]
    C --> F[filing 910.00: sign on the phone, ticks → принято → обработана]
    F --> P[pay the month: ticks → исполнено] --> S[subscription] --> L[link the other channel] --> E[erase]
```
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence

from dialogs.contract import Reply
from dialogs.testing import (
    WORDS,
    ScriptedChat,
    ScriptError,
    erase_scenario,
    income_scenario,
    onboarding_scenario,
    taxes_scenario,
)

Scenario = Callable[[ScriptedChat, str], Awaitable[None]]

MORE: dict[str, dict[str, str]] = {
    "ru": {
        "name": "Иванов Иван Иванович",
        "half_income": "получил 3 000 000 от ТОО Альфа 10.03.2026",
        "sign": "Подписать",
        "submitted": "отправлена в налоговую",
        "processed": "обработана",
        "filed": "уже сдана",
        "month_income": "получил 300 000 от ТОО Бета 10.11.2026",
        "opv": "ОПВ",
        "pay": "Оплатить",
        "pay_yes": "Да, оплатить",
        "sent": "Отправлено в банк",
        "executed": "Исполнено",
        "subscription": "подписка",
        "paid": "Оплачено",
        "link": "привязать аккаунт",
        "link_code": "Ваш код привязки",
        "link_yes": "Связать",
        "linked": "Связано",
        "linked_there": "связан с",
        "explain": "910.00",
        "chart": "/income",
    },
    "kk": {
        "name": "Иванов Иван Иванович",
        "half_income": "ЖШС Альфадан 3 000 000 түсті 10.03.2026",
        "sign": "Қол қойып",
        "submitted": "салық органына жіберілді",
        "processed": "өңделді",
        "filed": "тапсырылған",
        "month_income": "ЖШС Бетадан 300 000 түсті 10.11.2026",
        "opv": "МЗЖ",
        "pay": "Төлеу",
        "pay_yes": "Иә, төлеу",
        "sent": "Банкке жіберілді",
        "executed": "Орындалды",
        "subscription": "жазылым",
        "paid": "Төленді",
        "link": "аккаунтты байланыстыру",
        "link_code": "Байланыстыру кодыңыз",
        "link_yes": "Байланыстыру",
        "linked": "Байланыстырылды",
        "linked_there": "арқылы да қолжетімді",
        "explain": "910.00",
        "chart": "/income",
    },
}


def _has_button(chat: ScriptedChat, title: str) -> bool:
    try:
        chat.find(title)
    except ScriptError:
        return False
    return True


async def _record(chat: ScriptedChat, lang: str, text: str) -> None:
    """A free-text income, confirmed once."""
    await chat.say(text)
    await chat.press(WORDS[lang]["save"])
    chat.expect(WORDS[lang]["saved"])


def _pushed(replies: Sequence[Reply]) -> str:
    return "\n".join(r.text for r in replies).replace("\u00a0", " ").lower()


async def taxes_explained_scenario(chat: ScriptedChat, lang: str) -> None:
    """/taxes, then «как посчитано?» answers with the rule and the figures."""
    await taxes_scenario(chat, lang)
    if not chat.text.strip():
        raise ScriptError("«how is it calculated?» gave no explanation")


async def deadlines_scenario(chat: ScriptedChat, lang: str) -> None:
    await chat.say("/deadlines")
    chat.expect("910.00", "25.12.2026")


async def chart_scenario(chat: ScriptedChat, lang: str) -> None:
    """/income: the chart arrives as an image (PNG) on the channel."""
    await chat.say(MORE[lang]["chart"])
    images = [a for r in chat.replies for a in r.attachments if a.kind == "image"]
    if not images or not images[0].content.startswith(b"\x89PNG"):
        raise ScriptError(f"no PNG chart in the reply: {chat.text}")


async def filing_scenario(chat: ScriptedChat, lang: str) -> None:
    """910.00 for the first half of 2026: the summary → «Подписать, отправить» → the link → the phone signs →
    the tick submits it («отправлена») → later «обработана», both pushed to the chat; the period is then filed."""
    w, world = MORE[lang], chat.need_world()
    await _record(chat, lang, w["half_income"])
    await chat.say("/file")
    if not _has_button(chat, w["sign"]):
        await chat.say(w["name"])  # the ФИО, asked once
    chat.expect("910.00", "3 000 000")
    await chat.press(w["sign"])
    chat.expect("eGov")
    await world.sign_on_phone(chat)
    accepted = _pushed(await world.pass_time(chat, dt.timedelta(minutes=1)))
    if w["submitted"].lower() not in accepted:
        raise ScriptError(f"no «{w['submitted']}» pushed to the chat: {accepted!r}")
    processed = _pushed(await world.pass_time(chat, dt.timedelta(minutes=15)))
    if w["processed"].lower() not in processed:
        raise ScriptError(f"no «{w['processed']}» pushed to the chat: {processed!r}")
    await chat.say("/file")
    chat.expect(w["filed"])


async def payment_scenario(chat: ScriptedChat, lang: str) -> None:
    """The month's social payments: the offer → «Оплатить» → «Да, оплатить» → sent → the ticks → «Исполнено»."""
    w, world = MORE[lang], chat.need_world()
    await _record(chat, lang, w["month_income"])
    await chat.say("/pay")
    if not _has_button(chat, w["pay"]):
        await chat.say(w["name"])
    chat.expect(w["opv"])
    await chat.press(w["pay"])
    await chat.press(w["pay_yes"])
    if "egov" in chat.text.lower():  # the orders are signed on the phone first (eGov link)
        await world.sign_on_phone(chat)
        sent = _pushed(await world.pass_time(chat, dt.timedelta(minutes=1)))  # the tick sends them when signed
        if w["sent"].lower() not in sent:
            raise ScriptError(f"no «{w['sent']}» pushed to the chat: {sent!r}")
    else:
        chat.expect(w["sent"])
    executed = _pushed(await world.pass_time(chat, dt.timedelta(minutes=10)))
    executed += _pushed(await world.pass_time(chat, dt.timedelta(minutes=10)))
    if w["executed"].lower() not in executed:
        raise ScriptError(f"no «{w['executed']}» pushed to the chat: {executed!r}")


async def subscription_scenario(chat: ScriptedChat, lang: str) -> None:
    """The monthly fee: the invoice → pay → sent → after the ticks the subscription shows as paid."""
    w, world = MORE[lang], chat.need_world()
    await chat.say(w["subscription"])
    if not _has_button(chat, w["pay"]) and not chat.text.count("AS-"):
        await chat.say(w["name"])
    chat.expect("AS-2026")
    await chat.press(w["pay"])
    await chat.press(w["pay_yes"])
    if "egov" in chat.text.lower():  # the fee's order is signed on the phone first (eGov link)
        await world.sign_on_phone(chat)
        sent = _pushed(await world.pass_time(chat, dt.timedelta(minutes=1)))
        if w["sent"].lower() not in sent:
            raise ScriptError(f"no «{w['sent']}» pushed to the chat: {sent!r}")
    else:
        chat.expect(w["sent"])
    await world.pass_time(chat, dt.timedelta(minutes=10))
    await world.pass_time(chat, dt.timedelta(minutes=10))
    await chat.say(w["subscription"])
    chat.expect(w["paid"])


async def link_scenario(chat: ScriptedChat, lang: str) -> None:
    """«привязать аккаунт» gives a code; the same person types it in the other channel and confirms; this chat is
    told through the outbox, and the other chat now sees this profile."""
    w, world = MORE[lang], chat.need_world()
    await chat.say(w["link"])
    chat.expect(w["link_code"])
    code = next((word for word in chat.text.replace("*", " ").split() if word.isdigit() and len(word) == 6), None)
    if code is None:
        raise ScriptError(f"no six-digit code in: {chat.text}")
    other = await world.other_chat(chat)
    await other.say(code)
    # a new WhatsApp chat carries no language: the confirmation may come in the default (Russian) one
    there = lang if _has_button(other, w["link_yes"]) else "ru"
    await other.press(MORE[there]["link_yes"])
    other.expect(w["linked"])  # linked: the account's language from now on
    told = _pushed(await world.pass_time(chat, dt.timedelta(seconds=1)))
    if w["linked_there"].lower() not in told:
        raise ScriptError(f"this chat was not told about the link: {told!r}")
    await other.say("/taxes")
    other.expect("910.00")


#: the chat's journey on one chat, in order (each name → its scenario)
JOURNEY: tuple[tuple[str, Scenario], ...] = (
    ("onboarding", onboarding_scenario),
    ("income", income_scenario),
    ("taxes", taxes_explained_scenario),
    ("deadlines", deadlines_scenario),
    ("chart", chart_scenario),
    ("filing", filing_scenario),
    ("payment", payment_scenario),
    ("subscription", subscription_scenario),
    ("link", link_scenario),
    ("erase", erase_scenario),
)

__all__ = [
    "JOURNEY",
    "MORE",
    "Scenario",
    "chart_scenario",
    "deadlines_scenario",
    "erase_scenario",
    "filing_scenario",
    "income_scenario",
    "link_scenario",
    "onboarding_scenario",
    "payment_scenario",
    "subscription_scenario",
    "taxes_explained_scenario",
    "taxes_scenario",
]
