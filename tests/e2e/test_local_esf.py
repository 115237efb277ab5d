"""Local mode (``asistent run`` without a token), as a person in the web chat: issue an invoice, press «ЭСФ» under
it, give the seller's address once, sign on the simulated eGov mobile phone (over HTTP, as its page does), and see the
ESF accepted by the in-process ИС ЭСФ sandbox and registered — every status pushed by the worker's tick. No sleeping:
every wait is on the emulator's changes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import aiohttp
import pytest

from bot.app import Runtime, start_all, stop_all
from core.settings import Settings
from tests.e2e.test_local_filing import Person, onboard, sign_on_the_phone, text_of

URL = re.compile(r"https?://\S+")


async def test_register_an_esf_in_local_mode(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.app.LOCAL_EFFECTS_TICK_SECONDS", 0.2)
    monkeypatch.setattr("dialogs.adapters.esf.LOCAL_QUEUE_DELAY", dt.timedelta(seconds=0.2))
    monkeypatch.setattr("dialogs.adapters.esf.LOCAL_PROCESSING_DELAY", dt.timedelta(seconds=0.2))
    settings = Settings(DATABASE_URL=sqlite_url, DATA_DIR=tmp_path / "var", HTTP_PORT=0, REMINDER_TICK_SECONDS=3600)
    runtime: Runtime = await start_all(settings)
    try:
        assert runtime.emulator is not None
        person = Person(runtime.emulator, runtime.emulator.create_user("Айгүл", "ru"))
        await onboard(person)
        reply = text_of(await person.say("выстави счёт ТОО Альфа на 250 000 за разработку сайта", ""))
        if "фамилия" in reply.lower():
            reply = text_of(await person.say("Иванов Иван Иванович", ""))
        if "БИН или ИИН" in reply:
            reply = text_of(await person.say("060240000017", ""))
        if "банковский счёт" in reply:
            await person.press("Без реквизитов", "Выставлю только после")
        await person.press("Выставить", "PDF")
        await person.press("ЭСФ", "адрес")  # the documents keep no seller address: asked once
        await person.say("Астана, ул. Абая, 1", "Выписать ЭСФ до")
        request = await person.press("Подписать", "eGov")
        links = URL.findall(text_of(request))
        assert links, text_of(request)
        async with aiohttp.ClientSession() as http:
            assert "Подписано" in await sign_on_the_phone(http, links[0])
        accepted = await person.wait_for("ЭСФ принят")  # the tick uploads it without a press
        assert "в очереди" in text_of(accepted)
        registered = await person.wait_for("зарегистрирован, рег. №")
        assert runtime.sandboxes is not None
        esf = runtime.sandboxes.services["esf"]
        (invoice,) = esf.gateway.accounts.sandbox.invoices.values()
        assert invoice.status == "CREATED"
        assert invoice.registration_number in text_of(registered)
    finally:
        await stop_all(runtime)
