"""The ``Interpreter`` protocol and the local implementation (rules for entities, the trained model for intents)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Protocol, runtime_checkable

from nlu.entities import extract_entities
from nlu.features import MAX_CHARS
from nlu.model import IntentModel, default_model
from nlu.types import OUT_OF_SCOPE, Entity, IntentScore, ParseResult

CONFIDENCE_THRESHOLD = 0.3
"""Below this top-intent probability the intent is ``out_of_scope`` (the dialog asks a clarifying question).

Accuracy plateaus over 0.25–0.35 on both evaluation sets (table in docs/nlu.md); 0.3 is its upper end, since a
clarifying question costs less than starting the wrong flow.
"""

# Kazakhstan keeps one time zone, UTC+5, since 2024-03-01: "вчера" at 01:00 in Almaty is not the server's yesterday.
KZ_TZ = dt.timezone(dt.timedelta(hours=5), "Asia/Almaty")
_log = logging.getLogger(__name__)
_SYMBOL_INTENTS = frozenset({"affirm", "deny", "greet"})  # 👍 ✅ 👎 ❌ 👋 carry meaning without letters


def kz_today() -> dt.date:
    """Today's date in Kazakhstan (the default reference date of a parse)."""
    return dt.datetime.now(KZ_TZ).date()


@runtime_checkable
class Interpreter(Protocol):
    """Turns one user message into a Rasa-shaped parse result; never raises on any string."""

    def parse(self, text: str, *, today: dt.date | None = None) -> ParseResult:
        """Parse ``text``; relative dates and periods resolve against ``today`` (default: today in Kazakhstan)."""
        ...


def _out_of_scope(text: str, entities: list[Entity], ranking: list[IntentScore], confidence: float) -> ParseResult:
    top = IntentScore(name=OUT_OF_SCOPE, confidence=confidence)
    rest = [r for r in ranking if r["name"] != OUT_OF_SCOPE]
    return ParseResult(text=text, intent=top, intent_ranking=[top, *rest], entities=entities)


class LocalInterpreter:
    """Offline interpreter: the scikit-learn model built from ``nlu/data`` plus rule-based entity extractors."""

    def __init__(self, model: IntentModel | None = None, threshold: float = CONFIDENCE_THRESHOLD) -> None:
        self._model = model or default_model()
        self._threshold = threshold

    def parse(self, text: str, *, today: dt.date | None = None) -> ParseResult:
        """Parse one message (robust to empty, emoji-only and very long text)."""
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        on = today or kz_today()
        try:
            return self._parse(text, on)
        except Exception:  # a parse must never break a dialog
            _log.exception("NLU parse failed; answering out_of_scope")
            return _out_of_scope(text, [], [], 1.0)

    def _parse(self, text: str, today: dt.date) -> ParseResult:
        entities = extract_entities(text[:MAX_CHARS], today)
        probabilities = self._model.probabilities(text, entities)
        order = probabilities.argsort()[::-1].tolist()
        rounded = probabilities.round(4).tolist()
        classes = self._model.classes
        ranking = [IntentScore(name=classes[i], confidence=rounded[i]) for i in order]
        if not any(ch.isalnum() for ch in text) and ranking[0]["name"] not in _SYMBOL_INTENTS:
            return _out_of_scope(text, entities, [], 1.0)  # nothing to rank: no "did you mean" for "…" or "🙂"
        if ranking[0]["confidence"] < self._threshold:
            return _out_of_scope(text, entities, ranking, self._threshold)
        return ParseResult(text=text, intent=ranking[0], intent_ranking=ranking, entities=entities)
