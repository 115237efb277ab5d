"""Plain-language explanation of a notice in Russian and Kazakh: what it means, what to do, what happens if nothing
is done, and the deadline (with the working days left when ``today`` is given)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.calendar import working_days_between
from core.explain import Lang, format_amount, format_share
from core.notices.model import Notice, NoticeType
from core.rules import ParameterError, parameters

_PAYMENT_NAMES = {
    "ipn": ("ИПН", "ЖТС"),
    "social_tax": ("социальному налогу", "әлеуметтік салық"),
    "opv": ("ОПВ (пенсионные взносы)", "МЗЖ (зейнетақы жарналары)"),
    "so": ("СО (социальные отчисления)", "ӘА (әлеуметтік аударымдар)"),
    "vosms": ("ВОСМС (медицинское страхование)", "МӘМС (медициналық сақтандыру)"),
}


def period_text(period: str, lang: Lang) -> str:
    """``2026-H1`` → "1 полугодие 2026 года" / "2026 жылғы 1 жартыжылдық"; ``2026-03`` → "03.2026"."""
    if "-H" in period:
        year, half = period.split("-H")
        return f"{year} жылғы {half} жартыжылдық" if lang == "kk" else f"{half} полугодие {year} года"
    if "-" in period:
        year, month = period.split("-")
        return f"{month}.{year}"
    return f"{period} жыл" if lang == "kk" else f"{period} год"


def notice_amount(value: Decimal) -> str:
    """An amount as the notice states it: whole tenge, or with tiyn when it has them (``2 219,18 ₸``)."""
    if value == value.to_integral_value():
        return format_amount(value)
    whole, cents = divmod(abs(value.quantize(Decimal("0.01"))) * 100, 100)
    sign = "−" if value < 0 else ""
    return f"{sign}{int(whole):,}".replace(",", " ") + f",{int(cents):02d} ₸"


def _money(notice: Notice, key: str) -> str | None:
    value = notice.amounts.get(key)
    return notice_amount(value) if value is not None else None


def _what_ru(notice: Notice) -> list[str]:
    form = f" по форме {notice.form}" if notice.form else ""
    period = f" за {period_text(notice.period, 'ru')}" if notice.period else ""
    if notice.type is NoticeType.NON_FILING:
        return [
            f"Это уведомление о непредставлении налоговой отчётности{form}{period}: налоговая не получила её в срок.",
            "Что сделать: сдать отчётность. Если вы её уже сдали — ответьте, указав дату и номер приёма.",
            "Если ничего не делать: налоговая приостановит расходные операции по вашим банковским счетам; "
            "повторное нарушение — штраф.",
        ]
    if notice.type is NoticeType.ARREARS:
        name = _PAYMENT_NAMES.get(notice.payment or "", ("налогам и платежам", ""))[0]
        parts = [f"долг {_money(notice, 'debt')}" if "debt" in notice.amounts else ""]
        if "penalty" in notice.amounts:
            parts.append(f"пеня {_money(notice, 'penalty')}")
        if (due := total_due(notice)) is not None:
            parts.append(f"всего к оплате {notice_amount(due)}")
        summary = ", ".join(p for p in parts if p)
        return [
            f"Это уведомление о задолженности по {name}{period}" + (f": {summary}." if summary else "."),
            "Что сделать: сверить с вашими платежами. Если долг есть — оплатить долг и пеню; если вы уже платили — "
            "ответить с платёжными поручениями (частая причина — неверный КБК или период).",
            "Если ничего не делать: пеня растёт каждый день, затем приостановят расходные операции по счетам и "
            "спишут долг со счёта по инкассовому распоряжению.",
        ]
    if notice.type is NoticeType.DESK_AUDIT:
        figures: list[str] = []
        if "declared" in notice.amounts:
            figures.append(f"в декларации {_money(notice, 'declared')}")
        if "third_party" in notice.amounts:
            figures.append(f"по данным ЭСФ/банков {_money(notice, 'third_party')}")
        if "difference" in notice.amounts:
            figures.append(f"расхождение {_money(notice, 'difference')}")
        detail = f" ({', '.join(figures)})" if figures else ""
        return [
            f"Это уведомление по камеральному контролю{form}{period}: данные налоговой не совпадают с вашей "
            f"декларацией{detail}.",
            "Что сделать: если доход действительно был больше — подать дополнительную декларацию и доплатить; "
            "если расхождение объяснимо (возвраты, переводы между своими счетами, займы) — направить пояснение.",
            "Если ничего не делать: приостановят расходные операции по счетам, возможна налоговая проверка.",
        ]
    if notice.type is NoticeType.ACCOUNT_SUSPENSION:
        return [
            "Это распоряжение о приостановлении расходных операций по вашим банковским счетам: банк не проведёт "
            "платежи, кроме платежей в бюджет."
            + (f" Задолженность по распоряжению: {_money(notice, 'debt')}." if "debt" in notice.amounts else ""),
            "Что сделать: устранить причину (сдать отчётность или погасить долг) — ограничение снимают не позднее "
            "одного рабочего дня после этого.",
            "Если ничего не делать: счета останутся заблокированными.",
        ]
    if notice.type is NoticeType.VAT_REGISTRATION:
        return [
            "Это уведомление о постановке на учёт по НДС"
            + (f": оборот {_money(notice, 'turnover')}" if "turnover" in notice.amounts else "")
            + (f" превысил порог {_money(notice, 'threshold')}" if "threshold" in notice.amounts else "")
            + ".",
            "Что сделать: подать заявление о постановке на учёт по НДС; на упрощёнке с 2026 года плательщиком НДС "
            "быть нельзя — придётся перейти на общеустановленный режим. Если оборот посчитан неверно — ответить.",
            "Если ничего не делать: " + _vat_fines("ru", notice),
        ]
    return [
        "Это информационное письмо: налоговая напоминает или рекомендует, это не требование.",
        "Что сделать: прочитать, проверить свои данные; ответить можно, но не обязательно.",
        "Если ничего не делать: само письмо последствий не имеет, но за ним может последовать уведомление.",
    ]


def _what_kk(notice: Notice) -> list[str]:
    form = f" {notice.form} нысаны бойынша" if notice.form else ""
    period = f" {period_text(notice.period, 'kk')} үшін" if notice.period else ""
    if notice.type is NoticeType.NON_FILING:
        return [
            f"Бұл —{period}{form} салық есептілігін ұсынбау туралы хабарлама: салық органы оны мерзімінде алмаған.",
            "Не істеу керек: есептілікті тапсыру. Егер тапсырып қойсаңыз — қабылдау күні мен нөмірін көрсетіп жауап "
            "беріңіз.",
            "Ештеңе істемесеңіз: банк шоттарыңыз бойынша шығыс операциялары тоқтатылады; қайталанған бұзушылық — "
            "айыппұл.",
        ]
    if notice.type is NoticeType.ARREARS:
        name = _PAYMENT_NAMES.get(notice.payment or "", ("", "салықтар мен төлемдер"))[1]
        parts = [f"берешек {_money(notice, 'debt')}" if "debt" in notice.amounts else ""]
        if "penalty" in notice.amounts:
            parts.append(f"өсімпұл {_money(notice, 'penalty')}")
        if (due := total_due(notice)) is not None:
            parts.append(f"барлығы {notice_amount(due)}")
        summary = ", ".join(p for p in parts if p)
        return [
            f"Бұл —{period} {name} бойынша берешек туралы хабарлама" + (f": {summary}." if summary else "."),
            "Не істеу керек: өз төлемдеріңізбен салыстыру. Берешек болса — берешек пен өсімпұлды төлеу; төлеген "
            "болсаңыз — төлем тапсырмаларымен жауап беру (жиі себеп — қате БЖК немесе кезең).",
            "Ештеңе істемесеңіз: өсімпұл күн сайын өседі, содан кейін шоттар бойынша шығыс операциялары тоқтатылып, "
            "берешек инкассалық өкіммен есептен алынады.",
        ]
    if notice.type is NoticeType.DESK_AUDIT:
        figures: list[str] = []
        if "declared" in notice.amounts:
            figures.append(f"декларацияда {_money(notice, 'declared')}")
        if "third_party" in notice.amounts:
            figures.append(f"ЭШФ/банк деректері бойынша {_money(notice, 'third_party')}")
        if "difference" in notice.amounts:
            figures.append(f"алшақтық {_money(notice, 'difference')}")
        detail = f" ({', '.join(figures)})" if figures else ""
        return [
            f"Бұл —{period}{form} камералдық бақылау бойынша хабарлама: салық органының деректері декларацияңызбен "
            f"сәйкес келмейді{detail}.",
            "Не істеу керек: табыс шынымен көп болса — қосымша декларация тапсырып, салықты қосымша төлеу; алшақтық "
            "түсіндірілетін болса (қайтарымдар, өз шоттарыңыз арасындағы аударымдар, қарыздар) — түсініктеме жіберу.",
            "Ештеңе істемесеңіз: шоттар бойынша шығыс операциялары тоқтатылады, салықтық тексеру болуы мүмкін.",
        ]
    if notice.type is NoticeType.ACCOUNT_SUSPENSION:
        return [
            "Бұл — банк шоттарыңыз бойынша шығыс операцияларын тоқтата тұру туралы өкім: бюджетке төлемдерден басқа "
            "төлемдер өтпейді."
            + (f" Өкім бойынша берешек: {_money(notice, 'debt')}." if "debt" in notice.amounts else ""),
            "Не істеу керек: себебін жою (есептілікті тапсыру немесе берешекті өтеу) — шектеу содан кейін бір жұмыс "
            "күнінен кешіктірілмей алынады.",
            "Ештеңе істемесеңіз: шоттар бұғатталған күйде қалады.",
        ]
    if notice.type is NoticeType.VAT_REGISTRATION:
        return [
            "Бұл — ҚҚС бойынша тіркеу есебіне тұру туралы хабарлама"
            + (f": айналым {_money(notice, 'turnover')}" if "turnover" in notice.amounts else "")
            + (f", шек {_money(notice, 'threshold')}" if "threshold" in notice.amounts else "")
            + ".",
            "Не істеу керек: ҚҚС бойынша есепке тұру туралы өтініш беру; 2026 жылдан бастап оңайлатылған режимде ҚҚС "
            "төлеушісі болуға болмайды — жалпыға бірдей белгіленген режимге өту қажет. Айналым қате есептелсе — "
            "жауап беріңіз.",
            "Ештеңе істемесеңіз: " + _vat_fines("kk", notice),
        ]
    return [
        "Бұл — ақпараттық хат: салық органы еске салады немесе ұсыныс береді, бұл талап емес.",
        "Не істеу керек: оқып, өз деректеріңізді тексеру; жауап беруге болады, бірақ міндетті емес.",
        "Ештеңе істемесеңіз: хаттың өзі салдарсыз, бірақ одан кейін хабарлама келуі мүмкін.",
    ]


def _vat_fines(lang: Lang, notice: Notice) -> str:
    on = notice.date or dt.date.today()
    tree = parameters()
    try:
        mrp_count = tree.decimal("penalties.vat_late_registration_mrp", on)
        share = tree.decimal("penalties.vat_unregistered_turnover_share", on)
    except ParameterError:
        return (
            "штраф за непостановку на учёт по НДС (КоАП)."
            if lang == "ru"
            else "ҚҚС бойынша есепке тұрмағаны үшін айыппұл (ӘҚБтК)."
        )
    mrp = tree.decimal("base.mrp", on)
    fine = format_amount(mrp_count * mrp)
    if lang == "kk":
        return (
            f"есепке тұрмағаны үшін {mrp_count} АЕК ({fine}) айыппұл және тіркеусіз айналымның {format_share(share)}."
        )
    return f"штраф {mrp_count} МРП ({fine}) за непостановку и {format_share(share)} от оборота без регистрации."


def _deadline_line(notice: Notice, lang: Lang, today: dt.date | None) -> str:
    deadline = notice.deadline
    if deadline is None:
        if notice.type is NoticeType.ACCOUNT_SUSPENSION:
            return "Срок: действуйте сразу." if lang == "ru" else "Мерзімі: дереу әрекет етіңіз."
        return "Срок ответа законом не установлен." if lang == "ru" else "Жауап беру мерзімі заңмен белгіленбеген."
    when = f"{deadline.date:%d.%m.%Y}"
    if lang == "kk":
        line = f"Мерзімі: {when} дейін"
        if deadline.days is not None and deadline.counted_from is not None:
            unit = "жұмыс күні" if deadline.day_kind == "working" else "күнтізбелік күн"
            line += f" (табыс етілген {deadline.counted_from:%d.%m.%Y} күннің келесі күнінен {deadline.days} {unit})"
    else:
        line = f"Срок: до {when}"
        if deadline.days is not None and deadline.counted_from is not None:
            unit = "рабочих дней" if deadline.day_kind == "working" else "календарных дней"
            line += f" ({deadline.days} {unit} со дня, следующего за вручением {deadline.counted_from:%d.%m.%Y})"
    line += "."
    if today is not None:
        left = working_days_between(today, deadline.date + dt.timedelta(days=1))
        if left <= 0 and today > deadline.date:
            line += " Срок прошёл." if lang == "ru" else " Мерзімі өтті."
        else:
            line += f" Осталось рабочих дней: {left}." if lang == "ru" else f" Қалған жұмыс күндері: {left}."
    return line


def explain_notice(notice: Notice, lang: Lang = "ru", today: dt.date | None = None) -> str:
    """The chat text for a notice in ``lang``."""
    head: list[str] = []
    ref = []
    if notice.number:
        ref.append(f"№ {notice.number}")
    if notice.date:
        ref.append((f"от {notice.date:%d.%m.%Y}") if lang == "ru" else f"{notice.date:%d.%m.%Y} ж.")
    if ref:
        head.append(("Уведомление " if lang == "ru" else "Хабарлама ") + " ".join(ref))
    body = _what_kk(notice) if lang == "kk" else _what_ru(notice)
    out = [*head, *body, _deadline_line(notice, lang, today)]
    basis = notice.basis or (notice.deadline.basis if notice.deadline and notice.deadline.day_kind != "stated" else "")
    if basis:
        out.append(("Основание: " if lang == "ru" else "Негіздеме: ") + basis)
    return "\n".join(out)


def total_due(notice: Notice) -> Decimal | None:
    """What the notice asks to pay (debt + пеня), when it names amounts."""
    if "total" in notice.amounts:
        return notice.amounts["total"]
    if "debt" in notice.amounts:
        return notice.amounts["debt"] + notice.amounts.get("penalty", Decimal(0))
    return None
