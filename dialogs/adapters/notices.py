"""The notices ports over ``integrations.tax_cabinet``: the taxpayer's notices, explanations, and in local mode the
sandbox trigger that issues a sample notice.

``local_notices(sandbox, phone)`` builds the ports over an in-process ``SandboxCabinet`` (the one filing uses, so a
filed declaration and a notice about it meet in one cabinet).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dialogs.effects.notice_ports import CabinetNotice, ExplanationAnswer, NoticePorts
from dialogs.effects.ports import EffectUnavailable, KeptSigning, PhoneSigning
from integrations.tax_cabinet import LocalTaxCabinet, SandboxCabinet, TaxCabinet, TaxCabinetError
from integrations.tax_cabinet.base import ExplanationStatus, Notice

#: the kinds of the revenue body's notices (the cabinet also lists statuses of submissions: not notices)
NOTICE_KINDS = frozenset(
    {"non_filing", "arrears", "desk_audit", "account_suspension", "vat_registration", "information"}
)


def _unavailable(exc: TaxCabinetError) -> Exception:
    return EffectUnavailable(exc.code) if exc.code in ("transport", "server") else exc


def _notice(found: Notice) -> CabinetNotice:
    return CabinetNotice(found.id, found.kind, found.created_at, found.text_ru, found.text_kk, dict(found.details))


def _answer(found: ExplanationStatus) -> ExplanationAnswer:
    return ExplanationAnswer(found.registration_number, found.status.value, tuple(found.reasons))


class NoticeCabinetAdapter:
    """``NoticeCabinet`` over a ``TaxCabinet`` (``LocalTaxCabinet`` / ``HttpTaxCabinet``)."""

    def __init__(self, cabinet: TaxCabinet) -> None:
        self.cabinet = cabinet

    async def notices(self, iin: str, since: dt.datetime | None) -> list[CabinetNotice]:
        try:
            found = await self.cabinet.list_notices(since, iin)
        except TaxCabinetError as exc:
            raise _unavailable(exc) from None
        return [_notice(n) for n in found if n.kind in NOTICE_KINDS and n.iin == iin]

    async def send_explanation(self, signed_xml: bytes, idempotency_key: str) -> ExplanationAnswer:
        try:
            return _answer(await self.cabinet.send_explanation(signed_xml, idempotency_key))
        except TaxCabinetError as exc:
            raise _unavailable(exc) from None

    async def explanation_status(self, registration_number: str) -> ExplanationAnswer:
        try:
            return _answer(await self.cabinet.explanation_status(registration_number))
        except TaxCabinetError as exc:
            raise _unavailable(exc) from None


#: what the local-mode trigger issues per kind — sandbox figures, clearly not anyone's real debt
SAMPLE_AMOUNTS: dict[str, dict[str, Decimal]] = {
    "arrears": {"debt": Decimal(50_000), "penalty": Decimal("1250.40")},
    "desk_audit": {"declared": Decimal(6_000_000), "third_party": Decimal(6_800_000)},
    "account_suspension": {"debt": Decimal(51_250)},
}


class SandboxSampleNotices:
    """``SampleNotices`` over ``SandboxCabinet.issue_notice`` — SANDBOX ONLY (local mode's «Пример» button)."""

    def __init__(self, sandbox: SandboxCabinet) -> None:
        self.sandbox = sandbox

    async def issue(self, iin: str, kind: str) -> None:
        today = self.sandbox.clock.now().date()
        year, half = (today.year, 1) if today.month >= 7 else (today.year - 1, 2)
        period = f"{year}-H{half}"
        payment = "ipn" if kind == "arrears" else None
        form = "910.00" if kind in ("non_filing", "desk_audit") else None
        self.sandbox.issue_notice(
            iin, kind, period=period, form=form, payment=payment, amounts=SAMPLE_AMOUNTS.get(kind, {})
        )


def local_notices(
    sandbox: SandboxCabinet, phone: PhoneSigning | None = None, kept: KeptSigning | None = None
) -> NoticePorts:
    """Local mode's ports: the in-process sandbox cabinet, the phone signing, and the sample trigger."""
    return NoticePorts(NoticeCabinetAdapter(LocalTaxCabinet(sandbox)), phone, kept, SandboxSampleNotices(sandbox))
