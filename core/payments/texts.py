"""Purpose texts of orders (назначение платежа) in Russian and Kazakh, and amounts in words."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from core import words
from core.calc.labels import label
from core.explain import format_amount
from core.payments.model import SOCIAL_KINDS, PaymentKind, PaymentOrder

MONTHS_RU = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip
MONTHS_KK = (
    "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым",
    "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан",
)  # fmt: skip

# kind → (ru, kk) name as written in a purpose
NAMES: dict[PaymentKind, tuple[str, str]] = {
    PaymentKind.IPN_910: (
        "ИПН с доходов, не облагаемых у источника выплаты (упрощённая декларация 910.00)",
        "Төлем көзінен салық салынбайтын кірістерден ЖТС (910.00 оңайлатылған декларация)",
    ),
    PaymentKind.SOCIAL_TAX_910: (
        "Социальный налог (упрощённая декларация 910.00)",
        "Әлеуметтік салық (910.00 оңайлатылған декларация)",
    ),
    PaymentKind.IPN_WITHHELD: ("ИПН, удержанный у источника выплаты", "Төлем көзінен ұсталған ЖТС"),
    PaymentKind.OPV: ("Обязательные пенсионные взносы (ОПВ)", "Міндетті зейнетақы жарналары (МЗЖ)"),
    PaymentKind.OPVR: (
        "Обязательные пенсионные взносы работодателя (ОПВР)",
        "Жұмыс берушінің міндетті зейнетақы жарналары (МЗЖЖ)",
    ),
    PaymentKind.SO: ("Социальные отчисления (СО)", "Әлеуметтік аударымдар (ӘА)"),
    PaymentKind.VOSMS: (
        "Взносы на обязательное социальное медицинское страхование (ВОСМС)",
        "Міндетті әлеуметтік медициналық сақтандыруға жарналар (МӘМС)",
    ),
    PaymentKind.OOSMS: (
        "Отчисления на обязательное социальное медицинское страхование (ООСМС)",
        "Міндетті әлеуметтік медициналық сақтандыруға аударымдар (МӘМСА)",
    ),
    PaymentKind.PLATFORM_FEE: ("Абонентская плата за сервис asistent", "asistent сервисінің абоненттік төлемі"),
    PaymentKind.OWN_TRANSFER: (
        "Перевод собственных средств на личный счёт",
        "Өз қаражатын жеке шотқа аудару",
    ),
}


def period_words(period: str) -> tuple[str, str]:
    """``"2026-10"`` → ("октябрь 2026 г.", "2026 ж. қазан айы"); ``"2026-H1"`` → first half-year."""
    year, _, rest = period.partition("-")
    if rest.startswith("H"):
        half = rest[1:]
        return f"{half}-е полугодие {year} г.", f"{year} ж. {half}-жартыжылдық"
    month = int(rest)
    return f"{MONTHS_RU[month - 1]} {year} г.", f"{year} ж. {MONTHS_KK[month - 1]} айы"


def purpose(kind: PaymentKind, period: str, *, persons: int = 0) -> tuple[str, str]:
    """The purpose text (ru, kk): what, for which period, and how many persons for a social payment."""
    name_ru, name_kk = NAMES[kind]
    when_ru, when_kk = period_words(period)
    ru, kk = f"{name_ru} за {when_ru}", f"{when_kk} үшін {name_kk[:1].lower()}{name_kk[1:]}"
    if persons > 1:
        ru, kk = f"{ru}, {persons} чел.", f"{kk}, {persons} адам"
    return ru, kk


def penalty_purpose(kind: PaymentKind, period: str) -> tuple[str, str]:
    """ "Пеня: <purpose>" / "Өсімпұл: <purpose>"."""
    ru, kk = purpose(kind, period)
    if ru[1:2].islower():  # keep abbreviations such as "ИПН"
        ru = ru[:1].lower() + ru[1:]
    return f"Пеня: {ru}", f"Өсімпұл: {kk}"


def amount_in_words(amount: Decimal, lang: str = "ru") -> str:
    """``Decimal("61450")`` → "Шестьдесят одна тысяча четыреста пятьдесят тенге 00 тиынов" (or Kazakh)."""
    return words.amount_in_words(amount, "kk" if lang == "kk" else "ru")


# kind → (ru, kk) short name for the chat summary
SHORT: dict[PaymentKind, tuple[str, str]] = {
    PaymentKind.IPN_910: ("ИПН (910)", "ЖТС (910)"),
    PaymentKind.SOCIAL_TAX_910: ("соцналог (910)", "әлеуметтік салық (910)"),
    PaymentKind.IPN_WITHHELD: ("ИПН работников", "қызметкерлер ЖТС"),
    **{kind: label(kind.value) for kind in SOCIAL_KINDS},  # the engine's names of its lines
    PaymentKind.PLATFORM_FEE: ("абонентская плата", "абоненттік төлем"),
    PaymentKind.OWN_TRANSFER: ("перевод на карту", "картаға аудару"),
}


def summary(orders: Sequence[PaymentOrder], lang: str = "ru") -> str:
    """ "К оплате за октябрь 2026 г.: ОПВ 30 000 ₸, …, итого 61 450 ₸ до 25.11.2026" (or Kazakh)."""
    if not orders:
        return "Нечего оплачивать." if lang != "kk" else "Төлейтін ештеңе жоқ."
    kk = lang == "kk"
    parts = ", ".join(f"{SHORT[o.kind][1 if kk else 0]} {format_amount(o.amount)}" for o in orders)
    amount = format_amount(sum((o.amount for o in orders), Decimal(0)))
    dues = [o.due for o in orders if o.due is not None]
    when_ru, when_kk = period_words(orders[0].period)
    if kk:
        due = f", {min(dues):%d.%m.%Y} дейін" if dues else ""
        return f"{when_kk} үшін төлеуге: {parts}, барлығы {amount}{due}"
    due = f" до {min(dues):%d.%m.%Y}" if dues else ""
    return f"К оплате за {when_ru}: {parts}, итого {amount}{due}"
