"""A small keyword router behind the NLU interface (``parse(text, today=) -> ParseResult``).

Used when ``nlu.get_interpreter`` is not importable, and as the engine's fallback. It knows the intents the chat's
flows need and the entities the income/expense flows use (amount, date, counterparty, language).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from nlu.types import Entity, IntentScore, ParseResult

_MULTIPLIERS: tuple[tuple[str, Decimal], ...] = (
    ("млрд", Decimal("1000000000")),
    ("миллиард", Decimal("1000000000")),
    ("млн", Decimal("1000000")),
    ("миллион", Decimal("1000000")),
    ("тыс", Decimal("1000")),
    ("мың", Decimal("1000")),
    ("к", Decimal("1000")),
    ("k", Decimal("1000")),
)
_AMOUNT = re.compile(
    r"(?<![\w.,])(-?\d{1,3}(?:[ \u00a0\u202f]\d{3})+|-?\d+)(?:[.,](\d{1,2}))?"
    r"(?:\s*(млрд|миллиард\w*|млн|миллион\w*|тыс\w*|мың|к|k)(?![a-zа-яёәіңғүұқөһ]))?",
    re.IGNORECASE,
)
_DATE_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[./](\d{1,2})(?:[./](\d{2,4}))?(?!\d)")
_RELATIVE_DAYS: tuple[tuple[str, int], ...] = (
    ("позавчера", -2),
    ("алдыңғы күні", -2),
    ("вчера", -1),
    ("кеше", -1),
    ("сегодня", 0),
    ("бүгін", 0),
)
_COUNTERPARTY = re.compile(
    r"(?:\bот|\bfrom|\bу)\s+(.+?)(?=\s+(?:вчера|сегодня|позавчера|за\s|\d)|[,.!?]|$)",
    re.IGNORECASE,
)
_COMPANY = re.compile(r"((?:ТОО|ИП|АО|ЖШС|ЖК|АҚ)\s+[«\"]?[\w\- ]+?[»\"]?)(?=\s+(?:\d|вчера|кеше)|[,.!?]|$)")

# Ordered: the first intent whose stem appears wins.
_INTENT_STEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("delete_data", ("удали", "удалить", "сотри", "деректерімді жой", "жойыңыз", "жою")),
    ("change_language", ("язык", "тіл", "қазақша", "по-русски", "по русски", "орысша", "kazakh", "russian")),
    ("show_income", ("сводк", "график", "итог", "доходы за", "мои доходы", "покажи доход", "табысым", "кірістерім")),
    ("record_expense", ("потратил", "расход", "купил", "заплатил за", "шығын", "жұмсадым", "төледім")),
    (
        "record_income",
        (
            "получил",
            "пришл",
            "поступ",
            "заработал",
            "доход",
            "оплатили",
            "перевели",
            "түсті",
            "алдым",
            "табыс",
            "кіріс",
        ),
    ),
    ("show_deadlines", ("срок", "дедлайн", "когда сдавать", "когда платить", "календар", "мерзім", "қашан")),
    ("show_taxes", ("налог", "взнос", "салық", "опв", "910", "сколько платить", "жарна")),
    ("help", ("помощ", "помоги", "что умеешь", "көмек", "help")),
    ("greet", ("привет", "здравств", "салем", "сәлем", "добрый", "hello", "hi")),
)
_AFFIRM = frozenset({"да", "ок", "ok", "ага", "конечно", "иә", "йә", "жарайды", "давай", "yes"})
_DENY = frozenset({"нет", "отмена", "стоп", "отменить", "жоқ", "тоқта", "болдырмау", "no", "cancel"})
_QUESTION_STARTS = (
    "как ",
    "что ",
    "можно ",
    "нужно ",
    "надо ",
    "какой ",
    "какие ",
    "сколько ",
    "кто ",
    "почему ",
    "қалай ",
    "қандай ",
    "не ",
    "бола ма",
    "керек пе",
)


def parse_amount_text(text: str) -> tuple[Decimal, int, int] | None:
    """The first amount in ``text`` ("150 000", "200к", "1,5 млн", "50 мың") with its offsets, or ``None``."""
    masked = _DATE_NUMERIC.sub(lambda m: " " * len(m.group(0)), text)
    for match in _AMOUNT.finditer(masked):
        whole = re.sub(r"[ \u00a0\u202f]", "", match.group(1))
        fraction = match.group(2) or ""
        try:
            value = Decimal(f"{whole}.{fraction}" if fraction else whole)
        except InvalidOperation:
            continue
        suffix = (match.group(3) or "").lower()
        for stem, factor in _MULTIPLIERS:
            if suffix.startswith(stem):
                value *= factor
                break
        return value, match.start(), match.end()
    return None


def parse_date_text(text: str, today: dt.date) -> tuple[dt.date, int, int] | None:
    """A date in ``text``: "вчера", "кеше", "15.03", "15.03.2026"; ``None`` when absent or impossible."""
    low = text.lower()
    for word, shift in _RELATIVE_DAYS:
        pos = low.find(word)
        if pos >= 0:
            return today + dt.timedelta(days=shift), pos, pos + len(word)
    match = _DATE_NUMERIC.search(text)
    if match:
        day, month = int(match.group(1)), int(match.group(2))
        year = int(match.group(3)) if match.group(3) else today.year
        if year < 100:
            year += 2000
        try:
            return dt.date(year, month, day), match.start(), match.end()
        except ValueError:
            return None
    return None


def _counterparty(text: str) -> tuple[str, int, int] | None:
    company = _COMPANY.search(text)
    if company:
        return company.group(1).strip(), company.start(1), company.end(1)
    match = _COUNTERPARTY.search(text)
    if match and match.group(1).strip():
        value = match.group(1).strip()
        return value, match.start(1), match.start(1) + len(value)
    return None


class KeywordInterpreter:
    """Keyword intents and regex entities, in the Rasa ``/model/parse`` shape."""

    def parse(self, text: str, *, today: dt.date | None = None) -> ParseResult:
        today = today or dt.date.today()
        low = " " + text.lower().replace("ё", "е").strip() + " "
        words = set(re.findall(r"[\wәіңғүұқөһ-]+", low))
        entities: list[Entity] = []
        amount = parse_amount_text(text)
        if amount:
            entities.append(_entity("amount", _plain(amount[0]), amount[1], amount[2]))
        date = parse_date_text(text, today)
        if date:
            entities.append(_entity("date", date[0].isoformat(), date[1], date[2]))
        party = _counterparty(text)
        if party:
            entities.append(_entity("counterparty", *party))
        name = self._intent(low, words)
        if name == "change_language":
            for lang, stems in (("kk", ("қазақ", "kazakh", "kk")), ("ru", ("рус", "орыс", "russian", "ru"))):
                if any(s in low for s in stems):
                    entities.append(_entity("language", lang, 0, len(text)))
                    break
        confidence = 0.3 if name == "out_of_scope" else 0.9
        intent: IntentScore = {"name": name, "confidence": confidence}
        return {"text": text, "intent": intent, "intent_ranking": [intent], "entities": entities}

    @staticmethod
    def _intent(low: str, words: set[str]) -> str:
        if words and words <= _AFFIRM | {"-"}:
            return "affirm"
        if words and words <= _DENY | {"-"}:
            return "deny"
        for name, stems in _INTENT_STEMS:
            if any(stem in low for stem in stems):
                return name
        stripped = low.strip()
        if stripped.endswith("?") or stripped.startswith(_QUESTION_STARTS) or " ма?" in low or " ме?" in low:
            return "ask_question"
        if parse_amount_text(low) and len(words) <= 3:
            return "record_income"
        return "out_of_scope"


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _entity(name: str, value: str, start: int, end: int) -> Entity:
    return {"entity": name, "value": value, "start": start, "end": end, "extractor": "keyword_nlu"}
