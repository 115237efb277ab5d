"""Evaluate an interpreter on a Rasa YAML file: intent accuracy, per-intent precision/recall, per-entity F1.

An entity counts as correct when the name and the normalised value match a gold annotation and the spans overlap
(span edges are a matter of taste — "150 000 тг" or "150 000" — the value is what the dialogs use).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlu.data import Annotation, Example, load_files
from nlu.interpreter import Interpreter
from nlu.types import Entity

EVAL_TODAY = dt.date(2026, 11, 25)
"""The reference date the held-out file's relative dates and periods were written against."""


@dataclass(frozen=True, slots=True)
class Scores:
    """Precision, recall and F1 of one label, with its gold count."""

    precision: float
    recall: float
    f1: float
    support: int

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, "support": self.support}


@dataclass(slots=True)
class Report:
    """The outcome of an evaluation."""

    examples: int
    intent_accuracy: float
    intents: dict[str, Scores]
    entities: dict[str, Scores]
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (the ``--json`` output of ``asistent nlu eval``)."""
        return {
            "examples": self.examples,
            "intent_accuracy": self.intent_accuracy,
            "intents": {k: v.as_dict() for k, v in self.intents.items()},
            "entities": {k: v.as_dict() for k, v in self.entities.items()},
            "errors": self.errors,
        }


def _scores(tp: int, fp: int, fn: int) -> Scores:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(round(precision, 4), round(recall, 4), round(f1, 4), tp + fn)


def _matches(gold: Annotation, found: Entity) -> bool:
    return (
        gold.entity == found["entity"]
        and gold.value == found["value"]
        and gold.start < found["end"]
        and found["start"] < gold.end
    )


def _entity_counts(example: Example, found: Sequence[Entity], counts: dict[str, Counter[str]]) -> bool:
    unmatched = list(found)
    perfect = True
    for gold in example.entities:
        hit = next((f for f in unmatched if _matches(gold, f)), None)
        if hit is None:
            counts[gold.entity]["fn"] += 1
            perfect = False
        else:
            unmatched.remove(hit)
            counts[gold.entity]["tp"] += 1
    for extra in unmatched:
        counts[extra["entity"]]["fp"] += 1
        perfect = False
    return perfect


def evaluate(interpreter: Interpreter, examples: Sequence[Example], today: dt.date = EVAL_TODAY) -> Report:
    """Parse every example and compare with the gold intent and entities."""
    intent_counts: dict[str, Counter[str]] = {}
    entity_counts: dict[str, Counter[str]] = {}
    errors: list[dict[str, Any]] = []
    correct = 0
    for example in examples:
        result = interpreter.parse(example.text, today=today)
        predicted = result["intent"]["name"]
        intent_counts.setdefault(example.intent, Counter())
        intent_counts.setdefault(predicted, Counter())
        if predicted == example.intent:
            correct += 1
            intent_counts[predicted]["tp"] += 1
        else:
            intent_counts[predicted]["fp"] += 1
            intent_counts[example.intent]["fn"] += 1
        for name in {a.entity for a in example.entities} | {e["entity"] for e in result["entities"]}:
            entity_counts.setdefault(name, Counter())
        entities_ok = _entity_counts(example, result["entities"], entity_counts)
        if predicted != example.intent or not entities_ok:
            errors.append(
                _error(example, result["intent"]["name"], result["intent"]["confidence"], result["entities"])
            )
    return Report(
        examples=len(examples),
        intent_accuracy=round(correct / len(examples), 4) if examples else 0.0,
        intents={k: _scores(c["tp"], c["fp"], c["fn"]) for k, c in sorted(intent_counts.items())},
        entities={k: _scores(c["tp"], c["fp"], c["fn"]) for k, c in sorted(entity_counts.items())},
        errors=errors,
    )


def _error(example: Example, predicted: str, confidence: float, found: Sequence[Entity]) -> dict[str, Any]:
    return {
        "text": example.text,
        "intent": example.intent,
        "predicted": predicted,
        "confidence": confidence,
        "gold_entities": [[a.entity, a.value] for a in example.entities],
        "entities": [[e["entity"], e["value"]] for e in found],
    }


def evaluate_file(interpreter: Interpreter, path: Path, today: dt.date = EVAL_TODAY) -> Report:
    """Evaluate on one Rasa YAML file (``DataError`` when it cannot be read)."""
    return evaluate(interpreter, load_files([path]).examples, today)


def format_report(report: Report) -> str:
    """Plain-text report: accuracy, a per-intent table and a per-entity table."""
    lines = [f"examples: {report.examples}", f"intent accuracy: {report.intent_accuracy:.2%}", ""]
    lines.append(f"{'intent':<20} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>7}")
    lines.extend(_row(name, s) for name, s in report.intents.items())
    lines.append("")
    lines.append(f"{'entity':<20} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>7}")
    lines.extend(_row(name, s) for name, s in report.entities.items())
    return "\n".join(lines)


def _row(name: str, s: Scores) -> str:
    return f"{name:<20} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.support:>7}"
