"""The consultation target: top-1 article accuracy ≥ 90 % on held-out questions, hand-off when off-topic."""

from __future__ import annotations

import yaml

from nlu.consult.articles import LANGS, articles
from nlu.consult.evaluate import HELDOUT, evaluate
from nlu.consult.text import words


def test_heldout_is_big_enough_and_labelled_with_real_articles() -> None:
    data = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    ids = {a.id for a in articles()}
    assert len(data["questions"]) >= 120
    assert {item["article"] for item in data["questions"]} <= ids


def test_heldout_questions_are_not_copies_of_article_questions() -> None:
    seen = {tuple(words(q)) for a in articles() for lang in LANGS for q in a.questions[lang]}
    data = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    copies = [item["q"] for item in data["questions"] if tuple(words(item["q"])) in seen]
    assert copies == []


def test_top1_accuracy_target() -> None:
    report = evaluate()
    assert report.accuracy >= 0.9, report.misses
    assert report.none_handed_off == report.none_total
