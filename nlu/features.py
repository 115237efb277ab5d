"""What the intent classifier sees: text with entity spans replaced by their names, char n-grams and lemma n-grams.

Replacing "200к" or "ТОО Альфа" by ``#amount#`` / ``#counterparty#`` lets one training line stand for every amount
and name. Lexicon entities (tax, document, language) keep their words — those words are what tells intents apart —
and add an ``ent:<name>`` token.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import yaml

from nlu.text import lemma, normalise
from nlu.types import Entity

MAX_CHARS = 2000
"""Entities are looked for in the first ``MAX_CHARS`` characters (a 5 000-character paste parses in milliseconds)."""
CLASSIFY_CHARS = 400
"""The intent is decided on the first ``CLASSIFY_CHARS`` characters: what a message is about comes first."""

_REPLACED = frozenset({"amount", "date", "period", "iin_bin", "counterparty", "form"})
_CHAR_NGRAMS = (2, 5)
_TOKEN = re.compile(r"#\w+#|[^\W\d_]+|\d+", re.UNICODE)
_EMOJI_FILE = Path(__file__).with_name("lexicons") / "emoji.yml"


@lru_cache(maxsize=1)
def _emoji() -> dict[str, str]:
    raw = yaml.safe_load(_EMOJI_FILE.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in raw.items()}


def classifier_text(text: str, entities: Sequence[Entity]) -> str:
    """Normalised text with replaced entity spans, digits as ``0`` and known emoji as words."""
    parts: list[str] = []
    pos = 0
    for ent in entities:
        if ent["entity"] not in _REPLACED or ent["start"] < pos:
            continue
        parts.append(text[pos : ent["start"]])
        parts.append(f" #{ent['entity']}# ")
        pos = ent["end"]
    parts.append(text[pos:])
    joined = normalise("".join(parts))
    for symbol, word in _emoji().items():
        if symbol in joined:
            joined = joined.replace(symbol, f" {word} ")
    return re.sub(r"\d", "0", joined)


@lru_cache(maxsize=65536)
def _word_char_ngrams(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    size = len(padded)
    low, high = _CHAR_NGRAMS
    return tuple(padded[i : i + n] for n in range(low, min(high, size) + 1) for i in range(size - n + 1))


# Many users type Kazakh without a Kazakh keyboard ("салык канша" for "салық қанша"): char n-grams see both alike.
_FOLD = str.maketrans("әіңғүұқөһ", "аингуукох")
FOLD_KAZAKH = True


def char_ngrams(view: str) -> list[str]:
    """Character n-grams inside word boundaries, like scikit-learn's ``char_wb`` analyzer (cached per word)."""
    grams: list[str] = []
    if FOLD_KAZAKH:
        view = view.translate(_FOLD)
    for word in view.split():
        grams.extend(_word_char_ngrams(word))
    return grams


def word_ngrams(view: str, entities: Sequence[Entity]) -> list[str]:
    """Lemma unigrams and bigrams, plus ``ent:<name>`` for every entity found."""
    lemmas = [tok if tok.startswith("#") else lemma(tok) for tok in _TOKEN.findall(view)]
    grams = ["w:" + lem for lem in lemmas]
    grams.extend(f"b:{a} {b}" for a, b in itertools.pairwise(lemmas))
    grams.extend("ent:" + ent["entity"] for ent in entities)
    return grams


def features(text: str, entities: Sequence[Entity]) -> tuple[list[str], list[str]]:
    """The two feature streams of one text: char n-grams and lemma n-grams (weighted and normalised apart)."""
    head = text[:CLASSIFY_CHARS]
    view = classifier_text(head, [e for e in entities if e["end"] <= len(head)])
    return char_ngrams(view), word_ngrams(view, entities)
