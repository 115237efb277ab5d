"""The explanation (пояснение) to a notice: its text in the official shape, drafted from the user's data, and the
XML document that is signed and sent through the tax cabinet.

The text follows the usual shape of a written answer to a revenue office: the addressee, who answers (ФИО, ИИН),
«Пояснение к уведомлению № … от …», the substance built from the check of the notice against the user's own
records (``core.notices.checks``), the request, the date and the signature line. The user may replace the substance
with a text of their own; the document keeps whatever they confirmed.

The XML (``<explanation>``) is what the cabinet receives: small, no namespace, signed enveloped (XMLDSig) like the
declaration. ``parse_explanation`` reads it back (the sandbox cabinet uses it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from core.explain import Lang, format_amount
from core.notices.checks import Check
from core.notices.explain import notice_amount, period_text
from core.notices.model import Notice, NoticeType

MAX_TEXT = 4000  # what the cabinet's free-text field takes
_KIND_RU = {
    NoticeType.NON_FILING: "о непредставлении налоговой отчётности",
    NoticeType.ARREARS: "о сумме задолженности",
    NoticeType.DESK_AUDIT: "об устранении нарушений по результатам камерального контроля",
    NoticeType.ACCOUNT_SUSPENSION: "о приостановлении расходных операций",
    NoticeType.VAT_REGISTRATION: "о постановке на регистрационный учёт по НДС",
    NoticeType.INFORMATION: "(информационное письмо)",
}
_KIND_KK = {
    NoticeType.NON_FILING: "салық есептілігін ұсынбау туралы",
    NoticeType.ARREARS: "берешек сомасы туралы",
    NoticeType.DESK_AUDIT: "камералдық бақылау нәтижелері бойынша бұзушылықтарды жою туралы",
    NoticeType.ACCOUNT_SUSPENSION: "шығыс операцияларын тоқтата тұру туралы",
    NoticeType.VAT_REGISTRATION: "ҚҚС бойынша тіркеу есебіне қою туралы",
    NoticeType.INFORMATION: "(ақпараттық хат)",
}


@dataclass(frozen=True, slots=True)
class Explanation:
    """An explanation as sent: who, to which notice, when, and the full text."""

    iin: str
    name: str
    notice_number: str
    notice_date: dt.date | None
    kind: str
    on: dt.date
    text: str


def _reference(notice: Notice, lang: Lang) -> str:
    number = notice.number or "—"
    if lang == "kk":
        when = f"{notice.date:%d.%m.%Y} ж. " if notice.date else ""
        return f"{when}№ {number} {_KIND_KK[notice.type]} хабарламаға түсініктеме"
    when = f" от {notice.date:%d.%m.%Y}" if notice.date else ""
    return f"Пояснение к уведомлению {_KIND_RU[notice.type]} № {number}{when}"


def substance(notice: Notice, check: Check | None, lang: Lang, *, filed_number: str | None = None) -> str:
    """The body of the explanation from the check against the user's records (what the user may edit)."""
    f = check.figures if check is not None else {}
    code = check.code if check is not None else "not_checkable"
    period = f" за {period_text(notice.period, 'ru')}" if notice.period else ""
    period_kk = f"{period_text(notice.period, 'kk')} үшін " if notice.period else ""
    if code == "debt_not_confirmed":
        if lang == "kk":
            return (
                f"{period_kk}есептелген сома {format_amount(f['charged'])} толық төленді "
                f"(төленгені {format_amount(f['paid'])}), сондықтан берешек жоқ. Төлемдерді салыстыруды және "
                "оларды тиісті БЖК мен кезеңге есепке алуды сұраймын. Төлем тапсырмалары қоса беріледі."
            )
        return (
            f"Сообщаю, что начисленная сумма{period} {format_amount(f['charged'])} уплачена полностью "
            f"(уплачено {format_amount(f['paid'])}), задолженность отсутствует. Прошу провести сверку расчётов и "
            "зачесть платежи по соответствующему КБК и периоду. Платёжные поручения прилагаются."
        )
    if code == "debt_partly":
        if lang == "kk":
            return (
                f"Менің есебім бойынша төленбеген сома {format_amount(f['unpaid'])}, хабарламада "
                f"{format_amount(f['claimed'])}. {format_amount(f['excess'])} айырмасын салыстыруды сұраймын."
            )
        return (
            f"По моим данным не уплачено {format_amount(f['unpaid'])}, в уведомлении указано "
            f"{format_amount(f['claimed'])}. Прошу провести сверку расчётов на разницу {format_amount(f['excess'])}."
        )
    if code == "discrepancy_explainable":
        declared = notice.amounts.get("declared", Decimal(0))
        if lang == "kk":
            return (
                f"{period_kk}декларацияда мәлімделген табыс {notice_amount(declared)} менің кірістер есебіме сәйкес "
                f"келеді. {format_amount(f.get('unexplained', Decimal(0)))} айырма табыс емес: бұл сатып алушыларға "
                "қайтарымдар, өз шоттарым арасындағы аударымдар және қарыздар. Растайтын құжаттар қоса беріледі."
            )
        return (
            f"Доход{period}, отражённый в декларации, {notice_amount(declared)} соответствует моему учёту доходов. "
            f"Разница {format_amount(f.get('unexplained', Decimal(0)))} не является доходом: это возвраты "
            "покупателям, переводы между собственными счетами и займы. Подтверждающие документы прилагаются."
        )
    if code == "form_filed":
        number = f" (рег. № {filed_number})" if filed_number else ""
        form = notice.form or "—"
        if lang == "kk":
            return f"{period_kk}{form} нысаны уақтылы тапсырылды{number}. Хабарламаны орындалды деп санауды сұраймын."
        return f"Форма {form}{period} представлена в срок{number}. Прошу считать уведомление исполненным."
    if lang == "kk":
        return "Хабарлама бойынша мынаны хабарлаймын: … (мәнін жазыңыз)."
    return "По уведомлению сообщаю следующее: … (опишите суть)."


def explanation_text(
    notice: Notice, body: str, lang: Lang, *, iin: str, name: str, on: dt.date, office: str | None = None
) -> str:
    """The whole explanation in the official shape around ``body``."""
    if lang == "kk":
        to = f"{office} бойынша мемлекеттік кірістер басқармасына" if office else "Мемлекеттік кірістер басқармасына"
        return "\n".join(
            (
                to,
                f"Жеке кәсіпкер {name}, ЖСН {iin}",
                "",
                _reference(notice, "kk"),
                "",
                body.strip(),
                "",
                f"Күні: {on:%d.%m.%Y}",
                f"{name} — ЭЦҚ-мен қол қойылды",
            )
        )
    to = f"В Управление государственных доходов по {office}" if office else "В Управление государственных доходов"
    return "\n".join(
        (
            to,
            f"от индивидуального предпринимателя {name}, ИИН {iin}",
            "",
            _reference(notice, "ru"),
            "",
            body.strip(),
            "",
            f"Дата: {on:%d.%m.%Y}",
            f"{name} — подписано ЭЦП",
        )
    )


def build_explanation(doc: Explanation) -> bytes:
    """The XML the cabinet receives (signed enveloped afterwards)."""
    root = etree.Element("explanation", version="1")
    etree.SubElement(root, "iin").text = doc.iin
    etree.SubElement(root, "name").text = doc.name
    ref = etree.SubElement(root, "notice", number=doc.notice_number, type=doc.kind)
    if doc.notice_date is not None:
        ref.set("date", doc.notice_date.isoformat())
    etree.SubElement(root, "date").text = doc.on.isoformat()
    etree.SubElement(root, "text").text = doc.text[:MAX_TEXT]
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def parse_explanation(xml: bytes) -> Explanation | None:
    """The explanation in ``xml`` (signed or not), or ``None`` when it is not one."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        return None
    if root.tag != "explanation":
        return None
    ref = root.find("notice")
    try:
        on = dt.date.fromisoformat(root.findtext("date") or "")
        notice_date = dt.date.fromisoformat(ref.get("date", "")) if ref is not None and ref.get("date") else None
    except ValueError:
        return None
    if ref is None or not ref.get("number"):
        return None
    return Explanation(
        iin=root.findtext("iin") or "",
        name=root.findtext("name") or "",
        notice_number=ref.get("number", ""),
        notice_date=notice_date,
        kind=ref.get("type", ""),
        on=on,
        text=root.findtext("text") or "",
    )
