"""Natural-language understanding: intents, entities, training data (Rasa 3 YAML), consultation knowledge base."""

from __future__ import annotations

from functools import lru_cache

from nlu.interpreter import CONFIDENCE_THRESHOLD, Interpreter, LocalInterpreter
from nlu.result import alternatives, entity_values, first_value
from nlu.types import ENTITIES, INTENTS, Entity, IntentScore, ParseResult

__all__ = [
    "CONFIDENCE_THRESHOLD",
    "ENTITIES",
    "INTENTS",
    "Entity",
    "IntentScore",
    "Interpreter",
    "LocalInterpreter",
    "ParseResult",
    "alternatives",
    "entity_values",
    "first_value",
    "get_interpreter",
]


@lru_cache(maxsize=1)
def get_interpreter() -> Interpreter:
    """The process-wide interpreter: Rasa over HTTP when ``RASA_URL`` is set (local fallback), else local."""
    from core.settings import get_settings

    settings = get_settings()
    local = LocalInterpreter()
    if settings.RASA_URL:
        from nlu.rasa_http import RasaHttpInterpreter

        return RasaHttpInterpreter(settings.RASA_URL, settings.RASA_TIMEOUT_SECONDS, local)
    return local
