"""A shipped table of Russian lemmas for every word of the knowledge base (``nlu/kb/lemmas.tsv``).

pymorphy3's pure-Python dictionary costs ~0.1–0.5 ms a word, so lemmatising the whole base at start-up would take
seconds per process (every ``asistent ask`` call). The table makes the index build fast; pymorphy3 is used only for
words a question brings in. Regenerate after editing articles::

    .venv/bin/python -m nlu.consult.lemmas          # rewrites nlu/kb/lemmas.tsv
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from nlu.consult.articles import KB_DIR, articles

TABLE = KB_DIR / "lemmas.tsv"


@lru_cache(maxsize=1)
def table() -> dict[str, str]:
    """word → lemma, as shipped (empty when the file is missing)."""
    if not TABLE.exists():
        return {}
    pairs = (line.split("\t", 1) for line in TABLE.read_text(encoding="utf-8").splitlines() if "\t" in line)
    return {word: lemma for word, lemma in pairs}


def kb_words() -> set[str]:
    """Every word of the Russian side of the knowledge base (ru titles, questions, bodies; tags) — Kazakh words
    written without Kazakh letters must stay out, or they would be lemmatised as Russian."""
    from nlu.consult.text import is_kazakh_word, words

    found: set[str] = set()
    for article in articles():
        texts = [article.title["ru"], article.body["ru"], *article.tags, *article.questions["ru"]]
        for text in texts:
            found.update(w for w in words(text) if w.isalpha() and not is_kazakh_word(w))
    return found


def write(path: Path = TABLE) -> int:
    """Lemmatise every knowledge-base word with pymorphy3 and write the table; returns the number of words."""
    from nlu.consult.text import morph_lemma

    rows = sorted((w, morph_lemma(w)) for w in kb_words())
    path.write_text("".join(f"{w}\t{lemma}\n" for w, lemma in rows), encoding="utf-8")
    return len(rows)


if __name__ == "__main__":
    print(f"{write()} lemmas → {TABLE}")  # noqa: T201 - a maintenance command
