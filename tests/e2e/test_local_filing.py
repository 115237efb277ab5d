"""Local mode (``asistent run`` without a token), as a person in the web chat: onboard, record income, file the
910.00 for the last half-year signing on the simulated eGov mobile phone (over HTTP, as its page does), see it
accepted and processed; pay the month's social payments and see them executed. No sleeping: every wait is on the
emulator's changes."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import Runtime, start_all, stop_all
from bot.emulator.telegram import SimUser, TelegramEmulator
from core.settings import Settings
from dialogs.flows.filing import half_to_file
from dialogs.testing import VALID_IIN, WORDS
from integrations.signing import CertificatePolicy, verify_xml
from integrations.signing.sandbox_keys import SandboxCA, SandboxPolicy

JsonDict = dict[str, Any]
W = WORDS["ru"]
URL = re.compile(r"https?://\S+")
TIMEOUT = 30.0


def text_of(message: JsonDict) -> str:
    return str(message.get("text") or message.get("caption") or "")


def content(message: JsonDict) -> str:
    """The text and the button labels."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return "\n".join([text_of(message), *(b["text"] for row in rows for b in row)])


class Person:
    """A web chat user, through the Telegram emulator's user side."""

    def __init__(self, emulator: TelegramEmulator, user: SimUser) -> None:
        self.emulator = emulator
        self.user = user

    def messages(self) -> list[JsonDict]:
        return self.emulator.bot_messages(self.user.id)

    def _seen(self) -> set[tuple[int, str]]:
        return {(m["message_id"], content(m)) for m in self.messages()}

    async def _until(self, seen: set[tuple[int, str]], needle: str) -> JsonDict:
        """A bot message, new or edited since ``seen``, that contains ``needle``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while True:
            for message in reversed(self.messages()):
                now = content(message)
                if (message["message_id"], now) not in seen and needle.lower() in now.lower():
                    return message
            if loop.time() >= deadline:
                last = [text_of(m) for m in self.messages()[-3:]]
                raise AssertionError(f"no bot message with {needle!r}; last: {last}")
            await self.emulator.changes.wait(self.emulator.changes.version, deadline - loop.time())

    async def say(self, text: str, expect: str) -> JsonDict:
        seen = self._seen()
        self.emulator.send_text(self.user.id, text)
        return await self._until(seen, expect)

    async def press(self, label: str, expect: str) -> JsonDict:
        """Press the newest button whose text contains ``label``."""
        for message in reversed(self.messages()):
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if label.lower() in button["text"].lower() and "callback_data" in button:
                        seen = self._seen()
                        self.emulator.press_button(self.user.id, message["message_id"], button["callback_data"])
                        return await self._until(seen, expect)
        raise AssertionError(f"no button {label!r}")

    async def wait_for(self, needle: str) -> JsonDict:
        return await self._until(set(), needle)


async def onboard(person: Person) -> None:
    await person.say("/start", W["language"])
    await person.press(W["language"], "ИИН")
    await person.say(VALID_IIN, W["iin_ok"])
    await person.press(W["regime"], W["place_q"])
    await person.say("Астана", "Аста")
    await person.press("Аста", W["employees_q"])
    await person.say("0", W["birth_q"])
    await person.press("1990", "напомина")
    await person.press(W["remind_yes"], W["done"])


async def record_income(person: Person, amount: str, day: dt.date) -> None:
    await person.say(f"получил {amount} от ТОО Альфа {day:%d.%m.%Y}", W["save"])
    await person.press(W["save"], W["saved"])


async def sign_on_the_phone(http: aiohttp.ClientSession, link: str) -> str:
    """Open the deep link (the simulated phone's page) and press «Подписать» as the page's form does."""
    async with http.get(link) as page:
        assert page.status == 200, await page.text()
        shown = await page.text()
    assert "eGov mobile — симулятор" in shown
    assert "Подписать" in shown
    form = {k: html.unescape(v) for k, v in re.findall(r'name="(link|iin)" value="([^"]*)"', shown)}
    assert form["iin"] == VALID_IIN  # the phone holds the user's own (sandbox) key
    action = re.search(r'<form method="post" action="([^"]+)"', shown)
    assert action is not None
    async with http.post(link.split("/egov/")[0] + action.group(1), data=form) as signed:
        body = await signed.text()
        assert signed.status == 200, body
    return body


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(f"{request.param}_url"))


async def test_file_910_and_pay_the_month_in_local_mode(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the sandboxes' clocks faster than a person would want them (the runtime's defaults: seconds)
    monkeypatch.setattr("bot.app.LOCAL_EFFECTS_TICK_SECONDS", 0.2)
    monkeypatch.setattr("bot.app.LOCAL_CABINET_DELAY", dt.timedelta(seconds=0.5))
    monkeypatch.setattr("bot.app.LOCAL_BANK_DELAYS", (dt.timedelta(seconds=0.2),) * 3)
    settings = Settings(DATABASE_URL=database_url, DATA_DIR=tmp_path / "var", HTTP_PORT=0, REMINDER_TICK_SECONDS=3600)
    runtime: Runtime = await start_all(settings)
    try:
        assert runtime.emulator is not None
        assert runtime.sandboxes is not None
        person = Person(runtime.emulator, runtime.emulator.create_user("Айгүл", "ru"))
        await onboard(person)
        today = dt.datetime.now(dt.UTC).date()
        year, half = half_to_file(today)
        await record_income(person, "3 000 000", dt.date(year, 3 if half == 1 else 9, 10))
        last_month = today.replace(day=1) - dt.timedelta(days=1)
        await record_income(person, "300 000", last_month.replace(day=10))

        # filing: the summary → «Подписать, отправить» → the link to the simulated phone
        await person.say("/file", "фамилия")  # the ФИО, asked once
        await person.say("Иванов Иван Иванович", "910.00")
        request = await person.press("Подписать", "eGov")
        links = URL.findall(text_of(request))
        assert links, text_of(request)
        link = links[0]
        assert link.startswith(runtime.server.url.replace("0.0.0.0", "127.0.0.1") + "/egov/phone?link=")
        async with aiohttp.ClientSession() as http:
            answer = await sign_on_the_phone(http, link)
        assert "Подписано" in answer
        accepted = await person.wait_for("Принято, №")  # the tick submits it without a press
        assert "SB" in text_of(accepted)
        await person.wait_for("обработана")
        (record,) = runtime.sandboxes.effects.cabinet._records.values()
        assert record.state.value == "processed"
        # signed by the sandbox CA's key for the user's ИИН: trusted by the local policy only
        ca = SandboxCA.load_or_create(settings.DATA_DIR)
        (row_xml,) = [r for r in runtime.sandboxes.effects.egov._requests.values() if r.signed_xml]
        assert verify_xml(row_xml.signed_xml, SandboxPolicy(sandbox=ca)).valid
        refused = verify_xml(row_xml.signed_xml, CertificatePolicy())
        assert not refused.valid
        assert any("unknown_issuer" in e for e in refused.errors)

        # paying the month: the offer → «Оплатить» → «Да, оплатить» → sent → executed
        await person.say("/pay", "ОПВ")
        await person.press("Оплатить", "Да, оплатить")
        request = await person.press("Да, оплатить", "Подпишите платёжки")  # signed on the phone first
        async with aiohttp.ClientSession() as http:
            assert "Подписано" in await sign_on_the_phone(http, URL.findall(text_of(request))[0])
        await person.wait_for("Отправлено в банк")  # the tick sends them once the signature is there
        await person.wait_for("Исполнено")
        assert all(not r.reasons for r in runtime.sandboxes.effects.bank._records.values())  # signatures verified
    finally:
        await stop_all(runtime)


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"browser check needs Debian's chromium at {CHROMIUM}")
async def test_the_signing_link_is_clickable_and_the_phone_page_signs_in_a_browser(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.async_api import async_playwright, expect

    expect.set_options(timeout=20_000)  # a ceiling for a loaded CI machine; the wait ends when the page shows it

    monkeypatch.setattr("bot.app.LOCAL_EFFECTS_TICK_SECONDS", 0.2)
    settings = Settings(DATABASE_URL=sqlite_url, DATA_DIR=tmp_path / "var", HTTP_PORT=0, REMINDER_TICK_SECONDS=3600)
    runtime = await start_all(settings)
    try:
        assert runtime.emulator is not None
        person = Person(runtime.emulator, runtime.emulator.create_user("Айгүл", "ru"))
        await onboard(person)
        year, half = half_to_file(dt.datetime.now(dt.UTC).date())
        await record_income(person, "3 000 000", dt.date(year, 3 if half == 1 else 9, 10))
        await person.say("/file", "фамилия")
        await person.say("Иванов Иван Иванович", "910.00")
        await person.press("Подписать", "eGov")
        args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=args, headless=True)
            context = await browser.new_context()
            context.set_default_timeout(15_000)
            chat = await context.new_page()
            await chat.goto(runtime.server.url.replace("0.0.0.0", "127.0.0.1") + "/")  # the newest user's chat
            link = chat.locator(".bubble.bot a.text-link").last
            await expect(link).to_have_attribute("href", re.compile(r"/egov/phone\?link="))
            async with context.expect_page() as opened:
                await link.click()
            phone = await opened.value
            await expect(phone.get_by_role("heading")).to_have_text("eGov mobile — симулятор")
            await phone.get_by_role("button", name="Подписать").click()
            await expect(phone.locator(".ok")).to_contain_text("Подписано")
            await expect(chat.locator(".bubble.bot .text").filter(has_text="Принято, №")).to_have_count(1)
            await browser.close()
    finally:
        await stop_all(runtime)
