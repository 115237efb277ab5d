"""Small readers of a parse result for the dialogs: the values of one entity, the first one."""

from __future__ import annotations

from nlu.types import ParseResult


def entity_values(result: ParseResult, entity: str) -> list[str]:
    """Normalised values of ``entity`` in text order (``[]`` when absent)."""
    return [e["value"] for e in result["entities"] if e["entity"] == entity]


def first_value(result: ParseResult, entity: str) -> str | None:
    """The first value of ``entity``, or ``None``."""
    values = entity_values(result, entity)
    return values[0] if values else None


def alternatives(result: ParseResult, limit: int = 3, floor: float = 0.05) -> list[str]:
    """Intents worth offering as "did you mean" buttons after ``out_of_scope``: the best ranked, above ``floor``."""
    return [r["name"] for r in result["intent_ranking"] if r["name"] != "out_of_scope" and r["confidence"] >= floor][
        :limit
    ]
