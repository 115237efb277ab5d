"""Every article parses, renders for each date it applies to, and carries no typed tax figure."""

from __future__ import annotations

import datetime as dt

import pytest

from core.rules import parameters
from nlu.consult.articles import LANGS, Article, articles
from nlu.consult.figures import bare_figures
from nlu.consult.render import Renderer, placeholders

DATES = (dt.date(2024, 6, 1), dt.date(2025, 6, 1), dt.date(2026, 6, 1))
ALL = articles()


def test_at_least_forty_articles_with_unique_ids() -> None:
    assert len(ALL) >= 40
    assert len({a.id for a in ALL}) == len(ALL)


@pytest.mark.parametrize("article", ALL, ids=lambda a: a.id)
def test_article_shape(article: Article) -> None:
    for lang in LANGS:
        assert article.title[lang].strip()
        assert article.questions[lang], f"{article.id}: no {lang} questions"
        assert article.short(lang), f"{article.id}: no {lang} short answer"
        assert not article.short(lang).startswith(("-", "#")), f"{article.id}: short answer must be a paragraph"
    assert article.references


@pytest.mark.parametrize("article", ALL, ids=lambda a: a.id)
def test_renders_on_every_date_it_applies(article: Article) -> None:
    dates = [d for d in DATES if article.applies(d)]
    assert dates, f"{article.id} applies to none of {DATES}"
    for on in dates:
        for lang in LANGS:
            done = Renderer(parameters(), on, lang).render(article.body[lang])
            assert "{{" not in done.text
            assert "}}" not in done.text


@pytest.mark.parametrize("article", ALL, ids=lambda a: a.id)
def test_no_bare_tax_figures(article: Article) -> None:
    for lang in LANGS:
        for text in (article.title[lang], article.body[lang]):
            assert bare_figures(text) == [], f"{article.id} ({lang}): type figures as placeholders"


def test_placeholder_paths_exist() -> None:
    tree = parameters()
    missing = set()
    for article in ALL:
        for lang in LANGS:
            for body in placeholders(article.body[lang]):
                for raw in body.replace("*", " ").replace("+", " ").replace('"', " ").split():
                    token = raw.split("[", 1)[0]
                    if "." in token and "=" not in token and not token[0].isdigit() and token not in tree:
                        missing.add(token)
    assert not missing
