"""The platform's monthly fee (абонентская плата): the invoice for a month and whether a payment settles it.

The amount is the tariff setting ``PLATFORM_FEE_TENGE`` (``core.settings``, 2 000 ₸); the beneficiary is the platform
(``PlatformSettings``); the invoice number is derived from the month and the ИИН, so issuing it twice gives the same
invoice. Paid status is decided from the bank: an executed debit to the platform's account of the invoice amount whose
purpose names the invoice (``settles``). What is available without payment is the chat's business (issue 6 item 6).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.payments.build import Payer, platform_fee_order, platform_party
from core.payments.codes import PlatformSettings, platform_settings
from core.payments.model import Party, PaymentOrder
from core.payments.texts import period_words


@dataclass(frozen=True, slots=True)
class FeeInvoice:
    """A fee invoice (счёт на оплату): number, month, issue and due dates, amount, payer, platform requisites."""

    number: str
    period: str
    issued: dt.date
    due: dt.date
    amount: Decimal
    payer_iin: str
    payer_name: str
    beneficiary: Party
    placeholder: bool

    def text(self, lang: str = "ru") -> str:
        """One line for the chat."""
        when_ru, when_kk = period_words(self.period)
        amount = f"{int(self.amount):,}".replace(",", " ")
        if lang == "kk":
            return f"№ {self.number} шот: {when_kk} үшін абоненттік төлем {amount} ₸, {self.due:%d.%m.%Y} дейін"
        return f"Счёт № {self.number}: абонентская плата за {when_ru} — {amount} ₸, до {self.due:%d.%m.%Y}"

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "period": self.period,
            "issued": self.issued.isoformat(),
            "due": self.due.isoformat(),
            "amount": int(self.amount),
            "payer": {"iin": self.payer_iin, "name": self.payer_name},
            "beneficiary": self.beneficiary.to_json(),
            "placeholder": self.placeholder,
        }

    def order(
        self, payer: Payer, *, on: dt.date, number: int, platform: PlatformSettings | None = None
    ) -> PaymentOrder:
        """The payment order that pays this invoice."""
        return platform_fee_order(
            payer, self.period, on=on, number=number, fee=int(self.amount), platform=platform, invoice=self.number
        )

    def settles(self, *, counterparty_iban: str, amount: Decimal, purpose: str) -> bool:
        """True when an executed debit (from a bank statement) pays this invoice."""
        return counterparty_iban == self.beneficiary.iban and amount == self.amount and self.number in purpose


def invoice_number(period: str, iin: str) -> str:
    """``"2026-10"``, ИИН → ``"AS-202610-900101300007"`` (stable: the same month and user, the same number)."""
    return f"AS-{period.replace('-', '')}-{iin}"


def fee_invoice(
    payer: Payer, period: str, *, issued: dt.date, fee: int, platform: PlatformSettings | None = None
) -> FeeInvoice:
    """The invoice for ``period`` (YYYY-MM); ``fee`` is ``get_settings().PLATFORM_FEE_TENGE``."""
    if fee <= 0:
        raise ValueError("the fee must be positive")
    cfg = platform or platform_settings()
    return FeeInvoice(
        number=invoice_number(period, payer.iin),
        period=period,
        issued=issued,
        due=issued + dt.timedelta(days=cfg.PLATFORM_FEE_DUE_DAYS),
        amount=Decimal(fee),
        payer_iin=payer.iin,
        payer_name=payer.name,
        beneficiary=platform_party(cfg),
        placeholder=cfg.placeholder,
    )
