"""The notices flow's data: a stored notice ↔ ``core.notices.Notice``, the user's own records a notice is checked
against (recorded income, issued documents, payments and filings from the ``effects`` table), the пеня to date,
and the payment orders that pay a confirmed debt.

Kept apart from the conversation (``flows/notices.py``) and the worker tick (``effects/notice_ticks.py``), which
both use it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.calc import CalcInputError, CalcResult
from core.notices import Check, Notice, NoticeType, UserData, check_notice, penalty_interest, resolve_deadline
from core.storage import notices as repo
from core.storage.models import Document, IncomeEntry, TaxNotice
from dialogs.effects.notice_ports import CabinetNotice
from dialogs.effects.store import EffectStore
from dialogs.ports import ProfileData, Taxes

#: a notice's payment → the order's kind (``core.payments.PaymentKind``) and the пеня kind
ORDER_KINDS = {"ipn": "ipn_910", "social_tax": "social_tax_910", "opv": "opv", "so": "so", "vosms": "vosms"}
SOCIAL = frozenset({"opv", "so", "vosms"})
FILED = ("submitted", "processed")


def _date(raw: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def number_of(notice: Notice) -> str:
    """The notice's number, or a stable stand-in from its text when it has none (one row per notice anyway)."""
    if notice.number:
        return notice.number[:64]
    return "#" + hashlib.sha256(" ".join(notice.text.split()).encode()).hexdigest()[:16]


def from_cabinet(found: CabinetNotice) -> Notice:
    """A cabinet notice as ``core.notices.Notice`` from its structured details (the text is kept as read)."""
    d = found.details
    notice = Notice(
        type=NoticeType(found.kind),
        number=str(d.get("number") or "") or None,
        date=_date(d.get("date")),
        delivered=_date(d.get("delivered")),
        basis=d.get("basis"),
        period=d.get("period"),
        form=d.get("form"),
        payment=d.get("payment"),
        amounts={str(k): Decimal(str(v)) for k, v in dict(d.get("amounts") or {}).items()},
        stated_deadline=_date(d.get("deadline")),
        confidence=1.0,
        text=found.text_ru,
    )
    notice.deadline = resolve_deadline(notice)
    return notice


def from_row(row: TaxNotice) -> Notice:
    """The stored notice back as ``core.notices.Notice`` (the deadline recomputed from the dated parameters)."""
    f = row.fields or {}
    notice = Notice(
        type=NoticeType(row.kind),
        number=None if row.number.startswith("#") else row.number,
        date=row.issued_on,
        delivered=row.delivered_on,
        basis=f.get("basis"),
        period=f.get("period"),
        form=f.get("form"),
        payment=f.get("payment"),
        amounts={str(k): Decimal(str(v)) for k, v in dict(row.amounts or {}).items()},
        stated_deadline=_date(f.get("stated_deadline")),
        stated_days=f.get("stated_days"),
        confidence=float(f.get("confidence") or 0),
        text=row.text,
    )
    notice.deadline = resolve_deadline(notice)
    return notice


async def save(
    session: AsyncSession,
    user_id: str,
    notice: Notice,
    source: str,
    *,
    cabinet: CabinetNotice | None = None,
) -> tuple[TaxNotice, bool]:
    """Keep the notice for the user: one row per number (a second fetch or forward returns the same row)."""
    fields: dict[str, Any] = {
        "period": notice.period,
        "form": notice.form,
        "payment": notice.payment,
        "basis": notice.basis,
        "stated_deadline": notice.stated_deadline.isoformat() if notice.stated_deadline else None,
        "stated_days": notice.stated_days,
        "confidence": round(notice.confidence, 2),
    }
    if cabinet is not None:
        fields["text_kk"] = cabinet.text_kk
    return await repo.save_notice(
        session,
        int(user_id),
        number=number_of(notice),
        kind=notice.type.value,
        source=source,
        issued_on=notice.date,
        delivered_on=notice.delivered,
        deadline=notice.deadline.date if notice.deadline else None,
        amounts={k: str(v) for k, v in notice.amounts.items()},
        fields=fields,
        text=notice.text[:20000],
        cabinet_id=cabinet.id if cabinet else None,
        cabinet_at=cabinet.created_at if cabinet else None,
    )


def _half_range(period: str) -> tuple[dt.date, dt.date] | None:
    if len(period) == 7 and period[4:6] == "-H" and period[:4].isdigit() and period[6] in "12":
        year, half = int(period[:4]), int(period[6])
        first = dt.date(year, 1 if half == 1 else 7, 1)
        return first, dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)
    if len(period) == 7 and period[4] == "-" and period[:4].isdigit() and period[5:].isdigit():
        year, month = int(period[:4]), int(period[5:])
        if 1 <= month <= 12:
            end = (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)
            return dt.date(year, month, 1), end
    if len(period) == 4 and period.isdigit():
        return dt.date(int(period), 1, 1), dt.date(int(period), 12, 31)
    return None


async def _income(session: AsyncSession, user_id: str, start: dt.date, end: dt.date) -> Decimal:
    stmt = select(func.coalesce(func.sum(IncomeEntry.amount), 0)).where(
        IncomeEntry.user_id == int(user_id),
        IncomeEntry.received_on >= start,
        IncomeEntry.received_on <= end,
        IncomeEntry.voided_at.is_(None),
    )
    return Decimal(str((await session.execute(stmt)).scalar_one()))


async def _documents(session: AsyncSession, user_id: str, start: dt.date, end: dt.date) -> Decimal | None:
    stmt = select(func.sum(Document.total)).where(
        Document.user_id == int(user_id),
        Document.doc_type == "invoice",
        Document.status == "issued",
        Document.issued_on >= start,
        Document.issued_on <= end,
    )
    value = (await session.execute(stmt)).scalar_one_or_none()
    return Decimal(str(value)) if value is not None else None


def _charged(taxes: Taxes | None, profile: ProfileData | None, notice: Notice, income: Decimal) -> Decimal | None:
    """What the user owed for the notice's payment and period by their own records (the tax engine)."""
    if taxes is None or profile is None or notice.period is None or notice.payment is None:
        return None
    period = notice.period
    lines: dict[str, Decimal] = {}
    try:
        if "-H" in period and notice.payment in ("ipn", "social_tax"):
            figures = taxes.half_year(profile, int(period[:4]), int(period[6]), income)
        elif len(period) == 7 and period[4] == "-" and notice.payment in SOCIAL:
            figures = taxes.month(profile, int(period[:4]), int(period[5:]), income)
        else:
            return None
    except (CalcInputError, ValueError):
        return None
    lines = {line.code: line.amount for line in figures.lines}
    raw = figures.raw
    if isinstance(raw, CalcResult):
        lines.update(raw.lines)
    wanted = {"ipn": ("910.00.008", "ipn"), "social_tax": ("910.00.009", "social_tax")}.get(
        notice.payment, (notice.payment,)
    )
    for code in wanted:
        if code in lines:
            return Decimal(lines[code])
    return None


async def user_data(
    effects: EffectStore, user_id: str, profile: ProfileData | None, taxes: Taxes | None, notice: Notice
) -> tuple[UserData, str | None]:
    """The user's records for ``notice`` and, for a filed form, its registration number."""
    session = effects.session
    span = _half_range(notice.period) if notice.period else None
    income = await _income(session, user_id, *span) if span else None
    documents = await _documents(session, user_id, *span) if span else None
    payments: list[Decimal] = []
    order_kind = ORDER_KINDS.get(notice.payment or "")
    if order_kind is not None:
        for row in await effects.of_user(user_id, "pay"):
            request = row.request
            ours = row.status == "executed" and request.get("order_kind") == order_kind
            if ours and request.get("period") == notice.period and not dict(request.get("order") or {}).get("penalty"):
                payments.append(Decimal(str(request.get("amount", "0"))))
    filed: set[tuple[str, str]] = set()
    number: str | None = None
    for row in await effects.of_user(user_id, "f910"):
        if row.status in FILED and row.request.get("period"):
            filed.add(("910.00", str(row.request["period"])))
            if row.request.get("period") == notice.period:
                number = str(row.result.get("registration_number") or "") or None
    charged = _charged(taxes, profile, notice, income) if income is not None else None
    data = UserData(
        charged=charged,
        payments=payments,
        recorded_income=income,
        issued_documents=documents,
        filed=filed,
    )
    return data, number


def check(notice: Notice, data: UserData) -> Check:
    return check_notice(notice, data)


def penalty_due(notice: Notice) -> dt.date | None:
    """When the claimed payment was due: the 910.00 pay-by date of a half-year, the 25th after a month's social
    payments (``core.calendar.deadlines``)."""
    from core.calendar.deadlines import f910_deadlines, social_payments_due

    period = notice.period or ""
    if "-H" in period and notice.payment in ("ipn", "social_tax"):
        return f910_deadlines(int(period[:4]), int(period[6]))[1]
    if len(period) == 7 and period[4] == "-" and period[5:].isdigit() and notice.payment in SOCIAL:
        return social_payments_due(int(period[:4]), int(period[5:]))
    return None


def penalty_to(notice: Notice, debt: Decimal, on: dt.date) -> CalcResult | None:
    """The пеня on ``debt`` from the day after it was due up to ``on`` (``None`` when the due date is unknown)."""
    due = penalty_due(notice)
    if due is None or debt <= 0:
        return None
    if notice.payment in SOCIAL:
        return penalty_interest(debt, due, max(on, due), kind="social")
    return penalty_interest(debt, due, max(on, due), kind="tax")
