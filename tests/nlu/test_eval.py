"""The issue-5 targets on the held-out file (behaviour, not timing): intent accuracy and entity F1."""

from __future__ import annotations

import pytest

from nlu.data import BLIND_FILE, HELDOUT_FILE, load_text
from nlu.evaluate import Report, evaluate, evaluate_file, format_report
from nlu.interpreter import LocalInterpreter


@pytest.fixture(scope="module")
def report(interpreter: LocalInterpreter) -> Report:
    return evaluate_file(interpreter, HELDOUT_FILE)


def test_intent_accuracy_target(report: Report) -> None:
    assert report.examples >= 300
    assert report.intent_accuracy >= 0.95


@pytest.mark.parametrize("entity", ["amount", "period", "iin_bin"])
def test_entity_f1_target(report: Report, entity: str) -> None:
    assert report.entities[entity].f1 >= 0.95


def test_blind_set_meets_the_same_targets(interpreter: LocalInterpreter) -> None:
    blind = evaluate_file(interpreter, BLIND_FILE)
    assert blind.examples >= 200
    assert blind.intent_accuracy >= 0.95
    for entity in ("amount", "period", "iin_bin"):
        assert blind.entities[entity].f1 >= 0.95


def test_every_intent_recall_is_reasonable(report: Report) -> None:
    assert min(s.recall for s in report.intents.values()) >= 0.75


def test_report_counts_wrong_values_as_errors(interpreter: LocalInterpreter) -> None:
    data = load_text(
        'version: "3.1"\nnlu:\n- intent: record_income\n  examples: |\n'
        '    - пришло [200к]{"entity": "amount", "value": "1"}\n'
        '    - пришло [300к]{"entity": "amount", "value": "300000"}\n'
    )
    result = evaluate(interpreter, data.examples)
    assert result.intent_accuracy == 1.0
    assert result.entities["amount"].precision == 0.5
    assert result.entities["amount"].recall == 0.5
    assert len(result.errors) == 1
    assert "intent accuracy: 100.00%" in format_report(result)
