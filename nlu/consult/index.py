"""Retrieval index over the knowledge base: TF-IDF on lemmas/stems and on character n-grams, both languages.

Each article contributes *units* — its titles and typical questions (ru and kk) — and one *document* (everything,
body included). A question scores an article by its best-matching unit (nearest example phrasing, word and
character similarity averaged) blended with the document similarity. Character 3–4-grams make it tolerant to
typos and to Kazakh endings the light stemmer misses. Built once per process; a query is two sparse products.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from nlu.consult.articles import LANGS, Article, articles
from nlu.consult.lexicon import DOMAIN
from nlu.consult.render import strip_placeholders
from nlu.consult.text import char_grams, terms
from nlu.consult.words import wordlist

OFF_DOMAIN = 0.2  # no tax word at all ("погода в Алматы"): shared small talk must not look like an answer
OUT_OF_PERIOD = 0.6  # an article about other years still answers (patent, retail tax) but yields to the one in force
UNIT_WEIGHT = 0.6  # best example phrasing vs the whole article text
WORD_WEIGHT = 0.3  # word terms vs character n-grams inside a unit (grid 0.3–0.7 on the first held-out part)
Analyzer = Callable[[str], list[str]]
# Form numbers and the payment abbreviations decide most questions ("форма 200", "ЖМЗЖ неше пайыз"), while the
# words around them ("сроки сдачи", "сколько процентов") are shared by many articles: weigh them up.
_ABBREVIATIONS = frozenset(wordlist("опв опвр со осмс восмс оосмс ндс эсф оур мрп мзп ипн тис кбк кнп есутд"))
NUMBER_BOOST = 2.0
ABBREVIATION_BOOST = 1.5


def _boost(term: str) -> float:
    if term.isdigit() and len(term) == 3:  # form numbers (910, 200, 220), not "15 процентов"
        return NUMBER_BOOST
    return ABBREVIATION_BOOST if term in _ABBREVIATIONS else 1.0


class _Space:
    """A TF-IDF space (sublinear tf, smoothed idf, L2-normalised rows) kept as postings: term → (rows, weights).

    A query touches only its own terms, so scoring costs a few numpy additions, whatever the size of the base.
    """

    def __init__(self, analyzer: Analyzer, texts: Sequence[str]) -> None:
        self.analyzer = analyzer
        self.size = len(texts)
        counts = [Counter(analyzer(t)) for t in texts]
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        self.idf = {t: (math.log((1 + self.size) / (1 + k)) + 1) * _boost(t) for t, k in df.items()}
        rows: dict[str, list[tuple[int, float]]] = {}
        for row, c in enumerate(counts):
            weights = {t: (1 + math.log(k)) * self.idf[t] for t, k in c.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for t, w in weights.items():
                rows.setdefault(t, []).append((row, w / norm))
        self.postings = {
            t: (np.fromiter((r for r, _ in items), dtype=np.intp), np.fromiter((w for _, w in items), dtype=float))
            for t, items in rows.items()
        }

    def similarity(self, text: str) -> np.ndarray:
        """Cosine similarity of ``text`` with every row (terms unknown to the base are ignored)."""
        counts = Counter(self.analyzer(text))
        weights = {t: (1 + math.log(k)) * self.idf[t] for t, k in counts.items() if t in self.idf}
        out = np.zeros(self.size)
        norm = math.sqrt(sum(w * w for w in weights.values()))
        if not norm:
            return out
        for term, weight in weights.items():
            rows, values = self.postings[term]
            out[rows] += values * (weight / norm)
        return out


def _unit_texts(article: Article) -> list[str]:
    return [article.title[lang] for lang in LANGS] + [q for lang in LANGS for q in article.questions[lang]]


_PART = "\x1e"  # separates the per-language parts of a document, each analysed in its own language


def _doc_text(article: Article) -> str:
    parts: list[str] = [" ".join(article.tags)]
    for lang in LANGS:
        texts: Iterable[str] = (article.title[lang], *article.questions[lang], article.body[lang])
        parts.append(strip_placeholders(" ".join(texts)))
    return _PART.join(parts)


def _doc_terms(text: str) -> list[str]:
    if _PART not in text:  # a question
        return terms(text)
    tags, *langs = text.split(_PART)
    out = terms(tags, "ru")
    for lang, part in zip(LANGS, langs, strict=True):
        out.extend(terms(part, lang))
    return out


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked article with its score in [0, 1]."""

    article: Article
    score: float


class Index:
    """Ranks articles for a question."""

    def __init__(self, items: Sequence[Article]) -> None:
        self.articles = tuple(items)
        units: list[str] = []
        starts: list[int] = []
        for article in self.articles:
            starts.append(len(units))
            units.extend(_unit_texts(article))
        self._starts = np.asarray(starts)
        self._unit_words = _Space(terms, units)
        self._unit_chars = _Space(char_grams, units)
        self._docs = _Space(_doc_terms, [_doc_text(a) for a in self.articles])

    def scores(self, question: str) -> np.ndarray:
        """Score of every article (same order as ``self.articles``)."""
        unit = WORD_WEIGHT * self._unit_words.similarity(question) + (1 - WORD_WEIGHT) * self._unit_chars.similarity(
            question
        )
        best_unit = np.maximum.reduceat(unit, self._starts)
        return UNIT_WEIGHT * best_unit + (1 - UNIT_WEIGHT) * self._docs.similarity(question)

    def rank(self, question: str, on: dt.date | None = None, limit: int = 5) -> list[Hit]:
        """The best ``limit`` articles for the rules in force ``on``, best first (ties broken by id)."""
        scores = self.scores(question)
        if not any(t in DOMAIN for t in terms(question)):
            scores = scores * OFF_DOMAIN
        if on is not None:
            scores = scores * np.asarray([1.0 if a.applies(on) else OUT_OF_PERIOD for a in self.articles])
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], self.articles[i].id))
        return [Hit(self.articles[i], float(scores[i])) for i in order[:limit]]


@lru_cache(maxsize=1)
def shared_index() -> Index:
    """The knowledge-base index, built once per process."""
    return Index(articles())
