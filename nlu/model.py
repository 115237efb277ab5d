"""The intent classifier: TF-IDF over two feature streams → multinomial logistic regression (scikit-learn).

Training uses scikit-learn; prediction is a few numpy operations on the exported weights (a scikit-learn call per
message costs ~0.3 ms of input validation, more than the whole parse budget). The exported weights live in an
``.npz`` file under ``nlu/.cache/`` keyed by a hash of the training data and ``MODEL_VERSION``; it is loaded without
pickle, so a stale or foreign cache file can at worst be rebuilt, never executed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from nlu.data import Example, load_files, training_files
from nlu.entities import extract_entities
from nlu.features import features
from nlu.types import Entity

MODEL_VERSION = "4"
"""Bump when features or training change, so cached models are rebuilt."""

CACHE_DIR = Path(__file__).with_name(".cache")
TRAIN_TODAY = dt.date(2026, 1, 15)
"""Reference date for entity extraction while training (placeholders only; values do not matter)."""

_C = 50.0
_TOL = 1e-3
_WORD_WEIGHT = 0.6
_log = logging.getLogger(__name__)
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class Stream:
    """One feature stream: vocabulary → column, idf per column."""

    vocabulary: dict[str, int]
    idf: FloatArray
    weight: float

    def vector(self, grams: Sequence[str]) -> tuple[IntArray, FloatArray]:
        """Column indices and L2-normalised sublinear TF-IDF weights of the known grams."""
        counts: Counter[int | None] = Counter(map(self.vocabulary.get, grams))
        counts.pop(None, None)
        if not counts:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        columns = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = (1.0 + np.log(tf)) * self.idf[columns]
        norm = float(np.sqrt(values @ values))
        return columns, values * (self.weight / norm)


@dataclass(frozen=True)
class IntentModel:
    """Exported classifier: two streams, coefficient matrix (features × classes), intercepts, class names."""

    chars: Stream
    words: Stream
    coef: FloatArray
    intercept: FloatArray
    classes: tuple[str, ...]

    def probabilities(self, text: str, entities: Sequence[Entity]) -> FloatArray:
        """Softmax probabilities of every class, in ``classes`` order."""
        char_grams, word_grams = features(text, entities)
        c_cols, c_vals = self.chars.vector(char_grams)
        w_cols, w_vals = self.words.vector(word_grams)
        offset = len(self.chars.vocabulary)
        scores = self.intercept.copy()
        if c_cols.size:
            scores += c_vals @ self.coef[c_cols]
        if w_cols.size:
            scores += w_vals @ self.coef[w_cols + offset]
        scores -= scores.max()
        exp = np.exp(scores)
        result: FloatArray = exp / exp.sum()
        return result


def _fit_stream(docs: list[list[str]], weight: float) -> tuple[Stream, Any]:
    vocabulary: dict[str, int] = {}
    for doc in docs:
        for gram in doc:
            vocabulary.setdefault(gram, len(vocabulary))
    df = np.zeros(len(vocabulary))
    for doc in docs:
        for gram in set(doc):
            df[vocabulary[gram]] += 1
    idf = np.log((1 + len(docs)) / (1 + df)) + 1.0
    stream = Stream(vocabulary, idf, weight)
    rows, cols, vals = [], [], []
    for i, doc in enumerate(docs):
        columns, values = stream.vector(doc)
        rows.extend([i] * len(columns))
        cols.extend(columns.tolist())
        vals.extend(values.tolist())
    from scipy import sparse  # training only: loading a cached model needs neither scipy nor scikit-learn

    matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(len(docs), len(vocabulary)))
    return stream, matrix


def train(examples: Sequence[Example]) -> IntentModel:
    """Fit the classifier on examples (deterministic: same data, same order → same model)."""
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    streams = [features(ex.text, extract_entities(ex.text, TRAIN_TODAY)) for ex in examples]
    chars, char_matrix = _fit_stream([s[0] for s in streams], 1.0)
    words, word_matrix = _fit_stream([s[1] for s in streams], _WORD_WEIGHT)
    matrix = sparse.hstack([char_matrix, word_matrix]).tocsr()
    labels = [ex.intent for ex in examples]
    # saga: lbfgs needs several seconds on this problem; saga converges in well under one. Fixed seed → same model.
    classifier = LogisticRegression(C=_C, solver="saga", max_iter=300, tol=_TOL, random_state=0)
    classifier.fit(matrix, labels)
    return IntentModel(
        chars=chars,
        words=words,
        coef=np.ascontiguousarray(classifier.coef_.T, dtype=np.float64),
        intercept=np.asarray(classifier.intercept_, dtype=np.float64),
        classes=tuple(str(c) for c in classifier.classes_),
    )


def data_hash(paths: Sequence[Path]) -> str:
    """Hash of the training files, ``MODEL_VERSION``, the lexicons and the code that turns text into features."""
    digest = hashlib.sha256(MODEL_VERSION.encode())
    here = Path(__file__).parent
    lexicons = sorted((here / "lexicons").glob("*.yml"))
    code = [here / "model.py", here / "features.py", here / "text.py", *sorted((here / "entities").glob("*.py"))]
    for path in [*paths, *lexicons, *code]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _save(model: IntentModel, path: Path) -> None:
    def vocab_array(stream: Stream) -> npt.NDArray[np.str_]:
        return np.array(sorted(stream.vocabulary, key=stream.vocabulary.__getitem__), dtype=np.str_)

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")  # one per process: parallel test runs build too
    np.savez(
        tmp,
        chars=vocab_array(model.chars),
        char_idf=model.chars.idf,
        words=vocab_array(model.words),
        word_idf=model.words.idf,
        weights=np.array([model.chars.weight, model.words.weight]),
        coef=model.coef,
        intercept=model.intercept,
        classes=np.array(model.classes, dtype=np.str_),
    )
    tmp.replace(path)


def _load(path: Path) -> IntentModel:
    with np.load(path, allow_pickle=False) as data:
        weights = data["weights"]
        chars = Stream({str(g): i for i, g in enumerate(data["chars"])}, data["char_idf"], float(weights[0]))
        words = Stream({str(g): i for i, g in enumerate(data["words"])}, data["word_idf"], float(weights[1]))
        return IntentModel(
            chars=chars,
            words=words,
            coef=np.ascontiguousarray(data["coef"]),
            intercept=data["intercept"],
            classes=tuple(str(c) for c in data["classes"]),
        )


def build(data_dir: Path | None = None, cache_dir: Path | None = CACHE_DIR) -> IntentModel:
    """Load the cached model for the current data, or train and cache it (cache errors only cost a rebuild)."""
    paths = training_files(data_dir) if data_dir else training_files()
    key = data_hash(paths)
    cached = cache_dir / f"intent-{key}.npz" if cache_dir else None
    if cached is not None and cached.exists():
        try:
            return _load(cached)
        except (OSError, ValueError, KeyError) as exc:
            _log.warning("rebuilding NLU model, cache unreadable: %s", exc)
    model = train(load_files(paths).examples)
    if cached is not None:
        try:
            _save(model, cached)
            for stale in cached.parent.glob("intent-*.npz"):  # older data versions are never read again
                if stale != cached and ".tmp." not in stale.name:
                    stale.unlink(missing_ok=True)
        except OSError as exc:
            _log.warning("cannot cache NLU model: %s", exc)
    return model


@lru_cache(maxsize=1)
def default_model() -> IntentModel:
    """The process-wide model built from ``nlu/data``."""
    return build()
