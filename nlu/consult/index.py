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
from scipy import sparse

from nlu.consult.articles import LANGS, Article, articles
from nlu.consult.render import strip_placeholders
from nlu.consult.text import char_grams, terms

OUT_OF_PERIOD = 0.85  # an article about other years still answers, but loses to the one in force
UNIT_WEIGHT = 0.7  # best example phrasing vs the whole article text
WORD_WEIGHT = 0.5  # word terms vs character n-grams inside a unit
Analyzer = Callable[[str], list[str]]


class _Space:
    """A TF-IDF vector space (sublinear tf, smoothed idf, L2-normalised rows) over one analyzer."""

    def __init__(self, analyzer: Analyzer, texts: Sequence[str]) -> None:
        self.analyzer = analyzer
        counts = [Counter(analyzer(t)) for t in texts]
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        self.vocab = {term: i for i, term in enumerate(sorted(df))}
        n = len(texts)
        self.idf = np.array([math.log((1 + n) / (1 + df[t])) + 1 for t in sorted(df)])
        self.matrix = sparse.vstack([self._vector(c) for c in counts]).tocsr() if texts else None

    def _vector(self, counts: Counter[str]) -> sparse.csr_matrix:
        items = [(self.vocab[t], (1 + math.log(k)) * self.idf[self.vocab[t]]) for t, k in counts.items() if t in self.vocab]
        if not items:
            return sparse.csr_matrix((1, len(self.vocab)))
        cols, vals = zip(*items, strict=True)
        row = np.asarray(vals, dtype=float)
        row /= np.linalg.norm(row)
        return sparse.csr_matrix((row, ([0] * len(cols), cols)), shape=(1, len(self.vocab)))

    def similarity(self, text: str) -> np.ndarray:
        """Cosine similarity of ``text`` with every row."""
        assert self.matrix is not None
        return np.asarray((self.matrix @ self._vector(Counter(self.analyzer(text))).T).todense()).ravel()


def _unit_texts(article: Article) -> list[str]:
    return [article.title[lang] for lang in LANGS] + [q for lang in LANGS for q in article.questions[lang]]


def _doc_text(article: Article) -> str:
    parts: Iterable[str] = (*_unit_texts(article), " ".join(article.tags), *article.body.values())
    return strip_placeholders(" ".join(parts))


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
        self._docs = _Space(terms, [_doc_text(a) for a in self.articles])

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
        if on is not None:
            scores = scores * np.asarray([1.0 if a.applies(on) else OUT_OF_PERIOD for a in self.articles])
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], self.articles[i].id))
        return [Hit(self.articles[i], float(scores[i])) for i in order[:limit]]


@lru_cache(maxsize=1)
def index() -> Index:
    """The knowledge-base index, built once per process."""
    return Index(articles())
