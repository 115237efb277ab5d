"""ОКЭД search (поиск кода вида деятельности) by the user's own words, in Russian and Kazakh.

The classifier subset lives in ``oked.tsv`` (code, Russian and Kazakh names, everyday words; its source is in the
file's header). A query and every entry are reduced to lemmas — Russian words with ``pymorphy3``, Kazakh words with a
small suffix stripper — and compared token by token (rare words weigh more, IDF) with ``rapidfuzz`` for typos and
word forms the lemmatiser misses; the whole query is also compared with each everyday phrase. ``search`` returns
codes ranked by that score.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pymorphy3
from rapidfuzz import fuzz, process

OKED_FILE = Path(__file__).with_name("oked.tsv")
KAZAKH_LETTERS = frozenset("әғқңөұүһі")
_WORD_RE = re.compile(r"[a-zа-яёәғқңөұүһі0-9]+", re.IGNORECASE)
_CODE_RE = re.compile(r"^\d{2}(?:\.\d{1,2}(?:\.\d)?)?$")
FUZZY_MIN = 84  # rapidfuzz ratio from which two words count as the same word (typos, endings)
NAME_WEIGHT = 1.0
WORDS_WEIGHT = 1.4
PHRASE_SHARE = 0.3


def _wordlist(text: str) -> list[str]:
    return text.split()


STOPWORDS = frozenset(
    _wordlist("""
    и в во на по для с со из от за к у о а или не ни кроме включая прочий прочее прочая прочие другой группировка
    включить включенный деятельность услуга оказание предоставление вид я мы хотеть буду быть заниматься свой
    открыть бизнес ип это как что который свой также тот весь
    және мен бен пен бойынша басқа да де қызмет үшін мен біз ашу ашқым жж жк осы сияқты
    """)
)
# Kazakh endings, longest first (plural, possessive, case, verbal noun); stripped while the stem keeps 3+ letters
_KK_SUFFIXES = tuple(
    sorted(
        _wordlist("""
        лар лер дар дер тар тер ның нің дың дің тың тің ға ге қа ке на не да де та те нда нде дан ден тан тен нан нен
        ды ді ты ті ны ні мен бен пен ым ім ың ің сы сі мыз міз ңыз ңіз ымыз іміз ушы уші шы ші у
        """),
        key=len,
        reverse=True,
    )
)


@dataclass(frozen=True, slots=True)
class OkedCode:
    """One classifier entry."""

    code: str
    name_ru: str
    name_kk: str
    words: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.name_kk if lang == "kk" else self.name_ru


@dataclass(frozen=True, slots=True)
class OkedMatch:
    """A ranked search result."""

    entry: OkedCode
    score: float

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.entry.code,
            "name_ru": self.entry.name_ru,
            "name_kk": self.entry.name_kk,
            "score": round(self.score, 3),
        }


class OkedDataError(ValueError):
    """The classifier data file is malformed."""


def load_codes(path: Path = OKED_FILE) -> tuple[OkedCode, ...]:
    """Read and validate the TSV (4 columns; codes unique and well-formed)."""
    out: list[OkedCode] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 4:
            raise OkedDataError(f"{path.name}:{number}: expected 4 tab-separated columns, got {len(cells)}")
        code, ru, kk, words = (c.strip() for c in cells)
        if not re.fullmatch(r"\d{2}\.\d{2}\.\d", code) or code in seen or not ru or not kk:
            raise OkedDataError(f"{path.name}:{number}: bad or duplicate entry {code!r}")
        seen.add(code)
        out.append(OkedCode(code, ru, kk, tuple(w.strip() for w in words.split(";") if w.strip())))
    return tuple(out)


@lru_cache(maxsize=1)
def codes() -> tuple[OkedCode, ...]:
    """The classifier subset, loaded once."""
    return load_codes()


def lookup(code: str) -> OkedCode | None:
    """The entry with exactly this code, or ``None``."""
    return next((c for c in codes() if c.code == code.strip()), None)


# ---------------------------------------------------------------------------------------------------------- lemmas


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


def _kk_stem(word: str) -> str:
    stem = word
    changed = True
    while changed:
        changed = False
        for suffix in _KK_SUFFIXES:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= 3:
                stem = stem[: -len(suffix)]
                changed = True
                break
    return stem


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """A word's lemma: Russian normal form (``pymorphy3``) or a Kazakh stem."""
    word = word.lower().replace("ё", "е")
    if any(ch in KAZAKH_LETTERS for ch in word):
        return _kk_stem(word)
    if word.isascii() or word.isdigit():
        return word
    morph = _morph()
    if morph.word_is_known(word):
        return str(morph.parse(word)[0].normal_form).replace("ё", "е")
    return _kk_stem(word) if len(word) > 5 else str(morph.parse(word)[0].normal_form)


def lemmas(text: str) -> list[str]:
    """Lemmas of the meaningful words of ``text``, in order."""
    out: list[str] = []
    for word in _WORD_RE.findall(text.lower()):
        if word in STOPWORDS or len(word) < 2:
            continue
        value = lemma(word)
        if value not in STOPWORDS:
            out.append(value)
    return out


# ----------------------------------------------------------------------------------------------------------- index


@dataclass(frozen=True)
class _Index:
    entries: tuple[OkedCode, ...]
    names: tuple[frozenset[str], ...]
    words: tuple[frozenset[str], ...]
    phrases: tuple[tuple[str, ...], ...]
    idf: dict[str, float]
    vocabulary: tuple[str, ...]


@lru_cache(maxsize=1)
def _index() -> _Index:
    entries = codes()
    names = tuple(frozenset(lemmas(f"{e.name_ru} {e.name_kk}")) for e in entries)
    words = tuple(frozenset(t for w in e.words for t in lemmas(w)) for e in entries)
    phrases = tuple(tuple(" ".join(lemmas(w)) for w in e.words) for e in entries)
    df: Counter[str] = Counter()
    for name, word in zip(names, words, strict=True):
        df.update(name | word)
    n = len(entries)
    idf = {token: math.log(n / count) + 1 for token, count in df.items()}
    return _Index(entries, names, words, phrases, idf, tuple(sorted(df)))


def _expand(token: str, index: _Index) -> dict[str, float]:
    """Index tokens that stand for ``token``: itself (1.0), near spellings and shared stems (< 1)."""
    found: dict[str, float] = {}
    if token in index.idf:
        found[token] = 1.0
    for candidate, ratio, _ in process.extract(token, index.vocabulary, scorer=fuzz.ratio, limit=8):
        if ratio >= FUZZY_MIN and candidate != token:
            found[candidate] = max(found.get(candidate, 0.0), 0.85 * ratio / 100)
    if len(token) >= 5:
        for candidate in index.vocabulary:
            if (
                candidate != token
                and len(candidate) >= 5
                and (candidate.startswith(token[:5]) and abs(len(candidate) - len(token)) <= 4)
            ):
                found.setdefault(candidate, 0.6)
    return found


def search(query: str, limit: int = 5) -> list[OkedMatch]:
    """Codes for the user's description, best first (an exact code in the query ranks that code first)."""
    text = query.strip()
    if not text:
        raise ValueError("empty query")
    if limit < 1:
        raise ValueError("limit must be at least 1")
    index = _index()
    if _CODE_RE.match(text):
        hits = [e for e in index.entries if e.code.startswith(text)]
        return [OkedMatch(e, 1.0) for e in hits[:limit]]
    tokens = list(dict.fromkeys(lemmas(text)))
    if not tokens:
        return []
    expansions = [(t, _expand(t, index)) for t in tokens]
    weights = [index.idf.get(t, max((index.idf[c] for c in exp), default=1.0)) for t, exp in expansions]
    total_weight = sum(weights)
    phrase = " ".join(tokens)
    scored: list[OkedMatch] = []
    for i, entry in enumerate(index.entries):
        coverage = 0.0
        for (_, expansion), weight in zip(expansions, weights, strict=True):
            best = 0.0
            for candidate, similarity in expansion.items():
                if candidate in index.words[i]:
                    best = max(best, similarity * WORDS_WEIGHT)
                elif candidate in index.names[i]:
                    best = max(best, similarity * NAME_WEIGHT)
            coverage += weight * best
        if coverage == 0:
            continue
        closeness = max((fuzz.ratio(phrase, p) / 100 for p in index.phrases[i]), default=0.0)
        score = (1 - PHRASE_SHARE) * coverage / (total_weight * WORDS_WEIGHT) + PHRASE_SHARE * closeness
        scored.append(OkedMatch(entry, score))
    scored.sort(key=lambda m: (-m.score, m.entry.code))
    return scored[:limit]


def search_json(query: str, limit: int = 5) -> dict[str, Any]:
    """The CLI's stable JSON: ``{"query", "results": [{"code", "name_ru", "name_kk", "score"}]}``."""
    return {"query": query, "results": [m.to_json() for m in search(query, limit)]}


def codes_for(items: Iterable[str]) -> list[OkedCode]:
    """Entries for known codes (unknown ones are skipped)."""
    return [entry for code in items if (entry := lookup(code)) is not None]
