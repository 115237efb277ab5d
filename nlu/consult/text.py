"""Text normalisation for retrieval: tokens, Russian lemmas (pymorphy3), Kazakh stems, language detection.

Index and query go through the same functions, so a normalisation only has to be consistent, not linguistically
perfect: a Russian lemma and a Kazakh stem are both just keys.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from nlu.consult.lexicon import CONCEPTS
from nlu.consult.words import wordlist

_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)
_FORM = re.compile(r"^(\d{3})[.,]0\d$")  # "910.00" / "910,00" → "910"
KK_LETTERS = frozenset("әғқңөұүһі")

# Frequent Kazakh words written without Kazakh-only letters (users type "салык" for "салық").
_KK_WORDS = frozenset(
    wordlist(
        "ма ме ба бе па пе бар жоқ жок керек қанша канша қалай калай қашан кашан қандай кандай неше не мен "
        "маған менің менин бойынша үшін ушин жыл жылы жылғы жылы салык салықты төлеу толеу деген туралы"
    )
)
_RU_STOP = frozenset(
    wordlist(
        "и в во на а но ли по для о об от к ко с у за из же бы то это этот эта эти ну вот мне меня я мы мой "
        "моя мои ты вы вам нам нас их его ее её он она они ни не да или при до как какой какая какие что "
        "чтобы если теперь уже еще ещё тоже также там тут это этом этого"
    )
)
_KK_STOP = frozenset(wordlist("және мен бен пен да де та те ма ме ба бе па пе ғой ше ал бұл осы мен сен біз сіз ол"))

# Kazakh suffixes, longest first; stripped repeatedly while the stem stays ≥ 3 letters.
_KK_SUFFIXES = tuple(
    sorted(
        set(
            wordlist(
                "лар лер дар дер тар тер ның нің дың дің тың тің ға ге қа ке на не нда нде да де та те дан ден тан "
                "тен нан нен ды ді ты ті ны ні мен бен пен ым ім ың ің ымыз іміз ыңыз іңіз сы сі ын ін ы і м ң н а е "
                "мыз міз ңыз ңіз ған ген қан кен атын етін йтын йтін уға уге уі уы у тын тін дың дің ша ше сыз сіз лы "
                "лі мын мін сың сің ды ді еді ады йды йді амын емін ймын ймін амыз еміз ймыз йміз асыз есіз йсыз йсіз "
                "уым уім уың уің"
            )
        ),
        key=len,
        reverse=True,
    )
)
_KK_FINAL_VOWELS = frozenset("аеыіуә")
_KK_FINAL = str.maketrans({"ғ": "қ", "г": "к", "б": "п"})

# A few colloquial forms pymorphy does not know, mapped to the lemma used in the articles.
_RU_ALIASES = {
    "упрощенка": "упрощенный",
    "упрощенок": "упрощенный",
    "упрощенке": "упрощенный",
    "упрощенку": "упрощенный",
    "упрощенки": "упрощенный",
    "упрощёнка": "упрощенный",
    "ип": "ип",
    "ипшник": "ип",
    "ипешник": "ип",
    "ндс": "ндс",
    "соцплатеж": "социальный",
    "соцплатежи": "социальный",
    "соцотчисление": "отчисление",
    "соцотчисления": "отчисление",
    "зп": "зарплата",
    "зарплата": "зарплата",
    "налоговая": "налоговый",
}


# Long names of short notions, folded to the abbreviation users also type (they would otherwise outweigh the rest
# of a question in character n-grams).
_PHRASES = (
    (re.compile(r"индивидуальн\w*\s+предпринимател\w*"), "ип"),
    (re.compile(r"жеке\s+кәсіпкер\w*"), "жк"),
    (re.compile(r"налог\w*\s+на\s+добавленную\s+стоимость"), "ндс"),
    (re.compile(r"электронн\w*\s+счет\w*[\s-]+фактур\w*"), "эсф"),
)


def words(text: str) -> list[str]:
    """Lower-cased word and number tokens; ``ё`` → ``е``; form numbers "910.00" → "910"; long names folded."""
    out: list[str] = []
    lowered = text.lower().replace("ё", "е")
    for pattern, short in _PHRASES:
        lowered = pattern.sub(short, lowered)
    for match in _WORD.finditer(lowered):
        token = match.group()
        form = _FORM.match(token)
        out.append(form.group(1) if form else token)
    return out


def is_kazakh_word(word: str) -> bool:
    """A word with a Kazakh-only letter, or a frequent Kazakh word."""
    return any(ch in KK_LETTERS for ch in word) or word in _KK_WORDS


def detect_language(text: str) -> str:
    """``"kk"`` when the text has Kazakh letters or words, otherwise ``"ru"``."""
    tokens = words(text)
    kk = sum(1 for t in tokens if is_kazakh_word(t))
    return "kk" if (kk and kk * 4 >= len(tokens)) or kk >= 2 else "ru"


@lru_cache(maxsize=1)
def _morph() -> Any:
    import pymorphy3  # imported lazily: ~0.1 s, only when the index is built

    return pymorphy3.MorphAnalyzer()


def morph_lemma(word: str) -> str:
    """Russian normal form straight from pymorphy3 (``ё`` → ``е``)."""
    return str(_morph().parse(word)[0].normal_form).replace("ё", "е")


@lru_cache(maxsize=65536)
def ru_lemma(word: str) -> str:
    """Russian normal form: aliases for colloquial tax words, the shipped table, then pymorphy3 (cached)."""
    if word in _RU_ALIASES:
        return _RU_ALIASES[word]
    if word.isdigit() or not word.isalpha():
        return word
    from nlu.consult.lemmas import table

    lemma = table().get(word) or morph_lemma(word)
    return _RU_ALIASES.get(lemma, lemma)


@lru_cache(maxsize=65536)
def kk_stem(word: str) -> str:
    """Light Kazakh stemmer: at most two suffixes (case, plural, possessive, a few verb forms), stem ≥ 3 letters.

    One-letter suffixes go only as the outermost one, so roots like "мерзім" survive "мерзімі".
    """
    stem = word
    for step in range(2):
        for suffix in _KK_SUFFIXES:
            if len(suffix) == 1 and step > 0:
                continue
            if stem.endswith(suffix) and len(stem) - len(suffix) >= 3:
                stem = stem[: -len(suffix)]
                break
        else:
            break
    if len(stem) > 2 and stem[-1] in _KK_FINAL_VOWELS:
        stem = stem[:-1]  # "жалақы"/"жалақысы", "төлеу"/"төлеймін" meet on one key
    return stem[:-1] + stem[-1].translate(_KK_FINAL) if stem else stem


def _is_russian(word: str) -> bool:
    from nlu.consult.lemmas import table

    return word in table() or word in _RU_ALIASES


def normalise(word: str, lang: str = "ru") -> str:
    """One retrieval key per word: Kazakh stem or Russian lemma, then the bilingual lexicon.

    In a Kazakh text a word without Kazakh letters ("табыс", "тапсырамын") is still Kazakh unless the knowledge
    base uses it in Russian; in a Russian text only words with Kazakh letters or frequent Kazakh words are.
    """
    kazakh = is_kazakh_word(word) or (lang == "kk" and not _is_russian(word))
    key = kk_stem(word) if kazakh else ru_lemma(word)
    return _concepts().get(key, key)


@lru_cache(maxsize=1)
def _concepts() -> dict[str, str]:
    """The lexicon keyed by its words and by their Kazakh stems ("қарағанды" → "қараған" too)."""
    stems = {kk_stem(k): c for k, c in CONCEPTS.items() if len(kk_stem(k)) >= 4}
    return {**stems, **CONCEPTS}


def terms(text: str, lang: str | None = None) -> list[str]:
    """Normalised content terms of a text (stop words dropped); the language is detected when not given."""
    lang = lang or detect_language(text)
    return [normalise(w, lang) for w in words(text) if w not in _RU_STOP and w not in _KK_STOP]


def char_grams(text: str, sizes: tuple[int, ...] = (3, 4)) -> list[str]:
    """Character n-grams inside word boundaries — robust to typos and to Kazakh morphology."""
    grams: list[str] = []
    for w in words(text):
        if w in _RU_STOP or w in _KK_STOP:
            continue
        padded = f" {w} "
        for n in sizes:
            grams.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
    return grams
