"""Places of activity named in a question ("ставка в Астане", "Қарасай ауданында"), for the maslikhat-rate answer."""

from __future__ import annotations

import re
from functools import lru_cache

from core.rules.places import Place, places
from nlu.consult.text import words

_KIND_ORDER = {"city": 0, "town": 1, "district": 2, "region": 3}
_NOISE = re.compile(r"\(.*?\)|\bг\.а?\.?|\bқ\.ә?\.?|\bгород\b|\bрайон\b|\bобласть\b|\bауданы\b|\bоблысы\b|\bрайона\b")
_ADJ = re.compile(r"(ский|ская|ской|ский|инская|инский|ная|ный)$")


def _stems(place: Place) -> set[str]:
    """Prefixes a question word must start with: the main name word, inflection endings cut."""
    out: set[str] = set()
    for name in (place.name_ru, place.name_kk):
        for word in words(_NOISE.sub(" ", name.lower())):
            base = _ADJ.sub("", word)
            if len(base) >= 4:
                out.add(base[: max(4, len(base) - 2)])
    return out


@lru_cache(maxsize=1)
def _index() -> list[tuple[str, Place]]:
    pairs = [(stem, p) for p in places().values() for stem in _stems(p)]
    return sorted(pairs, key=lambda sp: (-len(sp[0]), _KIND_ORDER.get(sp[1].kind, 9), sp[1].id))


def find_place(question: str) -> Place | None:
    """The place a question names (longest name match; a city before a region of the same name), or ``None``."""
    tokens = [w for w in words(question) if len(w) >= 4]
    for stem, place in _index():
        if any(t.startswith(stem) for t in tokens):
            return place
    return None
