"""The tax cabinet interface (Кабинет налогоплательщика / ИС СОНО): submit a signed form, read its status, notices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class SubmissionState(StrEnum):
    """Where a submitted form is: accepted on receipt, then processed — or rejected with reasons."""

    ACCEPTED = "accepted"  # принята
    PROCESSED = "processed"  # обработана
    REJECTED = "rejected"  # отклонена (reasons say why)

    @property
    def final(self) -> bool:
        return self is not SubmissionState.ACCEPTED


@dataclass(frozen=True, slots=True)
class Submission:
    """The answer to ``submit``: the registration number (регистрационный номер) and the status at receipt."""

    registration_number: str
    status: SubmissionState
    reasons: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "registration_number": self.registration_number,
            "status": self.status.value,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class SubmissionStatus:
    """The current status of a submission, the reasons of a rejection, and when it last changed."""

    status: SubmissionState
    reasons: tuple[str, ...] = ()
    updated_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """A message of the cabinet: a status of a submission (``submission_<state>``) or a notice of the revenue body
    (``kind`` one of ``core.notices.NoticeType``: ``details`` holds number, date, delivered, period, form, payment,
    amounts, basis, deadline and status). ``iin`` — whose cabinet it is in (``None``: not tied to a taxpayer)."""

    id: str
    kind: str
    created_at: dt.datetime
    registration_number: str | None = None
    text_ru: str = ""
    text_kk: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    iin: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "created_at": self.created_at.isoformat(),
            "registration_number": self.registration_number,
            "text_ru": self.text_ru,
            "text_kk": self.text_kk,
            "details": self.details,
            "iin": self.iin,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Notice:
        return cls(
            id=str(raw["id"]),
            kind=str(raw["kind"]),
            created_at=dt.datetime.fromisoformat(raw["created_at"]),
            registration_number=raw.get("registration_number"),
            text_ru=str(raw.get("text_ru", "")),
            text_kk=str(raw.get("text_kk", "")),
            details=dict(raw.get("details") or {}),
            iin=raw.get("iin"),
        )


class TaxCabinetError(Exception):
    """The cabinet could not be reached or refused the request itself (not the form): ``code`` + message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class UnknownSubmissionError(TaxCabinetError):
    """No submission (or notice) with that number."""


class IdempotencyConflictError(TaxCabinetError):
    """The idempotency key was already used for a different document."""


class ExplanationState(StrEnum):
    """Where an explanation (пояснение) to a notice is: received, then reviewed (the notice closed) — or rejected."""

    RECEIVED = "received"  # принято к рассмотрению
    REVIEWED = "reviewed"  # рассмотрено: уведомление исполнено
    REJECTED = "rejected"  # не принято (reasons say why)

    @property
    def final(self) -> bool:
        return self is not ExplanationState.RECEIVED


@dataclass(frozen=True, slots=True)
class ExplanationStatus:
    """An explanation's registration number, status, reasons of a rejection and when it last changed."""

    registration_number: str
    status: ExplanationState
    reasons: tuple[str, ...] = ()
    updated_at: dt.datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "registration_number": self.registration_number,
            "status": self.status.value,
            "reasons": list(self.reasons),
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ExplanationStatus:
        updated = raw.get("updated_at")
        return cls(
            str(raw["registration_number"]),
            ExplanationState(raw["status"]),
            tuple(raw.get("reasons") or ()),
            dt.datetime.fromisoformat(updated) if updated else None,
        )


class TaxCabinet(Protocol):
    """Submit a signed form (idempotent by key), read its status, read notices, answer a notice."""

    async def submit(self, signed_xml: bytes, idempotency_key: str) -> Submission:
        """Send the signed XML; the same key always returns the same registration number."""
        ...

    async def status(self, registration_number: str) -> SubmissionStatus: ...

    async def list_notices(self, since: dt.datetime | None = None, iin: str | None = None) -> list[Notice]:
        """Messages created after ``since`` (all when ``None``), oldest first; ``iin`` — only that taxpayer's."""
        ...

    async def get_notice(self, notice_id: str) -> Notice: ...

    async def send_explanation(self, signed_xml: bytes, idempotency_key: str) -> ExplanationStatus:
        """Send a signed explanation (``core.notices.explanation``); the same key returns the same number."""
        ...

    async def explanation_status(self, registration_number: str) -> ExplanationStatus: ...
