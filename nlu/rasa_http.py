"""``RasaHttpInterpreter`` — parse through a Rasa server's ``POST /model/parse``, fall back to the local model.

Used when the ``RASA_URL`` setting is set. Any failure (timeout, refused connection, non-200, a body that is not the
parse shape) falls back to the local interpreter, so the chat keeps working when the Rasa server is down.
Rasa's ``nlu_fallback`` and intents unknown to the dialogs become ``out_of_scope``.

Entities: by default the local rule extractors' (``local_entities=True``): their values are normalised ("200к" →
"200000") and relative periods resolve against ``today``, which a Rasa server is never told. Pass
``local_entities=False`` to keep the server's entities as they come.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.request
from typing import Any

import aiohttp

from nlu.entities import extract_entities
from nlu.features import MAX_CHARS
from nlu.interpreter import Interpreter, kz_today
from nlu.types import INTENTS, OUT_OF_SCOPE, Entity, IntentScore, ParseResult

_log = logging.getLogger(__name__)


class RasaHttpInterpreter:
    """Rasa HTTP API client with a local fallback; ``parse`` is blocking (use ``aparse`` inside an event loop)."""

    def __init__(self, url: str, timeout: float, fallback: Interpreter, *, local_entities: bool = True) -> None:
        self._endpoint = url.rstrip("/") + "/model/parse"
        self._timeout = timeout
        self._fallback = fallback
        self._local_entities = local_entities

    def _finish(self, text: str, payload: Any, today: dt.date | None) -> ParseResult:
        result = to_parse_result(text, payload)
        if self._local_entities:
            result["entities"] = extract_entities(text[:MAX_CHARS], today or kz_today())
        return result

    def parse(self, text: str, *, today: dt.date | None = None) -> ParseResult:
        """Parse via Rasa (blocking, bounded by the timeout), else locally."""
        body = json.dumps({"text": text}).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's RASA_URL setting
            self._endpoint, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                return self._finish(text, json.loads(response.read()), today)
        except (OSError, ValueError, urllib.error.URLError) as exc:
            _log.warning("Rasa parse failed (%s); using the local model", type(exc).__name__)
        return self._fallback.parse(text, today=today)

    async def aparse(self, text: str, *, today: dt.date | None = None) -> ParseResult:
        """Parse via Rasa without blocking the event loop, else locally."""
        timeout = aiohttp.ClientTimeout(total=self._timeout)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.post(self._endpoint, json={"text": text}) as response,
            ):
                response.raise_for_status()
                return self._finish(text, await response.json(content_type=None), today)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            _log.warning("Rasa parse failed (%s); using the local model", type(exc).__name__)
        return self._fallback.parse(text, today=today)


def _score(item: Any) -> IntentScore:
    name = str(item.get("name") or OUT_OF_SCOPE)
    return IntentScore(name=name if name in INTENTS else OUT_OF_SCOPE, confidence=float(item.get("confidence", 0.0)))


def _entity(item: Any) -> Entity:
    return Entity(
        entity=str(item["entity"]),
        value=str(item.get("value", "")),
        start=int(item["start"]),
        end=int(item["end"]),
        extractor=str(item.get("extractor") or "rasa"),
    )


def to_parse_result(text: str, payload: Any) -> ParseResult:
    """Validate a Rasa response into our shape; ``ValueError`` when it is not one."""
    try:
        intent = _score(payload["intent"])
        ranking = [_score(item) for item in payload.get("intent_ranking") or [payload["intent"]]]
        entities = [_entity(item) for item in payload.get("entities") or []]
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a Rasa parse result: {exc}") from None
    return ParseResult(text=text, intent=intent, intent_ranking=ranking, entities=entities)
