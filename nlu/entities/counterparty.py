"""``counterparty`` — who paid or was paid, as written.

Rules (docs/nlu.md): a legal form and a capitalised or quoted name ("ТОО Альфа", "ИП «Бета»", "ЖШС Гамма") is kept
exactly as written; a capitalised name after a Russian preposition or role word ("от Альфы", "для Беты",
"клиенту Омеге") is returned in the nominative ("Альфа", "Бета", "Омега", pymorphy3), span = the name as written;
a capitalised Kazakh name with an ablative/dative ending ("Альфадан", "Бетаға", "Kaspi-ден") loses the ending.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nlu.entities.base import Span
from nlu.text import morph

EXTRACTOR = "RegexCounterpartyExtractor"
_UP = "A-ZА-ЯЁӘІҢҒҮҰҚӨҺ"
_NAME = rf"[{_UP}][\w&.-]*(?:\s+[{_UP}][\w&.-]*)?"
_LEGAL = re.compile(
    rf"(?<![\w])(?:ТОО|ТОВ|ИП|АО|ООО|ЖШС|АҚ|ЖК|ЧП|КХ|ПК|LLP|TOO|IP|Ltd)\s+(?:«[^»]{{1,60}}»|\"[^\"]{{1,60}}\"|{_NAME})"
)
_PREPOSITION = re.compile(
    rf"(?<![\w])(?:от|ОТ|От|у|для|ДЛЯ|Для|с|клиенту|клиента|клиент|поставщику|поставщика|заказчика|заказчику|компании|компания"
    rf"|фирмы|фирме|контрагента|контрагенту|покупателя|покупателю|сотрудника|сотрудницу|сотрудник|сотрудница"
    rf"|работника|работницу|работник)\s+(?P<name>[{_UP}][\w&-]{{1,40}})"
)
_KK_CASE = re.compile(
    rf"(?<![\w])(?P<name>[{_UP}][\w&]{{1,40}}?)-?(?P<suffix>дан|ден|тан|тен|нан|нен|ға|ге|қа|ке)(?![\w])"
)
_STOP = frozenset(
    [
        "ип",
        "тоо",
        "ао",
        "опв",
        "опвр",
        "осмс",
        "восмс",
        "оосмс",
        "ипн",
        "ндс",
        "ққс",
        "эсф",
        "эшф",
        "со",
        "кгд",
        "егов",
        "egov",
        "каспи",
        "kaspi",
        "я",
        "мне",
        "мы",
        "он",
        "она",
        "они",
        "маған",
        "мен",
        "біз",
        "сіз",
        "сен",
        "ол",
    ]
)


_OBLIQUE = ("gent", "datv", "accs", "ablt", "loct")


@lru_cache(maxsize=4096)
def _nominative(word: str) -> str:
    if not re.fullmatch(r"[А-ЯЁа-яё-]+", word):
        return word
    parses = morph().parse(word.lower())
    # An oblique singular noun reading ("Альфы" → gent of "альфа", not the plural of a name "Альф").
    # Prepositional case is rare here (no "в/о" before names), so a gent/datv reading beats a loct one.
    readings = [p for p in parses if {"NOUN", "sing"} <= p.tag.grammemes and p.tag.case in _OBLIQUE]
    if not readings:
        return word
    best = min(readings, key=lambda p: (_OBLIQUE.index(p.tag.case), -p.score))
    normal = str(best.normal_form)
    return normal[:1].upper() + normal[1:] if word[:1].isupper() else normal


def extract(text: str) -> list[Span]:
    """Counterparty spans on the original text (capitalisation matters)."""
    spans = []
    for match in _LEGAL.finditer(text):
        value = match.group().rstrip(".,")
        spans.append(Span("counterparty", value, match.start(), match.start() + len(value), EXTRACTOR))
    for match in _PREPOSITION.finditer(text):
        name = match["name"].rstrip(".,-")
        if name.lower() in _STOP:
            continue
        start = match.start("name")
        spans.append(Span("counterparty", _nominative(name), start, start + len(name), EXTRACTOR))
    for match in _KK_CASE.finditer(text):
        name = match["name"]
        if name.lower() in _STOP or len(name) < 3:
            continue
        spans.append(Span("counterparty", name, match.start(), match.end(), EXTRACTOR))
    return spans
