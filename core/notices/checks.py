"""Checks of a notice against the user's own data, given as plain values (no storage access here).

* ``check_arrears`` — is the debt real: the notice's debt against what the user owed and the payments recorded.
* ``check_discrepancy`` — does a desk-audit discrepancy hold: the declared figure against recorded income and the
  documents (ESF) the user issued.
* ``check_filing`` — was the form actually filed for the period.

Each returns a ``Check``: a stable ``code``, ``holds`` (the notice is right: ``True``; wrong: ``False``), the texts in
both languages and the figures compared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.explain import Lang, format_amount, jsonable
from core.money import whole_tenge
from core.notices.model import Notice, NoticeType

ZERO = Decimal(0)
_TOLERANCE = Decimal(1)  # one tenge: rounding of separate lines


@dataclass(frozen=True)
class Check:
    """The outcome of one check."""

    code: str  # debt_confirmed | debt_not_confirmed | debt_partly | discrepancy_holds | discrepancy_explainable |
    # form_filed | form_not_filed | not_checkable
    holds: bool | None
    text_ru: str
    text_kk: str
    figures: dict[str, Decimal] = field(default_factory=dict)

    def text(self, lang: Lang) -> str:
        return self.text_kk if lang == "kk" else self.text_ru

    def to_json(self, lang: Lang = "ru") -> dict[str, Any]:
        return {
            "code": self.code,
            "holds": self.holds,
            "text": self.text(lang),
            "figures": {k: jsonable(v) for k, v in self.figures.items()},
        }


@dataclass(frozen=True)
class UserData:
    """The user's records relevant to a notice, as plain values."""

    charged: Decimal | None = None  # what was due for the notice's payment and period, by the user's records
    payments: Sequence[Decimal] = ()  # payments recorded for it
    recorded_income: Decimal | None = None  # income recorded for the period
    issued_documents: Decimal | None = None  # total of ESF / invoices issued in the period
    filed: Mapping[tuple[str, str], dt.date] | Iterable[tuple[str, str]] = ()  # (form, period) → accepted on


def check_arrears(claimed: Decimal, *, charged: Decimal, payments: Sequence[Decimal]) -> Check:
    """The notice claims ``claimed``; the user's records say ``charged`` was due and ``payments`` were made."""
    paid = sum(payments, ZERO)
    unpaid = max(ZERO, charged - paid)
    figures = {"claimed": claimed, "charged": charged, "paid": paid, "unpaid": unpaid}
    if unpaid + _TOLERANCE >= claimed:
        return Check(
            "debt_confirmed",
            True,
            f"Долг подтверждается: начислено {format_amount(charged)}, оплачено {format_amount(paid)}, "
            f"не оплачено {format_amount(unpaid)}. Нужно оплатить долг и пеню.",
            f"Берешек расталады: есептелген {format_amount(charged)}, төленген {format_amount(paid)}, "
            f"төленбеген {format_amount(unpaid)}. Берешек пен өсімпұлды төлеу қажет.",
            figures,
        )
    if unpaid <= _TOLERANCE:
        return Check(
            "debt_not_confirmed",
            False,
            f"По вашим данным долга нет: начислено {format_amount(charged)}, оплачено {format_amount(paid)}. "
            "Вероятно, платёж зачтён не туда (КБК, период) — ответим пояснением с платёжками.",
            f"Деректеріңіз бойынша берешек жоқ: есептелген {format_amount(charged)}, төленген {format_amount(paid)}. "
            "Төлем басқа жерге есептелген болуы мүмкін (БЖК, кезең) — төлем тапсырмаларымен түсініктеме жібереміз.",
            figures,
        )
    excess = whole_tenge(claimed - unpaid)
    figures["excess"] = excess
    return Check(
        "debt_partly",
        True,
        f"Долг подтверждается частично: по вашим данным не оплачено {format_amount(unpaid)}, в уведомлении "
        f"{format_amount(claimed)} — на {format_amount(excess)} больше. Оплатите свою часть и направьте пояснение.",
        f"Берешек ішінара расталады: деректеріңіз бойынша төленбеген {format_amount(unpaid)}, хабарламада "
        f"{format_amount(claimed)} — {format_amount(excess)} артық. Өз бөлігіңізді төлеп, түсініктеме жіберіңіз.",
        figures,
    )


def check_discrepancy(
    declared: Decimal,
    third_party: Decimal,
    *,
    recorded_income: Decimal,
    issued_documents: Decimal | None = None,
) -> Check:
    """Desk audit: the declaration shows ``declared``, ESF/bank data ``third_party``; the user recorded
    ``recorded_income`` and issued documents for ``issued_documents``."""
    evidence = max(recorded_income, issued_documents or ZERO)
    figures = {
        "declared": declared,
        "third_party": third_party,
        "recorded_income": recorded_income,
        "issued_documents": issued_documents if issued_documents is not None else ZERO,
    }
    if evidence > declared + _TOLERANCE:
        under = whole_tenge(evidence - declared)
        figures["undeclared"] = under
        return Check(
            "discrepancy_holds",
            True,
            f"Расхождение подтверждается: по вашему учёту доход {format_amount(evidence)}, в декларации "
            f"{format_amount(declared)} — не задекларировано {format_amount(under)}. Нужна дополнительная декларация.",
            f"Алшақтық расталады: есебіңіз бойынша табыс {format_amount(evidence)}, декларацияда "
            f"{format_amount(declared)} — {format_amount(under)} мәлімделмеген. Қосымша декларация қажет.",
            figures,
        )
    gap = whole_tenge(max(ZERO, third_party - declared))
    figures["unexplained"] = gap
    return Check(
        "discrepancy_explainable",
        False,
        f"Ваш учёт совпадает с декларацией ({format_amount(declared)}). Разница {format_amount(gap)} с данными "
        "налоговой — не доход (возвраты, переводы между своими счетами, займы): ответим пояснением с документами.",
        f"Есебіңіз декларациямен сәйкес ({format_amount(declared)}). Салық органы деректерімен {format_amount(gap)} "
        "айырма — табыс емес (қайтарымдар, өз шоттар арасындағы аударымдар, қарыздар): құжаттармен түсініктеме "
        "жібереміз.",
        figures,
    )


def check_filing(
    form: str, period: str, filed: Mapping[tuple[str, str], dt.date] | Iterable[tuple[str, str]]
) -> Check:
    """Was ``form`` for ``period`` filed (``filed``: the (form, period) pairs accepted, optionally with the date)."""
    accepted = dict(filed) if isinstance(filed, Mapping) else dict.fromkeys(filed)
    key = (form, period)
    if key in accepted:
        when = accepted[key]
        on_ru = f" {when:%d.%m.%Y}" if isinstance(when, dt.date) else ""
        return Check(
            "form_filed",
            False,
            f"Форма {form} за {period} у вас сдана{on_ru}: ответим, указав дату и номер приёма.",
            f"{period} үшін {form} нысаны тапсырылған{on_ru}: қабылдау күні мен нөмірін көрсетіп жауап береміз.",
        )
    return Check(
        "form_not_filed",
        True,
        f"Форма {form} за {period} действительно не сдана: её нужно сдать до срока ответа.",
        f"{period} үшін {form} нысаны шынымен тапсырылмаған: оны жауап мерзіміне дейін тапсыру қажет.",
    )


def check_notice(notice: Notice, data: UserData) -> Check:
    """The check that fits the notice's type, with what the notice and the user's data give."""
    a = notice.amounts
    if notice.type is NoticeType.ARREARS and "debt" in a and data.charged is not None:
        return check_arrears(a["debt"], charged=data.charged, payments=data.payments)
    if notice.type is NoticeType.DESK_AUDIT and "declared" in a and data.recorded_income is not None:
        third = a.get("third_party", a["declared"] + a.get("difference", ZERO))
        return check_discrepancy(
            a["declared"], third, recorded_income=data.recorded_income, issued_documents=data.issued_documents
        )
    if notice.type is NoticeType.NON_FILING and notice.form and notice.period:
        return check_filing(notice.form, notice.period, data.filed)
    return Check(
        "not_checkable",
        None,
        "Сверить автоматически не получилось: не хватает данных уведомления или вашего учёта.",
        "Автоматты түрде салыстыру мүмкін болмады: хабарлама немесе есеп деректері жеткіліксіз.",
    )
