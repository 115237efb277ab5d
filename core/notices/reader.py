"""Reading a notice from pasted text or a forwarded PDF: type, number, date, amounts, period, form and deadline.

Text comes from the user (pasted), from a PDF's text layer (``pypdf``), or — for a photo or a scanned PDF — from
Tesseract (``core.notices.ocr``). When Tesseract is not installed a photo is refused (``OcrUnavailable``, or
``NoticeReadError.code == "photo"`` from ``read_file``) and a scan has no text (``"no_text"``); when the photo is too
poor to find a notice's type and number the code is ``"unclear"``: the user is asked for the PDF or the text.

The type is chosen by keyword scoring in Russian and Kazakh (a phrase in the title counts double); the fields by
regular expressions. The deadline is then computed from the law (``core.notices.deadlines``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from core.notices import ocr
from core.notices.deadlines import resolve_deadline
from core.notices.model import Notice, NoticeType

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ""})
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".heic", ".webp", ".gif", ".bmp", ".tif", ".tiff"})
_HEAD_CHARS = 400
_AMOUNT_WINDOW = 90


class NoticeReadError(ValueError):
    """The input cannot be read as a notice: ``code`` (``no_text``, ``photo``, ``not_a_notice``, ``unreadable``)
    and a short text in both languages."""

    def __init__(self, code: str, text_ru: str, text_kk: str) -> None:
        super().__init__(text_ru)
        self.code = code
        self.text_ru = text_ru
        self.text_kk = text_kk

    def text(self, lang: str) -> str:
        return self.text_kk if lang == "kk" else self.text_ru


# ----------------------------------------------------------------------------------------------------------- type

# (phrase in normalised lower-case text, weight)
KEYWORDS: dict[NoticeType, tuple[tuple[str, int], ...]] = {
    NoticeType.NON_FILING: (
        ("непредставлени", 4),
        ("не представлен", 2),
        ("не представили", 2),
        ("налоговой отчетност", 1),
        ("ұсынылмағаны", 4),
        ("ұсынылмауы", 4),
        ("ұсынбағаны", 4),
        ("салық есептілігін", 1),
    ),
    NoticeType.ARREARS: (
        ("налоговой задолженност", 4),
        ("задолженност", 1),
        ("недоимк", 2),
        ("пени", 1),
        ("пеня", 1),
        ("погашени", 2),
        ("салық берешег", 4),
        ("берешег", 2),
        ("берешек", 2),
        ("өсімпұл", 1),
        ("өтеу", 2),
    ),
    NoticeType.DESK_AUDIT: (
        ("камеральн", 4),
        ("расхождени", 2),
        ("несоответстви", 2),
        ("устранении нарушений", 2),
        ("камералдық", 4),
        ("алшақтық", 2),
        ("сәйкессіздік", 2),
        ("бұзушылықтарды жою", 2),
    ),
    NoticeType.ACCOUNT_SUSPENSION: (
        ("приостановлени", 2),
        ("расходных операций", 5),
        ("расходные операции", 5),
        ("шығыс операцияларын", 5),
        ("тоқтата тұру", 2),
    ),
    NoticeType.VAT_REGISTRATION: (
        ("налогу на добавленную стоимость", 3),
        ("ндс", 1),
        ("регистрационный учет", 2),
        ("постановк", 1),
        ("порог", 1),
        ("қосылған құн салығы", 3),
        ("ққс", 1),
        ("тіркеу есебіне", 2),
    ),
    NoticeType.INFORMATION: (
        ("информационное письмо", 6),
        ("информируем", 1),
        ("рекомендуем", 1),
        ("ақпараттық хат", 6),
        ("хабарлаймыз", 1),
        ("ұсынамыз", 1),
    ),
}


def _normalise(text: str) -> str:
    text = re.sub(r"[ \t\u00a0\u202f]+", " ", text.replace("\r\n", "\n").replace("ё", "е").replace("Ё", "Е"))
    # a PDF line break inside an amount ("362\n219 теңге") joins back into one number
    return re.sub(r"(\d) ?\n ?(\d{3}(?:[ ,]|$))", r"\1 \2", text, flags=re.MULTILINE)


def score_types(text: str) -> dict[NoticeType, int]:
    """Keyword score of each type (phrases in the first lines count double)."""
    low = _normalise(text).lower()
    head = low[:_HEAD_CHARS]
    scores: dict[NoticeType, int] = {}
    for kind, phrases in KEYWORDS.items():
        scores[kind] = sum(weight * (low.count(phrase) + head.count(phrase)) for phrase, weight in phrases)
    return scores


def _type(text: str) -> tuple[NoticeType, float]:
    scores = score_types(text)
    best = max(scores, key=lambda k: scores[k])
    total = sum(scores.values())
    if scores[best] == 0:
        raise NoticeReadError(
            "not_a_notice",
            "Не похоже на уведомление налоговой: не нашёл ни типа, ни реквизитов. Перешлите PDF или текст целиком.",
            "Салық хабарламасына ұқсамайды: түрі де, деректемелері де табылмады. "
            "PDF-ті немесе мәтінді толық жіберіңіз.",
        )
    return best, scores[best] / total


# ----------------------------------------------------------------------------------------------------------- dates

MONTHS_RU = {
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6,
    "июля": 7, "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}  # fmt: skip
MONTHS_KK = {
    "қаңтар": 1, "ақпан": 2, "наурыз": 3, "сәуір": 4, "мамыр": 5, "маусым": 6,
    "шілде": 7, "тамыз": 8, "қыркүйек": 9, "қазан": 10, "қараша": 11, "желтоқсан": 12,
}  # fmt: skip
MONTHS_RU_NOMINATIVE = {
    "январь": 1, "февраль": 2, "март": 3, "апрель": 4, "май": 5, "июнь": 6,
    "июль": 7, "август": 8, "сентябрь": 9, "октябрь": 10, "ноябрь": 11, "декабрь": 12,
}  # fmt: skip

_NUMERIC_DATE = r"(\d{1,2})\.(\d{1,2})\.(\d{4})"
_RU_DATE = r"(\d{1,2})\s+(" + "|".join(MONTHS_RU) + r")\s+(\d{4})"
_KK_DATE = r"(\d{4})\s*ж(?:ылғы|\.)?\s+(\d{1,2})\s+(" + "|".join(MONTHS_KK) + r")"
DATE_RE = re.compile(f"{_NUMERIC_DATE}|{_RU_DATE}|{_KK_DATE}", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Found:
    date: dt.date
    start: int
    end: int


def _dates(text: str) -> list[_Found]:
    out: list[_Found] = []
    for m in DATE_RE.finditer(text):
        try:
            if m.group(1):
                d = dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            elif m.group(4):
                d = dt.date(int(m.group(6)), MONTHS_RU[m.group(5).lower()], int(m.group(4)))
            else:
                d = dt.date(int(m.group(7)), MONTHS_KK[m.group(9).lower()], int(m.group(8)))
        except ValueError:
            continue  # 31.02.2026 and the like: not a date
        out.append(_Found(d, m.start(), m.end()))
    return out


def _date_after(text: str, labels: Iterable[str], dates: list[_Found], window: int = 60) -> dt.date | None:
    """The first date within ``window`` characters after one of ``labels``."""
    low = text.lower()
    for label in labels:
        for m in re.finditer(label, low):
            for found in dates:
                if m.end() <= found.start <= m.end() + window:
                    return found.date
    return None


def _date_before(text: str, labels: Iterable[str], dates: list[_Found], window: int = 25) -> dt.date | None:
    """The last date ending within ``window`` characters before one of ``labels`` (Kazakh word order)."""
    low = text.lower()
    for label in labels:
        for m in re.finditer(label, low):
            before = [f for f in dates if f.end <= m.start() and m.start() - f.end <= window]
            if before:
                return before[-1].date
    return None


# --------------------------------------------------------------------------------------------------------- amounts

_MONEY = r"(?<![\d.,])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[,.](\d{1,2}))?(?![\d.])(?!\.\d)"
MONEY_RE = re.compile(_MONEY)
# amount key → label regexes (lower-case, normalised text)
AMOUNT_LABELS: dict[str, tuple[str, ...]] = {
    "debt": (
        r"сумм[аы] (?:налоговой )?задолженност\w*",
        r"недоимк\w*",
        r"основной долг",
        r"берешек сомасы",
        r"берешегі",
        r"задолженност\w* по [а-яё ]+?(?:платеж\w*|налог\w*)",
    ),
    "penalty": (r"(?:сумм[аы] )?пен[яиь]\w*", r"өсімпұл\w*"),
    "total": (r"итого\w*", r"всего к уплате", r"общая сумма", r"барлығы", r"жиыны"),
    "declared": (
        r"(?:доход|оборот)\w* по декларации",
        r"по (?:данным )?декларации",
        r"задекларирован\w*",
        r"декларацияда\w*",
        r"мәлімделген\w*",
    ),
    "third_party": (
        r"по (?:данным )?(?:эсф|электронных счетов-фактур)",
        r"по (?:данным )?банк\w*",
        r"по данным (?:третьих лиц|информационных систем)",
        r"(?:эшф|банк) (?:деректері )?бойынша",
    ),
    "difference": (r"расхождени\w*", r"разниц\w*", r"алшақтық\w*", r"айырма\w*"),
    "turnover": (r"оборот\w* по реализации", r"облагаем\w* оборот\w*", r"оборот\w* за", r"айналым\w*"),
    "threshold": (r"порог\w*", r"шег\w*"),
}


def parse_money(whole: str, cents: str | None) -> Decimal:
    digits = re.sub(r"\D", "", whole)
    return Decimal(f"{digits}.{cents}") if cents else Decimal(digits)


def _amounts(text: str, kind: NoticeType) -> dict[str, Decimal]:
    low = _normalise(text).lower()
    taken: set[int] = set()
    out: dict[str, Decimal] = {}
    for key, labels in AMOUNT_LABELS.items():
        if key in ("turnover", "threshold") and kind is not NoticeType.VAT_REGISTRATION:
            continue
        if key in ("declared", "third_party", "difference") and kind is not NoticeType.DESK_AUDIT:
            continue
        value = _money_after(low, labels, taken)
        if value is not None:
            out[key] = value
    if "total" not in out and "debt" in out and "penalty" in out:
        out["total"] = out["debt"] + out["penalty"]
    return out


def _money_after(low: str, labels: Iterable[str], taken: set[int]) -> Decimal | None:
    """The first amount after one of ``labels`` on its line (or on the next line when the label ends its line)."""
    for label in labels:
        for m in re.finditer(label, low):
            window = low[m.end() : m.end() + _AMOUNT_WINDOW]
            offset = 0
            for line in window.split("\n")[:2]:
                value = _first_money(line, m.end() + offset, taken)
                if value is not None:
                    return value
                offset += len(line) + 1
    return None


def _first_money(line: str, base: int, taken: set[int]) -> Decimal | None:
    for money in MONEY_RE.finditer(line):
        position = base + money.start()
        tail = line[money.end() : money.end() + 12]
        if position in taken or re.match(r"\s*(?:год|жыл|ж\.|г\.|№|раб|жұмыс|дн|күн|%|-?ш?і? ?жарты)", tail):
            continue  # a year, a count of days or a share is not an amount
        if len(re.sub(r"\D", "", money.group(1))) < 2 or FORM_RE.fullmatch(money.group(0)):
            continue  # a single digit, or a form number such as 910.00
        taken.add(position)
        return parse_money(money.group(1), money.group(2))
    return None


# ---------------------------------------------------------------------------------------------------------- fields

NUMBER_RE = re.compile(r"(?:№|\bN[oº°]?\b\.?|нөмірі)\s*([A-ZА-ЯЁ0-9][A-ZА-ЯЁ0-9\-/]*)", re.IGNORECASE)
FORM_RE = re.compile(r"\b(\d{3}\.\d{2})\b")
DAYS_RE = re.compile(r"(?:в течение|течении)\s+(\d{1,3})\s+рабоч|(\d{1,3})\s+жұмыс күн", re.IGNORECASE)
_BASIS_RU = (
    r"(?:в соответствии со?|согласно|на основании)\s+(?:пункт\w*\s+[\d\s,и]+)?(?:стать\w+|подпункт\w*)\s+"
    r"[^\n]{3,160}?(?:кодекс\w*|закон\w*)(?:\s+Республики\s+Казахстан)?(?:\s+«[^»\n]{1,80}»)?"
)
_BASIS_KK = r"(?:Қазақстан Республикасы\s+)?(?:Салық кодексінің|кодексінің)\s+[^\n.;]{1,80}?(?:бабы|бабына)\w*"
BASIS_RE = re.compile(f"({_BASIS_RU})|({_BASIS_KK})", re.IGNORECASE)
# (code, case-sensitive abbreviation, lower-case phrase); the earliest mention in the text wins
PAYMENTS = (
    ("opv", r"\bОПВ\b", r"пенсионн\w+ взнос|зейнетақы жарна"),
    ("so", r"\bСО\b", r"социальн\w+ отчислен|әлеуметтік аударым"),
    ("vosms", r"\bВОСМС\b|\bОСМС\b", r"медицинск\w+ страхован|медициналық сақтандыру"),
    ("social_tax", r"\bСН\b", r"социальн\w+ налог|әлеуметтік салық"),
    ("ipn", r"\bИПН\b|\bЖТС\b", r"индивидуальн\w+ подоходн\w+ налог|жеке табыс салығы"),
)
SOCIAL_PAYMENTS = frozenset({"opv", "so", "vosms"})


def _number(text: str) -> str | None:
    for m in NUMBER_RE.finditer(text):
        value = m.group(1).strip("-/")
        if any(ch.isdigit() for ch in value) and not FORM_RE.fullmatch(value):
            return value
    return None


def _period(low: str) -> str | None:
    m = re.search(r"(?:за\s+)?(\d|перв\w+|втор\w+)\s*(?:-?е\s+)?полугоди\w*\s+(\d{4})", low)
    if m:
        half = "1" if m.group(1) in ("1",) or m.group(1).startswith("перв") else "2"
        return f"{m.group(2)}-H{half}"
    m = re.search(r"(\d{4})\s*ж(?:ылғы|\.)?\s+(\d)\s*-?\s*(?:ші|шы|інші|ыншы)?\s*жарты\s*жыл", low)
    if m:
        return f"{m.group(1)}-H{m.group(2)}"
    m = re.search(r"за\s+(" + "|".join(MONTHS_RU_NOMINATIVE) + r")\s+(\d{4})", low)
    if m:
        return f"{m.group(2)}-{MONTHS_RU_NOMINATIVE[m.group(1)]:02d}"
    m = re.search(r"(\d{4})\s*ж(?:ылғы|\.)?\s+(" + "|".join(MONTHS_KK) + r")\s+(?:ай|үшін)", low)
    if m:
        return f"{m.group(1)}-{MONTHS_KK[m.group(2)]:02d}"
    m = re.search(r"за\s+(\d{4})\s*(?:год|г\.)|(\d{4})\s*жыл(?:ға|ы)?\s+(?:үшін|бойынша)", low)
    if m:
        return m.group(1) or m.group(2)
    return None


def _payment(clean: str) -> str | None:
    low = clean.lower()
    found: list[tuple[int, str]] = []
    for code, abbreviation, phrase in PAYMENTS:
        hits = [m.start() for m in (re.search(abbreviation, clean), re.search(phrase, low)) if m]
        if hits:
            found.append((min(hits), code))
    return min(found)[1] if found else None


DATE_LABELS = (r"\bот\b", r"дата уведомления", r"дата:")
DELIVERY_LABELS = (r"вручен\w*", r"дата вручения", r"получен\w*", r"табыс етілген", r"тапсырылған", r"тапсырылды")
DEADLINE_LABELS = (r"в срок до", r"не позднее", r"срок исполнения", r"срок ответа", r"\bдо\b", r"мерзімі")
DEADLINE_LABELS_KK = (r"дейін", r"кешіктірмей")


def read_text(text: str) -> Notice:
    """Recognise a notice in pasted text or text extracted from a PDF."""
    if not text or not text.strip():
        raise NoticeReadError(
            "no_text",
            "В файле нет текста (скан или фото). Вставьте текст уведомления сообщением.",
            "Файлда мәтін жоқ (скан немесе фото). Хабарлама мәтінін хабарлама ретінде қойыңыз.",
        )
    clean = _normalise(text)
    low = clean.lower()
    kind, confidence = _type(clean)
    dates = _dates(clean)
    delivered = _date_after(clean, DELIVERY_LABELS, dates) or _date_before(clean, DELIVERY_LABELS, dates)
    stated = _date_after(clean, DEADLINE_LABELS, dates, window=25) or _date_before(clean, DEADLINE_LABELS_KK, dates)
    date = _date_after(clean, (r"№",), dates, window=40) or _date_after(clean, DATE_LABELS, dates, window=40)
    if date is None:  # Kazakh order: «2026 жылғы 1 желтоқсандағы № …» (the date may equal the delivery date)
        date = _date_before(clean[:_HEAD_CHARS], (r"№",), dates, window=12)
    if date is None:
        date = next((f.date for f in dates if f.date not in (delivered, stated)), None)
    days = DAYS_RE.search(clean)
    basis = BASIS_RE.search(clean)
    form = FORM_RE.search(clean)
    notice = Notice(
        type=kind,
        number=_number(clean),
        date=date,
        delivered=delivered,
        basis=(basis.group(0).strip() if basis else None),
        period=_period(low),
        form=form.group(1) if form else None,
        payment=_payment(clean),
        amounts=_amounts(clean, kind),
        stated_deadline=stated if stated not in (date, delivered) else None,
        stated_days=int(days.group(1) or days.group(2)) if days else None,
        confidence=confidence,
        text=text,
    )
    notice.deadline = resolve_deadline(notice)
    return notice


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF (all pages); a PDF that cannot be parsed is ``NoticeReadError("unreadable")``."""
    from pypdf import PdfReader  # loaded only when a PDF comes in
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise NoticeReadError(
            "unreadable",
            f"Не удалось прочитать PDF ({type(exc).__name__}). Перешлите файл ещё раз или вставьте текст.",
            f"PDF оқылмады ({type(exc).__name__}). Файлды қайта жіберіңіз немесе мәтінді қойыңыз.",
        ) from None


def read_pdf(data: bytes) -> Notice:
    """Recognise a notice in a forwarded PDF; a scan (no text layer) is read with OCR when Tesseract is here."""
    text = pdf_text(data)
    if text.strip() or not ocr.available():
        return read_text(text)
    try:
        text = ocr.pdf_pages_text(data)
    except (ocr.OcrUnavailable, ocr.OcrError):
        text = ""
    return _read_ocr(text) if text.strip() else read_text("")  # a blank scan: the "no text: paste it" answer


def _unclear() -> NoticeReadError:
    return NoticeReadError(
        "unclear",
        "Не удалось разобрать уведомление на фото. Перешлите PDF из кабинета или вставьте текст уведомления.",
        "Фотодағы хабарламаны тану мүмкін болмады. Кабинеттен PDF жіберіңіз немесе хабарлама мәтінін қойыңыз.",
    )


def _read_ocr(text: str) -> Notice:
    """A notice from OCR text: without a type or a number the reading is not trusted (``"unclear"``)."""
    try:
        notice = read_text(text)
    except NoticeReadError:
        raise _unclear() from None
    if notice.number is None:
        raise _unclear()
    return notice


def read_image(data: bytes) -> Notice:
    """Recognise a notice in a photo (JPEG / PNG); ``ocr.OcrUnavailable`` when Tesseract is not installed."""
    try:
        text = ocr.image_text(data)
    except ocr.OcrError:
        raise _unclear() from None
    return _read_ocr(text)


def read_file(path: Path) -> Notice:
    """A notice from a ``.pdf``, a text file or a photo (OCR); without Tesseract a photo is refused."""
    suffix = path.suffix.lower()
    if suffix in PHOTO_SUFFIXES and ocr.available():
        return read_image(path.read_bytes())
    if suffix in PHOTO_SUFFIXES:
        raise NoticeReadError(
            "photo",
            "Фото я прочитать не могу. Перешлите PDF из кабинета налогоплательщика или вставьте текст уведомления.",
            "Фотоны оқи алмаймын. Салық төлеуші кабинетінен PDF жіберіңіз немесе хабарлама мәтінін қойыңыз.",
        )
    data = path.read_bytes()
    if suffix == ".pdf" or data.startswith(b"%PDF"):
        return read_pdf(data)
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return read_text(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise NoticeReadError(
        "unreadable",
        "Не удалось прочитать текст файла. Сохраните его в UTF-8 или вставьте текст.",
        "Файл мәтіні оқылмады. UTF-8 түрінде сақтаңыз немесе мәтінді қойыңыз.",
    )
