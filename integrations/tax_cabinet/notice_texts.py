"""The sandbox's notices: realistic texts in Russian and Kazakh, in the shape the revenue bodies send them.

Each text carries the type's wording, number, date, the delivery date, the legal basis, the amounts with their
labels and the response period, so ``core.notices.read_text`` recognises it exactly as it would a forwarded PDF.
Amounts are given by the test (or the local-mode trigger); nothing here is a tax figure of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from core.notices import Notice as CoreNotice
from core.notices import NoticeType, resolve_deadline
from core.notices.explain import period_text

PAYMENTS_RU = {
    "ipn": "индивидуальному подоходному налогу (ИПН)",
    "social_tax": "социальному налогу (СН)",
    "opv": "обязательным пенсионным взносам (ОПВ)",
    "so": "социальным отчислениям (СО)",
    "vosms": "взносам на обязательное социальное медицинское страхование (ВОСМС)",
}
PAYMENTS_KK = {
    "ipn": "жеке табыс салығы (ЖТС)",
    "social_tax": "әлеуметтік салық",
    "opv": "міндетті зейнетақы жарналары",
    "so": "әлеуметтік аударымдар",
    "vosms": "міндетті әлеуметтік медициналық сақтандыру",
}
BASIS_RU = {
    NoticeType.NON_FILING: "В соответствии со статьёй 115 Налогового кодекса Республики Казахстан",
    NoticeType.ARREARS: "В соответствии со статьёй 118 Налогового кодекса Республики Казахстан",
    NoticeType.DESK_AUDIT: "В соответствии с пунктом 2 статьи 96 Налогового кодекса Республики Казахстан",
    NoticeType.ACCOUNT_SUSPENSION: "В соответствии со статьёй 119 Налогового кодекса Республики Казахстан",
    NoticeType.VAT_REGISTRATION: "В соответствии со статьёй 82 Налогового кодекса Республики Казахстан",
    NoticeType.INFORMATION: "",
}


def money_text(value: Decimal) -> str:
    """``150000`` → ``150 000,00`` (as the notices print amounts)."""
    whole, cents = divmod(value.quantize(Decimal("0.01")) * 100, 100)
    return f"{int(whole):,}".replace(",", " ") + f",{int(cents):02d}"


def _ru(kind: NoticeType, f: Mapping[str, Any]) -> list[str]:
    a: Mapping[str, Decimal] = f["amounts"]
    period = f" за {period_text(f['period'], 'ru')}" if f.get("period") else ""
    form = f" по форме {f['form']}" if f.get("form") else ""
    basis = BASIS_RU[kind]
    if kind is NoticeType.NON_FILING:
        return [
            "о непредставлении налоговой отчетности",
            f"Сообщаем, что вами не представлена налоговая отчетность{form}{period}.",
            f"{basis} необходимо представить налоговую отчетность в течение 10 рабочих дней со дня, следующего "
            "за днем вручения настоящего уведомления.",
        ]
    if kind is NoticeType.ARREARS:
        payment = PAYMENTS_RU.get(str(f.get("payment") or ""), "налогам")
        lines = [
            "о сумме налоговой задолженности",
            f"Сообщаем, что за вами числится налоговая задолженность по {payment}{period}.",
            f"Сумма задолженности: {money_text(a.get('debt', Decimal(0)))} тенге",
        ]
        if "penalty" in a:
            lines.append(f"Сумма пени: {money_text(a['penalty'])} тенге")
            lines.append(f"Итого к уплате: {money_text(a.get('debt', Decimal(0)) + a['penalty'])} тенге")
        lines.append(
            f"{basis} погашение необходимо произвести в течение 5 рабочих дней со дня вручения уведомления, "
            "иначе будут приостановлены расходные операции по банковским счетам."
        )
        return lines
    if kind is NoticeType.DESK_AUDIT:
        lines = [
            "об устранении нарушений, выявленных по результатам камерального контроля",
            f"Выявлено несоответствие данных налоговой отчетности{form}{period} данным электронных "
            "счетов-фактур и банков второго уровня.",
        ]
        if "declared" in a:
            lines.append(f"Доход по декларации: {money_text(a['declared'])} тенге")
        if "third_party" in a:
            lines.append(f"По данным ЭСФ: {money_text(a['third_party'])} тенге")
        if "declared" in a and "third_party" in a:
            lines.append(f"Расхождение: {money_text(a['third_party'] - a['declared'])} тенге")
        lines.append(
            f"{basis} в течение 30 рабочих дней необходимо устранить нарушения (представить дополнительную "
            "налоговую отчетность) либо представить пояснение."
        )
        return lines
    if kind is NoticeType.ACCOUNT_SUSPENSION:
        return [
            "о приостановлении расходных операций по банковским счетам",
            f"{basis} приостанавливаются расходные операции по банковским счетам налогоплательщика, за "
            "исключением платежей в бюджет, до устранения причины.",
            *([f"Сумма задолженности: {money_text(a['debt'])} тенге"] if "debt" in a else []),
        ]
    if kind is NoticeType.VAT_REGISTRATION:
        return [
            "о постановке на регистрационный учет по налогу на добавленную стоимость",
            f"Оборот по реализации{period}: {money_text(a.get('turnover', Decimal(0)))} тенге, порог "
            f"{money_text(a.get('threshold', Decimal(0)))} тенге превышен.",
            f"{basis} необходимо подать заявление о постановке на регистрационный учет по НДС.",
        ]
    return [
        "Информационное письмо",
        "Информируем вас о сроках представления налоговой отчетности и уплаты налогов. Рекомендуем проверить "
        "сведения в кабинете налогоплательщика.",
    ]


def _kk(kind: NoticeType, f: Mapping[str, Any]) -> list[str]:
    a: Mapping[str, Decimal] = f["amounts"]
    period = f"{period_text(f['period'], 'kk')} үшін " if f.get("period") else ""
    form = f"{f['form']} нысаны бойынша " if f.get("form") else ""
    if kind is NoticeType.NON_FILING:
        return [
            "салық есептілігін ұсынбау туралы",
            f"{period}{form}салық есептілігінің ұсынылмағаны туралы хабарлаймыз.",
            "Хабарлама табыс етілген күннің келесі күнінен бастап 10 жұмыс күні ішінде есептілікті ұсыну қажет.",
        ]
    if kind is NoticeType.ARREARS:
        payment = PAYMENTS_KK.get(str(f.get("payment") or ""), "салықтар")
        lines = [
            "салық берешегінің сомасы туралы",
            f"{period}{payment} бойынша салық берешегі бар екенін хабарлаймыз.",
            f"Берешек сомасы: {money_text(a.get('debt', Decimal(0)))} теңге",
        ]
        if "penalty" in a:
            lines.append(f"Өсімпұл: {money_text(a['penalty'])} теңге")
            lines.append(f"Барлығы: {money_text(a.get('debt', Decimal(0)) + a['penalty'])} теңге")
        lines.append("Берешекті 5 жұмыс күні ішінде өтеу қажет.")
        return lines
    if kind is NoticeType.DESK_AUDIT:
        lines = [
            "камералдық бақылау нәтижелері бойынша анықталған бұзушылықтарды жою туралы",
            f"{period}{form}салық есептілігі мен ЭШФ деректері арасында сәйкессіздік анықталды.",
        ]
        if "declared" in a:
            lines.append(f"Декларацияда: {money_text(a['declared'])} теңге")
        if "third_party" in a:
            lines.append(f"ЭШФ деректері бойынша: {money_text(a['third_party'])} теңге")
        lines.append("30 жұмыс күні ішінде бұзушылықтарды жою немесе түсініктеме беру қажет.")
        return lines
    if kind is NoticeType.ACCOUNT_SUSPENSION:
        return [
            "банк шоттары бойынша шығыс операцияларын тоқтата тұру туралы",
            "Бюджетке төлемдерден басқа шығыс операцияларын тоқтата тұру туралы хабарлаймыз.",
            *([f"Берешек сомасы: {money_text(a['debt'])} теңге"] if "debt" in a else []),
        ]
    if kind is NoticeType.VAT_REGISTRATION:
        return [
            "қосылған құн салығы бойынша тіркеу есебіне қою туралы",
            f"{period}өткізу айналымы {money_text(a.get('turnover', Decimal(0)))} теңге, белгіленген шегі "
            f"{money_text(a.get('threshold', Decimal(0)))} теңгеден асып кетті.",
            "ҚҚС бойынша тіркеу есебіне қою туралы өтініш беру қажет.",
        ]
    return [
        "Ақпараттық хат",
        "Салық есептілігін тапсыру және салық төлеу мерзімдері туралы хабарлаймыз. Кабинеттегі деректерді тексеруді "
        "ұсынамыз.",
    ]


def compose(
    kind: NoticeType,
    *,
    iin: str,
    number: str,
    on: dt.date,
    delivered: dt.date,
    period: str | None = None,
    form: str | None = None,
    payment: str | None = None,
    amounts: Mapping[str, Decimal] | None = None,
) -> tuple[str, str, dict[str, Any]]:
    """``(text_ru, text_kk, details)`` of one notice; ``details`` carries the structured fields (JSON-safe)."""
    fields: dict[str, Any] = {"period": period, "form": form, "payment": payment, "amounts": dict(amounts or {})}
    title_ru = "РАСПОРЯЖЕНИЕ" if kind is NoticeType.ACCOUNT_SUSPENSION else "УВЕДОМЛЕНИЕ"
    if kind is NoticeType.INFORMATION:
        title_ru = "ИНФОРМАЦИОННОЕ ПИСЬМО"
    body_ru = _ru(kind, fields)
    if kind is NoticeType.INFORMATION:
        body_ru = body_ru[1:]
    ru = "\n".join(
        (
            f"{title_ru} № {number} от {on:%d.%m.%Y}",
            *body_ru,
            f"Налогоплательщик: ИИН {iin}",
            f"Дата вручения: {delivered:%d.%m.%Y}",
        )
    )
    kk = "\n".join(
        (
            f"{on:%Y} жылғы {on.day} {_MONTHS_KK[on.month - 1]} № {number} хабарлама",
            *_kk(kind, fields),
            f"Салық төлеуші: ЖСН {iin}",
            f"Табыс етілген күні: {delivered:%d.%m.%Y}",
        )
    )
    core = CoreNotice(
        type=kind, number=number, date=on, delivered=delivered, period=period, form=form, payment=payment
    )
    core.amounts = dict(fields["amounts"])
    deadline = resolve_deadline(core)
    details: dict[str, Any] = {
        "iin": iin,
        "type": kind.value,
        "number": number,
        "date": on.isoformat(),
        "delivered": delivered.isoformat(),
        "period": period,
        "form": form,
        "payment": payment,
        "amounts": {k: str(v) for k, v in fields["amounts"].items()},
        "basis": BASIS_RU[kind].removeprefix("В соответствии со ").removeprefix("В соответствии с ") or None,
        "deadline": deadline.date.isoformat() if deadline else None,
        "status": "open",
    }
    return ru, kk, details


_MONTHS_KK = (
    "қаңтардағы", "ақпандағы", "наурыздағы", "сәуірдегі", "мамырдағы", "маусымдағы",
    "шілдедегі", "тамыздағы", "қыркүйектегі", "қазандағы", "қарашадағы", "желтоқсандағы",
)  # fmt: skip
