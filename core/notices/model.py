"""Notices of the state revenue bodies (уведомления органов государственных доходов): types and the notice itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from core.explain import jsonable


class NoticeType(StrEnum):
    """The kinds of notice an ИП receives (stable codes: add, never rename)."""

    NON_FILING = "non_filing"  # уведомление о непредставлении налоговой отчётности
    ARREARS = "arrears"  # уведомление о сумме налоговой задолженности / задолженности по соцплатежам (+ пеня)
    DESK_AUDIT = "desk_audit"  # уведомление об устранении нарушений по результатам камерального контроля
    ACCOUNT_SUSPENSION = "account_suspension"  # распоряжение о приостановлении расходных операций по счетам
    VAT_REGISTRATION = "vat_registration"  # о постановке на регистрационный учёт по НДС
    INFORMATION = "information"  # информационное письмо


# Amount keys a notice may carry (stable).
AMOUNT_KEYS = ("debt", "penalty", "total", "declared", "third_party", "difference", "turnover", "threshold")


@dataclass(frozen=True, slots=True)
class Deadline:
    """The response deadline: the date, how it was counted and on what legal basis."""

    date: dt.date
    days: int | None
    day_kind: str  # working | calendar | stated
    counted_from: dt.date | None
    basis: str

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "days": self.days,
            "day_kind": self.day_kind,
            "counted_from": self.counted_from.isoformat() if self.counted_from else None,
            "basis": self.basis,
        }


@dataclass
class Notice:
    """A notice as read from the cabinet, a forwarded PDF or pasted text."""

    type: NoticeType
    number: str | None = None
    date: dt.date | None = None
    delivered: dt.date | None = None
    basis: str | None = None
    period: str | None = None
    form: str | None = None
    payment: str | None = None  # ipn | social_tax | opv | so | vosms … when the notice names it
    amounts: dict[str, Decimal] = field(default_factory=dict)
    stated_deadline: dt.date | None = None
    stated_days: int | None = None
    deadline: Deadline | None = None
    confidence: float = 0.0
    text: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type.value,
            "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "delivered": self.delivered.isoformat() if self.delivered else None,
            "deadline": self.deadline.date.isoformat() if self.deadline else None,
            "deadline_detail": self.deadline.to_json() if self.deadline else None,
            "basis": self.basis,
            "period": self.period,
            "form": self.form,
            "payment": self.payment,
            "stated_deadline": self.stated_deadline.isoformat() if self.stated_deadline else None,
            "amounts": {k: jsonable(v) for k, v in self.amounts.items()},
            "confidence": round(self.confidence, 2),
        }
