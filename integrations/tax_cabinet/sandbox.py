"""The sandbox tax cabinet: the logic behind the local server (``server.py``), faithful to what СОНО checks.

On ``submit`` it verifies the XMLDSig signature (``integrations.signing.verify_xml``; the NCA test keys only in test
mode), checks the form (``core.filings.check_910``: format, template fields, mandatory fields, recomputed lines),
that the signer is the taxpayer, and that the period was not filed yet unless the form is an additional declaration
referring to a submission of that period. Every submission gets a registration number; a failed one is rejected with
reasons at once, a passing one is accepted and becomes processed ``processing_delay`` later on the injected clock.
The same idempotency key returns the same submission (also for the same form signed again); reused with another
document it is a conflict.

Notices of the revenue body are issued on events the tests (and local mode's sandbox trigger) control:
``issue_notice(iin, kind, …)`` — any ``core.notices.NoticeType`` with its realistic text (``notice_texts``), and
``issue_if_not_filed(iin, year, half)`` — a non-filing notice when no 910.00 of that half-year was accepted. An
explanation (пояснение, ``core.notices.explanation``) is verified like a form (signature, signer = taxpayer, the
notice is theirs and open), registered, ``received`` at once and ``reviewed`` ``review_delay`` later, which closes
the notice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field
from decimal import Decimal

from core.filings import Parsed910, apply_additional, check_910, mapping_910, parse_910
from core.notices import NoticeType
from core.notices.explanation import parse_explanation
from integrations.signing import CertificatePolicy, unsigned_content, verify_xml
from integrations.tax_cabinet.base import (
    ExplanationState,
    ExplanationStatus,
    IdempotencyConflictError,
    Notice,
    Submission,
    SubmissionState,
    SubmissionStatus,
    UnknownSubmissionError,
)
from integrations.tax_cabinet.clock import Clock, SystemClock
from integrations.tax_cabinet.notice_texts import compose

MAX_KEY = 200
ASTANA = dt.timezone(dt.timedelta(hours=5))  # Kazakhstan is on UTC+5 since 2024-03-01
MAX_DOCUMENT = 2 * 1024 * 1024
_NOTICE_KINDS = frozenset(t.value for t in NoticeType)


def _content_digest(xml: bytes) -> str:
    """The document's digest without its signature: the same form signed again is the same document."""
    try:
        content = unsigned_content(xml)
    except ValueError:
        content = xml
    return hashlib.sha256(content).hexdigest()


@dataclass
class Record:
    """One submission as the sandbox keeps it."""

    registration_number: str
    key: str
    digest: str
    received_at: dt.datetime
    state: SubmissionState
    reasons: tuple[str, ...]
    period: tuple[str, int, int] | None
    updated_at: dt.datetime

    def submission(self) -> Submission:
        return Submission(self.registration_number, self.state, self.reasons)

    def status(self) -> SubmissionStatus:
        return SubmissionStatus(self.state, self.reasons, self.updated_at)


@dataclass
class _Explanation:
    """One explanation as the sandbox keeps it."""

    registration_number: str
    key: str
    digest: str
    received_at: dt.datetime
    state: ExplanationState
    reasons: tuple[str, ...]
    notice_number: str | None
    updated_at: dt.datetime

    def status(self) -> ExplanationStatus:
        return ExplanationStatus(self.registration_number, self.state, self.reasons, self.updated_at)


@dataclass
class _Period:
    """A filed period: its live registration numbers and its full values after the last accepted form."""

    numbers: list[str] = field(default_factory=list)
    state: Parsed910 | None = None


class SandboxCabinet:
    """In-memory cabinet; ``test_mode`` accepts the NCA test keys and the test ИИН (never in production)."""

    def __init__(
        self,
        *,
        test_mode: bool = False,
        clock: Clock | None = None,
        processing_delay: dt.timedelta = dt.timedelta(minutes=10),
        policy: CertificatePolicy | None = None,
        office: str = "0000",
        review_delay: dt.timedelta = dt.timedelta(hours=1),
    ) -> None:
        self.test_mode = test_mode
        self.clock = clock or SystemClock()
        self.processing_delay = processing_delay
        self.review_delay = review_delay
        self.policy = policy or CertificatePolicy(allow_test_keys=test_mode, clock=self.clock.now)
        self._office = office
        self._lock = threading.Lock()
        self._records: dict[str, Record] = {}
        self._by_key: dict[str, str] = {}
        self._periods: dict[tuple[str, int, int], _Period] = {}
        self._notices: list[Notice] = []
        self._explanations: dict[str, _Explanation] = {}
        self._explanation_keys: dict[str, str] = {}
        self._closed: set[tuple[str, str]] = set()  # (iin, notice number) answered and reviewed

    # -- receipt --------------------------------------------------------------------------------------------
    def submit(self, signed_xml: bytes, idempotency_key: str) -> Submission:
        """Receive a signed form (see the module docstring); raises only for a bad key or a key conflict."""
        key = idempotency_key.strip()
        if not key or len(key) > MAX_KEY or not key.isprintable():
            raise ValueError(f"idempotency key must be 1–{MAX_KEY} printable characters")
        digest = _content_digest(signed_xml)
        with self._lock:
            known = self._by_key.get(key)
            if known is not None:
                record = self._records[known]
                if record.digest != digest:
                    raise IdempotencyConflictError(
                        "idempotency_conflict", "ключ уже использован для другого документа"
                    )
                return record.submission()
            now = self.clock.now()
            reasons, period, parsed = self._examine(signed_xml)
            number = f"SB{self._office}{now:%Y%m%d}{len(self._records) + 1:06d}"
            state = SubmissionState.REJECTED if reasons else SubmissionState.ACCEPTED
            record = Record(number, key, digest, now, state, tuple(reasons), period, now)
            self._records[number] = record
            self._by_key[key] = number
            if state is SubmissionState.ACCEPTED and period is not None and parsed is not None:
                self._file(period, number, parsed)
            self._notify(record, now)
            return record.submission()

    def _examine(self, xml: bytes) -> tuple[list[str], tuple[str, int, int] | None, Parsed910 | None]:
        if len(xml) > MAX_DOCUMENT:
            return [f"format: документ больше {MAX_DOCUMENT // 1024} КБ"], None, None
        parsed, structure = parse_910(xml)
        if parsed is None:
            return [str(i) for i in structure], None, None
        verified = verify_xml(xml, self.policy)
        reasons = [f"signature: {e}" for e in verified.errors]
        if verified.signer is not None and verified.signer.iin != parsed.iin:
            reasons.append(f"signer: подписано ИИН {verified.signer.iin}, декларация ИИН {parsed.iin}")
        iin, year, half = parsed.iin, parsed.year, parsed.half
        period = (iin, year, half) if iin and year is not None and half is not None else None
        filed = self._periods.get(period) if period else None
        additional = parsed.kind() == "additional"
        reasons += [
            str(i) for i in check_910(xml, original=filed.state if filed else None, allow_test_iin=self.test_mode)
        ]
        if period is not None:
            reasons += self._period_reasons(parsed, filed, additional)
        reasons += self._date_reasons(parsed)
        return reasons, period, parsed

    def _date_reasons(self, parsed: Parsed910) -> list[str]:
        """The submission date may not be later than today (the template's check 20269229, Astana time), and a
        regular declaration is filed after its half-year ends (a liquidation one, ``dt_final``, may come earlier)."""
        m = mapping_910()
        today = self.clock.now().astimezone(ASTANA).date()
        found: list[str] = []
        if parsed.year is not None and parsed.half in (1, 2) and parsed.text(m.kinds["final"]) != m.checkbox_true:
            ends = dt.date(parsed.year, 6, 30) if parsed.half == 1 else dt.date(parsed.year, 12, 31)
            if today <= ends:
                found.append(f"period_not_ended: полугодие {parsed.year}-H{parsed.half} ещё не закончилось")
        spot = m.inputs["submit_date"]
        raw = parsed.text(spot.field, spot.sheet)
        try:
            day = dt.datetime.strptime(raw or "", m.date_format).date()
        except ValueError:
            return found  # check_910 already reported a missing or malformed date
        if day > today:
            found.append(f"submit_date: указана дата больше текущей ({raw})")
        return found

    @staticmethod
    def _period_reasons(parsed: Parsed910, filed: _Period | None, additional: bool) -> list[str]:
        label = f"{parsed.year}-H{parsed.half}"
        if not additional:
            if filed and filed.numbers:
                return [
                    f"period_already_submitted: декларация за {label} уже принята (рег. № {filed.numbers[0]}): "
                    "изменения подаются дополнительной декларацией"
                ]
            return []
        if not filed or not filed.numbers:
            return [f"no_original: за {label} нет принятой декларации, дополнять нечего"]
        if parsed.original not in filed.numbers:
            return [f"original: рег. № {parsed.original} не декларация за {label} этого налогоплательщика"]
        return []

    def _file(self, period: tuple[str, int, int], number: str, parsed: Parsed910) -> None:
        filed = self._periods.setdefault(period, _Period())
        filed.numbers.append(number)
        filed.state = apply_additional(filed.state, parsed) if filed.state is not None else parsed

    # -- notices of the revenue body (events the tests control) ---------------------------------------------
    def issue_notice(
        self,
        iin: str,
        kind: NoticeType | str,
        *,
        period: str | None = None,
        form: str | None = None,
        payment: str | None = None,
        amounts: dict[str, Decimal] | None = None,
        delivered: dt.date | None = None,
    ) -> Notice:
        """A notice of ``kind`` to ``iin``, dated today (Astana), delivered ``delivered`` (default: today)."""
        kind = NoticeType(kind)
        with self._lock:
            now = self.clock.now()
            today = now.astimezone(ASTANA).date()
            seq = 1 + sum(1 for n in self._notices if n.kind in _NOTICE_KINDS)
            number = f"{self._office}-{today:%y}-{seq:05d}"
            ru, kk, details = compose(
                kind,
                iin=iin,
                number=number,
                on=today,
                delivered=delivered or today,
                period=period,
                form=form,
                payment=payment,
                amounts=amounts,
            )
            notice = Notice(f"N{len(self._notices) + 1:06d}", kind.value, now, None, ru, kk, details, iin)
            self._notices.append(notice)
            return notice

    def issue_if_not_filed(self, iin: str, year: int, half: int) -> Notice | None:
        """The non-filing notice for 910.00 of ``year``-H``half`` when no declaration of it was accepted."""
        with self._lock:
            filed = self._periods.get((iin, year, half))
            if filed is not None and filed.numbers:
                return None
        return self.issue_notice(iin, NoticeType.NON_FILING, period=f"{year}-H{half}", form="910.00")

    # -- explanations (пояснения) -----------------------------------------------------------------------------
    def submit_explanation(self, signed_xml: bytes, idempotency_key: str) -> ExplanationStatus:
        """Receive a signed explanation; the same key returns the same registration number."""
        key = idempotency_key.strip()
        if not key or len(key) > MAX_KEY or not key.isprintable():
            raise ValueError(f"idempotency key must be 1–{MAX_KEY} printable characters")
        digest = _content_digest(signed_xml)
        with self._lock:
            known = self._explanation_keys.get(key)
            if known is not None:
                record = self._explanations[known]
                if record.digest != digest:
                    raise IdempotencyConflictError(
                        "idempotency_conflict", "ключ уже использован для другого документа"
                    )
                return record.status()
            now = self.clock.now()
            reasons, notice_number = self._examine_explanation(signed_xml)
            number = f"SBE{self._office}{now:%Y%m%d}{len(self._explanations) + 1:06d}"
            state = ExplanationState.REJECTED if reasons else ExplanationState.RECEIVED
            record = _Explanation(number, key, digest, now, state, tuple(reasons), notice_number, now)
            self._explanations[number] = record
            self._explanation_keys[key] = number
            return record.status()

    def _examine_explanation(self, xml: bytes) -> tuple[list[str], str | None]:
        if len(xml) > MAX_DOCUMENT:
            return [f"format: документ больше {MAX_DOCUMENT // 1024} КБ"], None
        doc = parse_explanation(xml)
        if doc is None:
            return ["format: это не пояснение к уведомлению"], None
        verified = verify_xml(xml, self.policy)
        reasons = [f"signature: {e}" for e in verified.errors]
        if verified.signer is not None and verified.signer.iin != doc.iin:
            reasons.append(f"signer: подписано ИИН {verified.signer.iin}, пояснение ИИН {doc.iin}")
        if not doc.text.strip():
            reasons.append("text: пустое пояснение")
        ours = [n for n in self._notices if n.iin == doc.iin and n.details.get("number") == doc.notice_number]
        if not ours:
            reasons.append(f"notice: нет уведомления № {doc.notice_number} этого налогоплательщика")
        elif (doc.iin, doc.notice_number) in self._closed:
            reasons.append(f"notice: уведомление № {doc.notice_number} уже исполнено")
        return reasons, doc.notice_number

    def explanation_status(self, registration_number: str) -> ExplanationStatus:
        with self._lock:
            self._advance()
            record = self._explanations.get(registration_number)
            if record is None:
                raise UnknownSubmissionError("unknown_explanation", f"нет пояснения с рег. № {registration_number}")
            return record.status()

    # -- processing on the clock ----------------------------------------------------------------------------
    def _advance(self) -> None:
        now = self.clock.now()
        for record in self._records.values():
            due = record.received_at + self.processing_delay
            if record.state is SubmissionState.ACCEPTED and now >= due:
                record.state = SubmissionState.PROCESSED
                record.updated_at = due
                self._notify(record, due)
        for answer in self._explanations.values():
            due = answer.received_at + self.review_delay
            if answer.state is ExplanationState.RECEIVED and now >= due:
                answer.state = ExplanationState.REVIEWED
                answer.updated_at = due
                for notice in self._notices:
                    if notice.details.get("number") == answer.notice_number and notice.iin is not None:
                        self._closed.add((notice.iin, str(answer.notice_number)))

    def _notify(self, record: Record, at: dt.datetime) -> None:
        texts = {
            SubmissionState.ACCEPTED: ("Декларация принята", "Декларация қабылданды"),
            SubmissionState.PROCESSED: ("Декларация обработана", "Декларация өңделді"),
            SubmissionState.REJECTED: ("Декларация не принята", "Декларация қабылданбады"),
        }
        ru, kk = texts[record.state]
        self._notices.append(
            Notice(
                id=f"N{len(self._notices) + 1:06d}",
                kind=f"submission_{record.state.value}",
                created_at=at,
                registration_number=record.registration_number,
                text_ru=f"{ru}: рег. № {record.registration_number}",
                text_kk=f"{kk}: тіркеу № {record.registration_number}",
                details={"reasons": list(record.reasons)},
            )
        )

    # -- reading --------------------------------------------------------------------------------------------
    def status(self, registration_number: str) -> SubmissionStatus:
        with self._lock:
            self._advance()
            record = self._records.get(registration_number)
            if record is None:
                raise UnknownSubmissionError("unknown_submission", f"нет декларации с рег. № {registration_number}")
            return record.status()

    def list_notices(self, since: dt.datetime | None = None, iin: str | None = None) -> list[Notice]:
        """Notices created after ``since`` (all when ``None``), oldest first; ``iin`` — only that taxpayer's."""
        with self._lock:
            self._advance()
            found = [
                self._current(n)
                for n in self._notices
                if (since is None or n.created_at > since) and (iin is None or n.iin == iin)
            ]
            return sorted(found, key=lambda n: (n.created_at, n.id))

    def get_notice(self, notice_id: str) -> Notice:
        with self._lock:
            self._advance()
            for notice in self._notices:
                if notice.id == notice_id:
                    return self._current(notice)
        raise UnknownSubmissionError("unknown_notice", f"нет уведомления {notice_id}")

    def _current(self, notice: Notice) -> Notice:
        """The notice with its status now (``closed`` after a reviewed explanation)."""
        if notice.iin is None or (notice.iin, str(notice.details.get("number"))) not in self._closed:
            return notice
        return dataclasses.replace(notice, details={**notice.details, "status": "closed"})


class LocalTaxCabinet:
    """``TaxCabinet`` over a sandbox in the same process (no HTTP) — for chat-flow tests and local mode."""

    def __init__(self, sandbox: SandboxCabinet) -> None:
        self.sandbox = sandbox

    async def submit(self, signed_xml: bytes, idempotency_key: str) -> Submission:
        return self.sandbox.submit(signed_xml, idempotency_key)

    async def status(self, registration_number: str) -> SubmissionStatus:
        return self.sandbox.status(registration_number)

    async def list_notices(self, since: dt.datetime | None = None, iin: str | None = None) -> list[Notice]:
        return self.sandbox.list_notices(since, iin)

    async def get_notice(self, notice_id: str) -> Notice:
        return self.sandbox.get_notice(notice_id)

    async def send_explanation(self, signed_xml: bytes, idempotency_key: str) -> ExplanationStatus:
        return self.sandbox.submit_explanation(signed_xml, idempotency_key)

    async def explanation_status(self, registration_number: str) -> ExplanationStatus:
        return self.sandbox.explanation_status(registration_number)
