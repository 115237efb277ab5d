"""A scripted conversation for tests: say text, press buttons by their title, send files, and check the replies.

Channels reuse it to run the same scenarios through their stack: pass ``send`` — any coroutine taking an
``InputEvent`` and returning the ``Reply`` objects the user would see (the engine itself by default).

    chat = ScriptedChat(engine.handle, chat_id="42", language_code="ru", now=dt.datetime(2026, 12, 1, 6, tzinfo=UTC))
    await chat.say("/start")
    await chat.press("Русский")
    await chat.say("900101300007")
    assert "режим" in chat.text
    await onboarding_scenario(chat, "ru")     # the reusable scenarios below

More scenarios, one module per area, are in ``dialogs.scenarios`` (``core``: the chat's journey). Those with an outside
effect (the phone signing, time passing with the worker's ticks, the other messenger) use ``chat.world``, a
``ChatWorld`` the channel harness provides (``tests/e2e/world.py``); ``tests/e2e/test_channel_parity.py`` runs them all
on the bare engine, Telegram and WhatsApp.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from dialogs.contract import Button, ButtonEvent, Channel, ChatRef, FileEvent, InputEvent, Reply, TextEvent

Send = Callable[[InputEvent], Awaitable[Sequence[Reply]]]
_EVENT_IDS = itertools.count(1)

#: A valid ИИН for scenarios (born 1990-01-01, check digit correct) and one with a wrong check digit.
VALID_IIN = "900101300007"
INVALID_IIN = "900101300008"


class ScriptError(AssertionError):
    """A scripted step could not be done (no such button) or a reply did not match."""


class ChatWorld(Protocol):
    """The outside world a scenario needs beyond the chat, played by the test: the person's phone, time passing with
    the worker's ticks, the same person on another channel. A channel's harness provides one (``ScriptedChat.world``);
    a scenario that needs it fails clearly on a chat without one."""

    async def sign_on_phone(self, chat: ScriptedChat) -> None:
        """Approve in eGov mobile (the person's phone) the signing request whose link is in the last replies."""
        ...

    async def pass_time(self, chat: ScriptedChat, delta: dt.timedelta) -> list[Reply]:
        """``delta`` passes on the sandboxes' clocks, the worker ticks run and the outbox is delivered: the messages
        that reached ``chat`` on its channel, as its person sees them."""
        ...

    async def other_chat(self, chat: ScriptedChat) -> ScriptedChat:
        """A fresh chat of the same person on the other channel (Telegram ↔ WhatsApp) over the same database."""
        ...


@dataclass
class ScriptedChat:
    send: Send
    chat_id: str = "1001"
    channel: Channel = "telegram"
    language_code: str | None = "ru"
    now: dt.datetime = field(default_factory=lambda: dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC))
    replies: list[Reply] = field(default_factory=list)
    history: list[tuple[InputEvent, list[Reply]]] = field(default_factory=list)
    #: what the harness plays outside the chat (phone, clocks, ticks, the other channel); ``None`` on a bare chat
    world: ChatWorld | None = None

    def need_world(self) -> ChatWorld:
        if self.world is None:
            raise ScriptError("this scenario needs a ChatWorld (phone, ticks): run it through a channel harness")
        return self.world

    @property
    def chat(self) -> ChatRef:
        return ChatRef(self.channel, self.chat_id, self.language_code)

    @property
    def text(self) -> str:
        """All text of the last replies, joined (lower-case checks are the caller's choice)."""
        return "\n".join(r.text for r in self.replies)

    @property
    def buttons(self) -> list[Button]:
        return [b for r in self.replies for row in r.buttons for b in row]

    def _event_id(self) -> str:
        return f"{self.chat_id}-{next(_EVENT_IDS)}"

    async def deliver(self, event: InputEvent) -> list[Reply]:
        self.replies = list(await self.send(event))
        self.history.append((event, self.replies))
        return self.replies

    async def say(self, text: str) -> list[Reply]:
        return await self.deliver(TextEvent(self.chat, text, self._event_id(), self.now))

    def find(self, title: str) -> Button:
        """The button of the last replies that ``title`` names: its payload, a title containing ``title``
        (case-insensitive), or a title a channel shortened at a word («Подписать…» for «Подписать, отправить»)."""
        needle = " ".join(title.lower().split())
        for button in self.buttons:
            if button.payload == title or needle in " ".join(button.text.lower().split()):
                return button
        shortened = []
        for button in self.buttons:
            shown = " ".join(button.text.lower().split())
            stem = shown[:-1].rstrip(" ,;:—-–")
            if shown.endswith("…") and len(stem) > 1 and needle.startswith(stem):
                shortened.append((len(stem), button))
        if shortened:
            return max(shortened, key=lambda found: found[0])[1]  # the longest stem: «Декларация 10…» over «… 1…»
        raise ScriptError(f"no button {title!r} among {[b.text for b in self.buttons]}")

    async def press(self, title: str) -> list[Reply]:
        """Press the button ``title`` names (see ``find``) in the last replies."""
        return await self.press_payload(self.find(title).payload)

    async def press_payload(self, payload: str) -> list[Reply]:
        return await self.deliver(ButtonEvent(self.chat, payload, self._event_id(), self.now))

    async def send_file(
        self, name: str = "statement.pdf", mime: str = "application/pdf", content: bytes = b"%PDF-1.4 test"
    ) -> list[Reply]:
        return await self.deliver(FileEvent(self.chat, name, mime, content, self._event_id(), self.now))

    async def redeliver(self) -> list[Reply]:
        """Send the last event again, with the same event id (a channel's redelivery)."""
        if not self.history:
            raise ScriptError("nothing to redeliver")
        return await self.deliver(self.history[-1][0])

    def expect(self, *fragments: str) -> None:
        """Every fragment appears (case-insensitive) in the last replies' text."""
        text = self.text.lower().replace("\u00a0", " ")  # amounts use no-break spaces
        for fragment in fragments:
            if fragment.lower() not in text:
                raise ScriptError(f"{fragment!r} not in the reply:\n{self.text}")


# ---- reusable scenarios (ru/kk): the same words the flows use, so any channel can run them ---------------------

WORDS: dict[str, dict[str, str]] = {
    "ru": {
        "language": "Русский",
        "iin_ok": "ИИН верный",
        "check_digit": "контрольной цифры",
        "regime": "Упрощёнка",
        "place_q": "Где вы ведёте",
        "employees_q": "Сколько у вас работников",
        "birth_q": "год рождения",
        "remind_yes": "Да, напоминать",
        "done": "Профиль сохранён",
        "save": "Сохранить",
        "saved": "Сохранено",
        "taxes": "Соцплатежи за себя",
        "why": "Как посчитано",
        "income": "получил 150 000 от ТОО Альфа",
        "delete": "удалить мои данные",
        "delete_yes": "Да, удалить",
        "deleted": "данные удалены",
    },
    "kk": {
        "language": "Қазақша",
        "iin_ok": "ЖСН дұрыс",
        "check_digit": "бақылау цифрынан",
        "regime": "Оңайлатылған",
        "place_q": "Қай жерде қызмет",
        "employees_q": "қанша қызметкер",
        "birth_q": "Туған жылыңыз",
        "remind_yes": "Иә, еске сал",
        "done": "Профиль сақталды",
        "save": "Сақтау",
        "saved": "Сақталды",
        "taxes": "әлеуметтік төлемдеріңіз",
        "why": "Қалай есептелді",
        "income": "ЖШС Альфадан 150 000 түсті",
        "delete": "деректерімді жой",
        "delete_yes": "Иә, жою",
        "deleted": "Деректеріңіз жойылды",
    },
}


async def onboarding_scenario(chat: ScriptedChat, lang: str, place: str = "Астана") -> None:
    """/start → language → a bad then a good ИИН → simplified → place → 0 employees → the year from the ИИН →
    reminders yes."""
    w = WORDS[lang]
    await chat.say("/start")
    await chat.press(w["language"])
    await chat.say(INVALID_IIN)
    chat.expect(w["check_digit"])
    await chat.say(VALID_IIN)
    chat.expect(w["iin_ok"])
    await chat.press(w["regime"])
    chat.expect(w["place_q"])
    await chat.say(place)
    await chat.press(place[:4])
    chat.expect(w["employees_q"])
    await chat.say("0")
    chat.expect(w["birth_q"])
    await chat.press("1990")
    await chat.press(w["remind_yes"])
    chat.expect(w["done"])


async def income_scenario(chat: ScriptedChat, lang: str) -> None:
    """Free-text income → confirm → saved once (a double tap answers «already saved»)."""
    w = WORDS[lang]
    await chat.say(w["income"])
    chat.expect("150")
    save = next(b for b in chat.buttons if w["save"].lower() in b.text.lower())
    await chat.press_payload(save.payload)
    chat.expect(w["saved"])
    await chat.press_payload(save.payload)


async def taxes_scenario(chat: ScriptedChat, lang: str) -> None:
    """Taxes for the month and the half-year, then «how is it calculated?»."""
    w = WORDS[lang]
    await chat.say("/taxes")
    chat.expect(w["taxes"], "910.00")
    await chat.press(w["why"])


async def erase_scenario(chat: ScriptedChat, lang: str) -> None:
    """«Delete my data» → confirm → goodbye."""
    w = WORDS[lang]
    await chat.say(w["delete"])
    await chat.press(w["delete_yes"])
    chat.expect(w["deleted"])
