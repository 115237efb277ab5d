"""``RasaHttpInterpreter`` against a tiny aiohttp fake of Rasa's ``/model/parse`` on loopback, and its fallback."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from nlu import get_interpreter
from nlu.interpreter import LocalInterpreter
from nlu.rasa_http import RasaHttpInterpreter, to_parse_result

RASA_REPLY: dict[str, Any] = {
    "text": "получил 150000 тенге",
    "intent": {"name": "record_income", "confidence": 0.97},
    "intent_ranking": [{"name": "record_income", "confidence": 0.97}, {"name": "nlu_fallback", "confidence": 0.02}],
    "entities": [
        {
            "start": 8,
            "end": 14,
            "value": "150000",
            "entity": "amount",
            "confidence": 0.99,
            "extractor": "DIETClassifier",
        }
    ],
}


class FakeRasa:
    """Answers ``POST /model/parse`` with a canned body; ``mode`` switches to errors or a hang."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.requests: list[Any] = []
        self.never = asyncio.Event()

    async def parse(self, request: web.Request) -> web.Response:
        self.requests.append(await request.json())
        if self.mode == "error":
            return web.json_response({"status": "failure", "reason": "boom"}, status=500)
        if self.mode == "garbage":
            return web.Response(text="<html>not json</html>")
        if self.mode == "hang":
            await self.never.wait()  # the client's timeout ends this, not a sleep
        return web.json_response(RASA_REPLY)


@pytest.fixture
async def rasa() -> AsyncIterator[tuple[FakeRasa, str]]:
    fake = FakeRasa()
    app = web.Application()
    app.router.add_post("/model/parse", fake.parse)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield fake, f"http://127.0.0.1:{port}"
    fake.never.set()
    await runner.cleanup()


@pytest.fixture(scope="module")
def local() -> LocalInterpreter:
    return LocalInterpreter()


async def test_aparse_uses_rasa(rasa: tuple[FakeRasa, str], local: LocalInterpreter) -> None:
    fake, url = rasa
    interpreter = RasaHttpInterpreter(url + "/", 2.0, local, local_entities=False)
    result = await interpreter.aparse("получил 150000 тенге")
    assert fake.requests == [{"text": "получил 150000 тенге"}]
    assert result["intent"] == {"name": "record_income", "confidence": 0.97}
    assert result["intent_ranking"][1]["name"] == "out_of_scope"  # Rasa's nlu_fallback
    assert result["entities"] == [
        {"entity": "amount", "value": "150000", "start": 8, "end": 14, "extractor": "DIETClassifier"}
    ]


async def test_sync_parse_uses_rasa(rasa: tuple[FakeRasa, str], local: LocalInterpreter) -> None:
    _, url = rasa
    interpreter = RasaHttpInterpreter(url, 2.0, local, local_entities=False)
    result = await asyncio.to_thread(interpreter.parse, "получил 150000 тенге")
    assert result["intent"]["name"] == "record_income"
    assert result["entities"][0]["extractor"] == "DIETClassifier"


async def test_rasa_intent_with_local_entities(rasa: tuple[FakeRasa, str], local: LocalInterpreter) -> None:
    fake, url = rasa
    interpreter = RasaHttpInterpreter(url, 2.0, local)
    result = await interpreter.aparse("получил 150к за прошлый месяц", today=dt.date(2026, 11, 25))
    assert result["intent"] == {"name": "record_income", "confidence": 0.97}  # the server's
    assert [(e["entity"], e["value"]) for e in result["entities"]] == [("amount", "150000"), ("period", "2026-10")]
    sync = await asyncio.to_thread(interpreter.parse, "получил 150к за прошлый месяц", today=dt.date(2026, 11, 25))
    assert sync == result
    assert len(fake.requests) == 2


@pytest.mark.parametrize("mode", ["error", "garbage", "hang"])
async def test_falls_back_to_local(rasa: tuple[FakeRasa, str], local: LocalInterpreter, mode: str) -> None:
    fake, url = rasa
    fake.mode = mode
    interpreter = RasaHttpInterpreter(url, 0.2, local)
    result = await interpreter.aparse("пришло 200к от Альфы")
    assert result["intent"]["name"] == "record_income"
    assert result["entities"][0]["extractor"] == "RegexAmountExtractor"
    sync = await asyncio.to_thread(interpreter.parse, "пришло 200к от Альфы")
    assert sync == result


async def test_refused_connection_falls_back(local: LocalInterpreter) -> None:
    interpreter = RasaHttpInterpreter("http://127.0.0.1:9", 0.5, local)
    assert (await interpreter.aparse("привет"))["intent"]["name"] == "greet"
    assert interpreter.parse("привет")["intent"]["name"] == "greet"


@pytest.mark.parametrize("payload", [None, [], {"intent": None}, {"intent": {}, "entities": [{"entity": "x"}]}, "x"])
def test_bad_payload_is_rejected(payload: Any) -> None:
    with pytest.raises(ValueError, match="not a Rasa parse result"):
        to_parse_result("t", payload)


def test_get_interpreter_honours_rasa_url(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.settings import get_settings

    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("RASA_TIMEOUT_SECONDS", "0.25")
    get_settings.cache_clear()
    get_interpreter.cache_clear()
    try:
        interpreter = get_interpreter()
        assert isinstance(interpreter, RasaHttpInterpreter)
        assert interpreter.parse("да")["intent"]["name"] == "affirm"
    finally:
        monkeypatch.delenv("RASA_URL")
        get_settings.cache_clear()
        get_interpreter.cache_clear()
    assert isinstance(get_interpreter(), LocalInterpreter)
    assert json.loads(json.dumps(get_interpreter().parse("да")))["intent"]["name"] == "affirm"
