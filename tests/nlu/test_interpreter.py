"""The parse result: Rasa shape, the closed intent list, the out-of-scope threshold, robustness."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nlu import INTENTS, Interpreter, LocalInterpreter, get_interpreter
from nlu.model import build
from tests.nlu.conftest import TODAY


def test_rasa_parse_shape(interpreter: LocalInterpreter) -> None:
    result = interpreter.parse("пришло 200к от Альфы", today=TODAY)
    assert set(result) == {"text", "intent", "intent_ranking", "entities"}
    assert result["text"] == "пришло 200к от Альфы"
    assert set(result["intent"]) == {"name", "confidence"}
    assert result["intent"]["name"] == "record_income"
    assert 0.0 <= result["intent"]["confidence"] <= 1.0
    ranking = result["intent_ranking"]
    assert ranking[0] == result["intent"]
    assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)
    assert {r["name"] for r in ranking} == set(INTENTS)
    for entity in result["entities"]:
        assert set(entity) == {"entity", "value", "start", "end", "extractor"}
    assert [(e["entity"], e["value"]) for e in result["entities"]] == [("amount", "200000"), ("counterparty", "Альфа")]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("пришло 200к от Альфы", "record_income"),
        ("салық қанша?", "show_taxes"),
        ("сдай 910 за первое полугодие", "file_declaration"),
        ("привет", "greet"),
        ("да", "affirm"),
        ("жоқ", "deny"),
        ("👍", "affirm"),
        ("переключи на казахский", "change_language"),
        ("салык канша", "show_taxes"),
    ],
)
def test_issue_examples(interpreter: LocalInterpreter, text: str, intent: str) -> None:
    assert interpreter.parse(text, today=TODAY)["intent"]["name"] == intent


def test_below_threshold_is_out_of_scope() -> None:
    strict = LocalInterpreter(threshold=0.999999)
    result = strict.parse("нанял бухгалтера, наверное", today=TODAY)
    assert result["intent"] == {"name": "out_of_scope", "confidence": 0.999999}
    assert result["intent_ranking"][0]["name"] == "out_of_scope"
    assert len({r["name"] for r in result["intent_ranking"]}) == len(result["intent_ranking"])


def test_unrelated_chatter_is_out_of_scope(interpreter: LocalInterpreter) -> None:
    assert interpreter.parse("какая погода будет в выходные", today=TODAY)["intent"]["name"] == "out_of_scope"


@pytest.mark.parametrize(
    "text", ["", "   ", "🙂🙂🙂", "\n\t", "?!", "\x00\x01", "İİİ", "a" * 5000, "пришло 200к " * 500]
)
def test_never_raises(interpreter: LocalInterpreter, text: str) -> None:
    result = interpreter.parse(text, today=TODAY)
    assert result["text"] == text
    assert result["intent"]["name"] in INTENTS
    for entity in result["entities"]:
        assert 0 <= entity["start"] < entity["end"] <= len(text)


def test_empty_and_emoji_only_are_out_of_scope(interpreter: LocalInterpreter) -> None:
    for text in ("", "🙂🙂", "..."):
        result = interpreter.parse(text)
        assert result["intent"] == {"name": "out_of_scope", "confidence": 1.0}
        assert result["intent_ranking"] == [result["intent"]]


def test_offsets_survive_case_folding(interpreter: LocalInterpreter) -> None:
    text = "İ пришло 200к"
    amounts = [e for e in interpreter.parse(text, today=TODAY)["entities"] if e["entity"] == "amount"]
    assert [text[e["start"] : e["end"]] for e in amounts] == ["200к"]


def test_default_today_is_kazakhstan_date(interpreter: LocalInterpreter) -> None:
    entities = interpreter.parse("вчера пришло 5000")["entities"]
    almaty_today = dt.datetime.now(dt.timezone(dt.timedelta(hours=5))).date()
    assert entities[0]["value"] == (almaty_today - dt.timedelta(days=1)).isoformat()


def test_protocol_and_default_interpreter() -> None:
    assert isinstance(LocalInterpreter(), Interpreter)
    assert isinstance(get_interpreter(), Interpreter)


def test_model_cache_round_trip(tmp_path: Path) -> None:
    built = build(cache_dir=tmp_path)
    assert len(list(tmp_path.glob("intent-*.npz"))) == 1
    loaded = build(cache_dir=tmp_path)
    text = "сколько налогов за прошлый месяц"
    a = LocalInterpreter(built).parse(text, today=TODAY)
    b = LocalInterpreter(loaded).parse(text, today=TODAY)
    assert a == b


def test_corrupt_cache_is_rebuilt(tmp_path: Path) -> None:
    build(cache_dir=tmp_path)
    (cached,) = tmp_path.glob("intent-*.npz")
    cached.write_bytes(b"not a model")
    model = build(cache_dir=tmp_path)
    assert LocalInterpreter(model).parse("привет")["intent"]["name"] == "greet"


def test_entity_readers(interpreter: LocalInterpreter) -> None:
    from nlu import entity_values, first_value

    result = interpreter.parse("5 млн 200 тыс и 300к от ТОО Альфа", today=TODAY)
    assert entity_values(result, "amount") == ["5200000", "300000"]
    assert first_value(result, "counterparty") == "ТОО Альфа"
    assert first_value(result, "period") is None


def test_alternatives_for_a_clarifying_question() -> None:
    from nlu import alternatives

    result = LocalInterpreter(threshold=0.999999).parse("налог", today=TODAY)
    offered = alternatives(result)
    assert result["intent"]["name"] == "out_of_scope"
    assert 1 <= len(offered) <= 3
    assert "out_of_scope" not in offered
    assert set(offered) <= {"show_taxes", "pay_taxes", "ask_question", "show_deadlines", "file_declaration"}
