"""The shipped lemma table covers the knowledge base (regenerate: python -m nlu.consult.lemmas)."""

from __future__ import annotations

from nlu.consult.lemmas import kb_words, table
from nlu.consult.text import morph_lemma


def test_table_covers_every_russian_word_of_the_base() -> None:
    missing = sorted(kb_words() - set(table()))
    assert missing == [], "run: .venv/bin/python -m nlu.consult.lemmas"


def test_table_agrees_with_pymorphy_on_a_sample() -> None:
    sample = sorted(table())[::100]
    assert sample
    assert all(table()[w] == morph_lemma(w) for w in sample)
