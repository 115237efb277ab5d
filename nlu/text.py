"""Text normalisation and tokens for features: lower case, ``ё→е``, Russian lemmas (pymorphy3), Kazakh stems.

Kazakh has no packaged morphology that works offline (tech-notes §3.6), so Kazakh words are stemmed by stripping
the common plural, possessive, case and verb endings — crude, but stable and enough for intent features.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pymorphy3

KAZAKH_LETTERS = frozenset("әіңғүұқөһ")
_TOKEN = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
# Longest first: the loop strips one ending at a time while the stem stays at least three letters long.
_KK_ENDINGS: tuple[str, ...] = tuple(
    sorted(
        [
            "лардың",
            "лердің",
            "дардың",
            "дердің",
            "тардың",
            "тердің",
            "ларға",
            "лерге",
            "дарға",
            "дерге",
            "тарға",
            "терге",
            "ларда",
            "лерде",
            "дарда",
            "дерде",
            "лардан",
            "лерден",
            "дардан",
            "дерден",
            "тардан",
            "терден",
            "ларым",
            "лерім",
            "ларың",
            "лерің",
            "лары",
            "лері",
            "дары",
            "дері",
            "тары",
            "тері",
            "мын",
            "мін",
            "бын",
            "бін",
            "пын",
            "пін",
            "мыз",
            "міз",
            "быз",
            "біз",
            "пыз",
            "піз",
            "сыз",
            "сіз",
            "сың",
            "сің",
            "ның",
            "нің",
            "дың",
            "дің",
            "тың",
            "тің",
            "нан",
            "нен",
            "дан",
            "ден",
            "тан",
            "тен",
            "ға",
            "ге",
            "қа",
            "ке",
            "на",
            "не",
            "ны",
            "ні",
            "ды",
            "ді",
            "ты",
            "ті",
            "да",
            "де",
            "та",
            "те",
            "ла",
            "ле",
            "мен",
            "бен",
            "пен",
            "ғы",
            "гі",
            "қы",
            "кі",
            "лар",
            "лер",
            "дар",
            "дер",
            "тар",
            "тер",
            "ым",
            "ім",
            "ың",
            "ің",
            "сы",
            "сі",
            "ы",
            "і",
            "ған",
            "ген",
            "қан",
            "кен",
            "атын",
            "етін",
            "йтын",
            "йтін",
            "уға",
            "уге",
            "у",
        ],
        key=len,
        reverse=True,
    )
)


@lru_cache(maxsize=1)
def morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang="ru")


def normalise(text: str) -> str:
    """Lower case with ``ё→е``; the length is kept so offsets stay valid."""
    low = text.lower()
    if len(low) != len(text):  # "İ".lower() is two characters: fold char by char, keeping such ones as they are
        low = "".join(ch if len(folded := ch.lower()) != 1 else folded for ch in text)
    return low.replace("ё", "е")


def is_kazakh_word(word: str) -> bool:
    """True when the word has a letter only Kazakh uses."""
    return any(ch in KAZAKH_LETTERS for ch in word)


@lru_cache(maxsize=65536)
def kazakh_stem(word: str) -> str:
    """Strip common Kazakh endings (plural, possessive, case, person) while three letters remain."""
    stem = word
    changed = True
    while changed:
        changed = False
        for ending in _KK_ENDINGS:
            if stem.endswith(ending) and len(stem) - len(ending) >= 3:
                stem = stem[: -len(ending)]
                changed = True
                break
    return stem


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The lemma of a lower-case word: pymorphy3 for Russian, a stem for Kazakh, as is for Latin and digits."""
    if word.isdigit():
        return "0"
    if is_kazakh_word(word):
        return kazakh_stem(word)
    if not ("а" <= word[0] <= "я"):
        return word
    return str(morph().parse(word)[0].normal_form)


def tokens(text: str) -> list[str]:
    """Word and number tokens of normalised text."""
    return _TOKEN.findall(normalise(text))


def lemmas(text: str) -> list[str]:
    """Lemmas of the tokens of ``text``, for word n-gram features."""
    return [lemma(tok) for tok in tokens(text)]
