"""The parse result in the Rasa ``/model/parse`` shape, and the closed list of intent and entity names."""

from __future__ import annotations

from typing import TypedDict

INTENTS: tuple[str, ...] = (
    "greet",
    "help",
    "record_income",
    "record_expense",
    "show_taxes",
    "pay_taxes",
    "file_declaration",
    "show_deadlines",
    "show_income",
    "create_document",
    "check_notices",
    "register_business",
    "add_employee",
    "ask_question",
    "subscription",
    "delete_data",
    "change_language",
    "affirm",
    "deny",
    "out_of_scope",
)
"""Intent names (a stable contract with the dialogs)."""

ENTITIES: tuple[str, ...] = (
    "amount",
    "period",
    "date",
    "counterparty",
    "iin_bin",
    "document_type",
    "tax_type",
    "form",
    "language",
)
"""Entity names (a stable contract with the dialogs)."""

OUT_OF_SCOPE = "out_of_scope"


class IntentScore(TypedDict):
    """One intent with its confidence (0…1)."""

    name: str
    confidence: float


class Entity(TypedDict):
    """One entity: normalised ``value`` and character offsets ``[start, end)`` into the original text."""

    entity: str
    value: str
    start: int
    end: int
    extractor: str


class ParseResult(TypedDict):
    """What ``Interpreter.parse`` returns — the Rasa ``/model/parse`` response shape."""

    text: str
    intent: IntentScore
    intent_ranking: list[IntentScore]
    entities: list[Entity]
