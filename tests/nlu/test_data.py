"""The Rasa 3 YAML reader and the training and held-out files themselves."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml

from nlu.data import BLIND_FILE, HELDOUT_FILE, DataError, load_files, load_text, parse_example, training_files
from nlu.types import ENTITIES, INTENTS


def test_annotation_forms() -> None:
    example = parse_example(
        'пришло [200к]{"entity": "amount", "value": "200000"} от [Альфы](counterparty) за [октябрь](period:2026-10)',
        "record_income",
    )
    assert example.text == "пришло 200к от Альфы за октябрь"
    spans = [(a.entity, a.value, example.text[a.start : a.end]) for a in example.entities]
    assert spans == [
        ("amount", "200000", "200к"),
        ("counterparty", "Альфы", "Альфы"),
        ("period", "2026-10", "октябрь"),
    ]


def test_synonym_lookup_regex_blocks() -> None:
    data = load_text(
        'version: "3.1"\nnlu:\n- synonym: simplified\n  examples: |\n    - упрощёнка\n'
        "- lookup: month\n  examples: |\n    - шілде\n- regex: iin\n  examples: |\n    - \\d{12}\n"
    )
    assert data.synonyms == {"упрощёнка": "simplified"}
    assert data.lookups == {"month": ["шілде"]}
    assert data.regexes == {"iin": ["\\d{12}"]}


@pytest.mark.parametrize(
    "text",
    [
        "nlu: 3",
        "- a\n- b",
        "nlu:\n- intent: x\n  examples: 5",
        "nlu:\n- intent: x\n  examples: |\n    no dash\n",
        ": :",
    ],
)
def test_bad_files_raise_data_error(text: str) -> None:
    with pytest.raises(DataError):
        load_text(text)


def test_training_files_are_rasa_3() -> None:
    for path in training_files():
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert doc["version"] == "3.1", path


def test_every_intent_is_trained_and_known() -> None:
    counts = Counter(ex.intent for ex in load_files(training_files()).examples)
    assert set(counts) == set(INTENTS)
    assert min(counts.values()) >= 30


def test_heldout_has_15_per_intent_and_known_entities() -> None:
    examples = load_files([HELDOUT_FILE]).examples
    counts = Counter(ex.intent for ex in examples)
    assert set(counts) == set(INTENTS)
    assert min(counts.values()) >= 15
    assert {a.entity for ex in examples for a in ex.entities} <= set(ENTITIES)


def test_heldout_is_never_trained_on() -> None:
    def key(text: str) -> str:
        return " ".join(text.lower().replace("ё", "е").split())

    trained = {key(ex.text) for ex in load_files(training_files()).examples}
    for path in (HELDOUT_FILE, BLIND_FILE):
        held = [key(ex.text) for ex in load_files([path]).examples]
        assert [text for text in held if text in trained] == [], path
        assert path not in training_files()


def test_rasa_domain_matches_the_contract() -> None:
    from pathlib import Path

    import nlu

    domain = yaml.safe_load((Path(nlu.__file__).parent / "rasa" / "domain.yml").read_text(encoding="utf-8"))
    assert tuple(domain["intents"]) == INTENTS
    assert tuple(domain["entities"]) == ENTITIES
