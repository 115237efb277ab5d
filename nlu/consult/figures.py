"""The bare-figure check: article text must carry no typed tax figure outside placeholders.

Allowed digits: years (1990–2099), form and line numbers ("910.00", "910.00.001"), article and document
numbers ("ст. 726", "726-бап", "№ 994"), calendar dates ("1 марта", "1 наурыз", "21.11.2025"). Everything
else — a rate, an amount, a limit, a count of days — must come from a parameter placeholder.
"""

from __future__ import annotations

import re

from nlu.consult.render import strip_placeholders
from nlu.consult.words import wordlist

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"(?:19[9]\d|20\d\d)")
_FORM = re.compile(r"\d{3}\.\d{2}(?:\.\d{3})?")
_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")
_MONTHS = wordlist(
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря қаңтар ақпан "
    "наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан"
)
_BEFORE = re.compile(r"(?:ст\.|стать[яиеюй]|статей|п\.|пп\.|пункт[а-я]*|№|гл\.|глав[а-я]*|приказ[а-я]*)\s*$", re.I)
_AFTER_ARTICLE = re.compile(r"^\s*-?\s*(?:бап|баб|тарау|тармақ)", re.I)


def bare_figures(text: str) -> list[str]:
    """Numbers in ``text`` (placeholders removed) that are not years, form/article numbers or dates."""
    plain = strip_placeholders(text)
    found: list[str] = []
    for match in _NUMBER.finditer(plain):
        token, before, after = match.group(), plain[: match.start()], plain[match.end() :]
        if _FORM.fullmatch(token) or _DATE.fullmatch(token) or _YEAR.fullmatch(token):
            continue
        if _BEFORE.search(before[-20:]) or _AFTER_ARTICLE.match(after):
            continue
        next_word = after.strip().split(" ", 1)[0].strip(",.;:)") if after.strip() else ""
        if token.isdigit() and int(token) <= 31 and any(next_word.lower().startswith(m[:4]) for m in _MONTHS):
            continue
        found.append(token)
    return found
