"""What the notices flow needs from the tax cabinet: the taxpayer's notices since a moment, sending a signed
explanation (пояснение) and following it; signing on the phone; in local mode a sandbox trigger for a sample notice.

Bound to ``integrations.tax_cabinet`` in ``dialogs/adapters/notices.py``; ``None`` in ``EffectServices.notices``
means the chat still reads forwarded notices, but cannot fetch them or send an answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from dialogs.effects.ports import KeptSigning, PhoneSigning


@dataclass(frozen=True, slots=True)
class CabinetNotice:
    """A notice as the cabinet lists it: ``kind`` a ``core.notices.NoticeType`` value, ``details`` its fields
    (number, date, delivered, period, form, payment, amounts, basis, deadline, status)."""

    id: str
    kind: str
    created_at: dt.datetime
    text_ru: str
    text_kk: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ExplanationAnswer:
    """The cabinet's view of an explanation: number, ``received`` / ``reviewed`` / ``rejected``, reasons."""

    registration_number: str
    status: str
    reasons: tuple[str, ...] = ()

    @property
    def final(self) -> bool:
        return self.status in ("reviewed", "rejected")


class NoticeCabinet(Protocol):
    """The cabinet's notices and explanations; ``EffectUnavailable`` when it cannot be reached."""

    async def notices(self, iin: str, since: dt.datetime | None) -> list[CabinetNotice]:
        """The taxpayer's notices of the revenue body created after ``since`` (all when ``None``), oldest first."""
        ...

    async def send_explanation(self, signed_xml: bytes, idempotency_key: str) -> ExplanationAnswer:
        """Send a signed explanation; the same key always returns the same registration number."""
        ...

    async def explanation_status(self, registration_number: str) -> ExplanationAnswer: ...


class SampleNotices(Protocol):
    """Local mode only: the sandbox cabinet issues a sample notice of ``kind`` to ``iin`` (never in production)."""

    async def issue(self, iin: str, kind: str) -> None: ...


@dataclass(slots=True)
class NoticePorts:
    """Filled in by the app (``dialogs.adapters.notices``); ``None`` in ``EffectServices`` means «недоступно»."""

    cabinet: NoticeCabinet
    phone: PhoneSigning | None = None
    kept: KeptSigning | None = None
    sample: SampleNotices | None = None  # the sandbox trigger of local mode
