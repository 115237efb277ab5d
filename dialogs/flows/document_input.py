"""Reading a document request from free text: «выстави счёт ТОО Альфа на 250 000 за разработку сайта».

The NLU gives the intent and the entities (``document_type``, ``counterparty``, ``amount``, ``iin_bin``,
``period``); what it does not — the item description after «за», a line «10 шт по 5 000», an invoice number «№ 3»,
a list request «мои документы», a bank account — is read here, with plain rules the tests pin down.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.documents.model import DocumentInputError, normalise_bic, normalise_iban
from dialogs.flows.base import entity
from dialogs.keyword_nlu import parse_amount_text
from nlu.types import ParseResult

MAX_DESCRIPTION = 300
_KK_DATIVE = ("ға", "ге", "қа", "ке")
_LINE = re.compile(
    r"(\d+(?:[.,]\d{1,3})?)\s*([^\W\d_]{1,8}\.?)?\s*(?:по|x|х|×|\*|бағасы)\s*(\d[\d \u00a0]*(?:[.,]\d{1,2})?)",
    re.IGNORECASE,
)
_FOR = re.compile(r"(?:^|\s)за\s+(.+)$", re.IGNORECASE)
_NUMBER = re.compile(r"(?:№|n|номер|нөмір)\s*(\d{1,5})\b|\b(\d{1,5})\s*$", re.IGNORECASE)
_LIST = re.compile(
    r"\b(мои|моих|список|покажи|показать|все|менің|тізім|көрсет)\b|^\s*(документы|құжаттар\w*|счета|акты|шоттар\w*)\b",
    re.IGNORECASE,
)
_ACT = re.compile(r"\b(акт\w*|актіс\w*)\b", re.IGNORECASE)
_COMPANY_FORMS = frozenset(("ТОО", "АО", "ЖШС", "АҚ", "ООО", "ПК", "ОЮЛ", "LLP", "JSC"))
_KK_FOR = re.compile(r"\s+үшін\b", re.IGNORECASE)
_KK_VERBS = frozenset(("жаз", "жазып", "бер", "шығар", "шот", "теңгеге", "теңге"))
_REQUEST_WORDS = frozenset(
    ("выстави", "выставь", "выставить", "сделай", "создай", "оформи", "нужен", "нужна", "пожалуйста", "на", "сумму",
     "тенге", "тг", "для", "от", "счёт", "счет", "накладную", "накладная", "шот", "жаз", "жүкқұжат", "теңгеге")
)  # fmt: skip
_BIN = re.compile(r"\b(\d{12})\b")
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})|-H([12])|-Q([1-4]))?$")


@dataclass(frozen=True, slots=True)
class Line:
    """One line item as typed: how many, in which unit (``None`` — the default one), at which unit price."""

    quantity: Decimal
    unit: str | None
    price: Decimal


def nominative(description: str) -> str:
    """«разработку сайта» → «Разработка сайта»: the accusative after «за» turned back for the first word
    (feminine -у/-ю → -а/-я; other genders keep their form in the accusative), capitalised."""
    words = description.split()
    if not words:
        return ""
    first = words[0]
    if len(first) > 3 and first.lower().endswith("у"):
        first = first[:-1] + "а"
    elif len(first) > 3 and first.lower().endswith("ю"):
        first = first[:-1] + "я"
    words[0] = first[:1].upper() + first[1:]
    return " ".join(words)[:MAX_DESCRIPTION]


def description_from(text: str, parse: ParseResult | None) -> str | None:
    """The item description «за …» of a request (Kazakh «… үшін»), without a period («за ноябрь») or an amount."""
    match = _FOR.search(text)
    if match is None:
        return _kk_description(text, parse)
    start, end = match.start(1), match.end(1)
    for item in parse["entities"] if parse else []:
        if item["entity"] not in ("period", "date", "amount") or item["end"] <= start:
            continue
        if item["start"] <= start + 1:  # «за ноябрь», «за 250 000»: not what was done
            return None
        if item["entity"] == "amount":  # «за ремонт на 50 000»: the amount is not part of it
            end = min(end, item["start"])
    tail = re.sub(r"\s+(на|по)\s*$", "", text[start:end].strip(" .,!;")).strip(" .,!;")
    if not tail or _LINE.search(tail) or any(ch.isdigit() for ch in tail[:2]):
        return None
    return nominative(tail)  # «услуги за ноябрь» stays whole: the period is part of the description


def _kk_description(text: str, parse: ParseResult | None) -> str | None:
    """«ЖШС Альфаға сайт әзірлеу үшін 250 000 теңгеге шот жаз» → «Сайт әзірлеу»: the words before «үшін» back to
    the previous entity or punctuation."""
    match = _KK_FOR.search(text)
    if match is None:
        return None
    start = 0
    for item in parse["entities"] if parse else []:
        if item["end"] <= match.start():
            start = max(start, item["end"])
    head = re.split(r"[,;:.!?]", text[start : match.start()])[-1]
    words = [w for w in head.split() if w.lower() not in _KK_VERBS]
    if not words or any(ch.isdigit() for ch in "".join(words)):
        return None
    return nominative(" ".join(words))


def buyer_hint(text: str, parse: ParseResult | None) -> str | None:
    """A buyer's name the NLU did not tag («выстави счёт Альфа на 100 000» → «Альфа»): the words left after the
    entities, the description and the request words. Only ever looked up among known counterparties."""
    chars = list(_FOR.split(text)[0] if _FOR.search(text) else text)
    for item in parse["entities"] if parse else []:
        chars[item["start"] : item["end"]] = [" "] * (item["end"] - item["start"])
    words = [w.strip('.,!?«»"') for w in "".join(chars).split()]
    kept = [w for w in words if len(w) >= 2 and w.isalpha() and w.lower() not in _REQUEST_WORDS]
    return " ".join(kept) if kept else None


def clean_buyer(name: str, lang: str) -> str:
    """The buyer as a name: Kazakh «ЖШС Альфаға» (to Alfa) → «ЖШС «Альфа»»; «ТОО Альфа» → «ТОО «Альфа»» (a
    company's name is written in quotes after its legal form; an ИП's is a person's name, without)."""
    words = " ".join(name.split()).split(" ")
    if lang == "kk" and len(words) > 1:
        last = words[-1]
        for ending in _KK_DATIVE:
            if last.lower().endswith(ending) and len(last) - len(ending) >= 3:
                words[-1] = last[: -len(ending)]
                break
    if len(words) > 1 and words[0].upper() in _COMPANY_FORMS and not any(q in name for q in '«»"“”'):
        words = [words[0].upper(), f"«{' '.join(words[1:])}»"]
    return " ".join(words)[:MAX_DESCRIPTION]


def parse_line(text: str) -> Line | None:
    """«10 шт по 5 000», «3 × 10000», «2,5 кг по 1 200» → a line; ``None`` when the text is not one."""
    match = _LINE.search(text)
    if match is None:
        return None
    try:
        quantity = Decimal(match.group(1).replace(",", "."))
    except InvalidOperation:
        return None
    found = parse_amount_text(match.group(3))
    if found is None:
        return None
    unit = match.group(2)
    return Line(quantity, unit.lower() if unit else None, found[0])


def invoice_number(text: str) -> int | None:
    """«акт по счёту №3», «… номер 3», «акт 3» → 3."""
    match = _NUMBER.search(text)
    if match is None:
        return None
    return int(match.group(1) or match.group(2))


def wants_list(text: str) -> bool:
    """«мои документы», «список счетов», «счета Альфа за ноябрь», «менің құжаттарым»."""
    return bool(_LIST.search(text.strip()))


def wants_act(text: str, parse: ParseResult | None) -> bool:
    return entity(parse, "document_type") == "act" or bool(_ACT.search(text))


def bin_in(text: str) -> str | None:
    match = _BIN.search(text)
    return match.group(1) if match else None


def period_range(value: str | None) -> tuple[dt.date, dt.date] | None:
    """An NLU period (``2026``, ``2026-11``, ``2026-H2``, ``2026-Q4``) as its first and last day."""
    match = _PERIOD.match(value or "")
    if match is None:
        return None
    year = int(match.group(1))
    first, last = 1, 12
    if match.group(2):
        first = last = int(match.group(2))
    elif match.group(3):
        first, last = (1, 6) if match.group(3) == "1" else (7, 12)
    elif match.group(4):
        first = 3 * int(match.group(4)) - 2
        last = first + 2
    if not 1 <= first <= last <= 12:
        return None
    end = dt.date(year + (last == 12), last % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, first, 1), end


def parse_bank(text: str, on: dt.date) -> tuple[str, str | None]:
    """«KZ86 125K ZT50 0410 0100 KCJBKZKX» → (IBAN, BIC); ``DocumentInputError`` when the IBAN is not valid or the
    BIC is not the bank's. Without a BIC it comes from the bank code in the IBAN (characters 5–7) where the dated
    parameter ``payment_codes.bic_by_bank_code`` knows it."""
    compact = re.sub(r"[\s\-]", "", text).upper()
    if not compact.startswith("KZ") or len(compact) < 20:
        raise DocumentInputError("iban")
    iban = normalise_iban(compact[:20])
    assert iban is not None
    rest = compact[20:]
    bic = normalise_bic(rest) if rest else None
    known = _bic_of(iban, on)
    if bic is not None and known is not None and bic != known:
        raise DocumentInputError("bic")
    return iban, bic or known


def _bic_of(iban: str, on: dt.date) -> str | None:
    from core.rules.loader import ParameterError, parameters

    try:
        table = parameters().value("payment_codes.bic_by_bank_code", on)
    except ParameterError:
        return None
    found = table.get(iban[4:7]) if isinstance(table, dict) else None
    return str(found) if found else None
