"""``tax_type``, ``document_type``, ``language`` and ``form`` from the lexicons in ``lexicons/terms.yml``."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from nlu.entities.base import Span

EXTRACTOR = "LexiconExtractor"
FORM_EXTRACTOR = "RegexFormExtractor"
_LEXICON = Path(__file__).resolve().parent.parent / "lexicons" / "terms.yml"
# "на счёт", "мой счет", "со счета": a bank account, not an invoice to issue.
_ACCOUNT_BEFORE = re.compile(
    r"(?:на|со|с|мой|моего|моем|моём|лицевой|лицевого|расчетный|расчетного|банковский|банковского|по|пополнение"
    r"|пополнил|пополнила|пополнить|выписка|номер|остаток)\s+$"
)
_ACCOUNT_FORMS = frozenset({"счет", "счета", "счету", "счетом", "счете"})
_B = r"(?<![\w])"
_E = r"(?![\w])"


@lru_cache(maxsize=1)
def _terms() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(_LEXICON.read_text(encoding="utf-8"))
    return data


def _alternation(forms: dict[str, str]) -> re.Pattern[str]:
    ordered = sorted(forms, key=len, reverse=True)
    return re.compile(_B + "(" + "|".join(re.escape(f) for f in ordered) + ")" + _E)


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern[str], dict[str, str], bool]]:
    terms = _terms()
    patterns = []
    for entity, key, case_sensitive in (
        ("tax_type", "tax_type", False),
        ("tax_type", "tax_type_case_sensitive", True),
        ("document_type", "document_type", False),
        ("language", "language", False),
    ):
        forms = {
            (str(form) if case_sensitive else str(form).lower().replace("ё", "е")): value
            for value, surface in terms[key].items()
            for form in surface
        }
        patterns.append((entity, _alternation(forms), forms, case_sensitive))
    return patterns


@lru_cache(maxsize=1)
def _form_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    terms = _terms()
    numbers = "|".join(re.escape(str(n)) for n in terms["form_numbers"])
    context = "|".join(re.escape(str(w)) for w in sorted(terms["form_context"], key=len, reverse=True))
    full = re.compile(r"(?<![\w.,])(?P<n>\d{3})[.,](?P<s>\d{2})(?![\d]|[.,]\d|\s?(?:тг|тенге|₸|к\b|т\b))")
    bare = re.compile(
        rf"(?:(?<![\w])(?:{context})\.?\s*(?:№\s*)?(?P<a>{numbers})(?![\w.,])"
        rf"|(?<![\w.,])(?P<b>{numbers})(?:\s*-?\s*(?:ку|ую|ю|ю|ка|ке|ки|ны|ні|ды|ді|ты|ті|ші|шы|ге|ға|ні))?"
        rf"\s+(?:{context}))(?![\w])"
        rf"|(?<![\w.,])(?P<c>91[0-3])(?:\s*-?\s*(?:ку|ую|ю|ка|ке|ки|ны|ні|ды|ді|ты|ті|ші|шы|ге|ға))?"
        rf"(?![\w]|[.,]\d|\s?(?:тг|тенге|теңге|₸|к\b|т\b|тыс|мың|млн))"
    )
    return full, bare


def extract(text: str, low: str) -> list[Span]:
    """Lexicon spans; case-insensitive patterns run on ``low``, case-sensitive ones on ``text``."""
    spans: list[Span] = []
    for entity, pattern, forms, case_sensitive in _patterns():
        source = text if case_sensitive else low
        for match in pattern.finditer(source):
            if match.group(1) in _ACCOUNT_FORMS and _ACCOUNT_BEFORE.search(
                low, max(0, match.start() - 16), match.start()
            ):
                continue
            spans.append(Span(entity, forms[match.group(1)], match.start(), match.end(), EXTRACTOR))
    spans.extend(_forms(low))
    return spans


def _forms(low: str) -> list[Span]:
    full, bare = _form_patterns()
    spans = [
        Span("form", f"{m['n']}.{m['s']}", m.start(), m.end(), FORM_EXTRACTOR)
        for m in full.finditer(low)
        if m["n"] in {str(n) for n in _terms()["form_numbers"]} or m["s"] == "00"
    ]
    for match in bare.finditer(low):
        group = "a" if match["a"] else "b" if match["b"] else "c"
        spans.append(Span("form", f"{match[group]}.00", match.start(group), match.end(group), FORM_EXTRACTOR))
    return spans
