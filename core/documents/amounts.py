"""Line amounts, VAT and totals of a document (суммы, НДС, итоги).

Each line: ``amount = quantity × price`` (price without VAT) rounded half-up to whole tenge; for a VAT payer
``vat = amount × rate`` rounded per line and ``gross = amount + vat`` — the ESF arithmetic (sum without VAT, VAT
sum, sum with VAT per line). The rate is the dated parameter ``vat.rate`` in force on the turnover date (12 % before
2026, 16 % from 2026). A seller who is not a VAT payer shows no VAT lines at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.documents.model import Document, DocumentInputError, LineItem
from core.money import ZERO, whole_tenge
from core.rules.loader import ParameterError, ParameterValue, parameters


@dataclass(frozen=True, slots=True)
class LineTotal:
    """One line's amounts: without VAT, VAT (``None`` for a non-payer), with VAT."""

    item: LineItem
    amount: Decimal
    vat: Decimal | None
    gross: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    """The document's lines and totals; ``rate`` and ``rate_source`` are ``None`` without VAT."""

    lines: tuple[LineTotal, ...]
    net: Decimal
    vat: Decimal | None
    gross: Decimal
    rate: Decimal | None
    rate_source: ParameterValue | None

    @property
    def rate_percent(self) -> int | None:
        """The VAT rate in whole percent (16), or ``None``."""
        return None if self.rate is None else int(self.rate * 100)

    @property
    def quantity(self) -> Decimal:
        """The total quantity over all lines (З-2 «всего отпущено»)."""
        return sum((line.item.quantity for line in self.lines), ZERO)


def vat_rate(document: Document) -> ParameterValue | None:
    """The standard VAT rate for this document (with its reference), or ``None`` when the seller is no VAT payer."""
    if not document.seller.vat_payer:
        return None
    try:
        return parameters().at("vat.rate", document.on_turnover)
    except ParameterError:
        raise DocumentInputError(f"date: no VAT rate is known on {document.on_turnover.isoformat()}") from None


def totals(document: Document) -> Totals:
    """Lines and totals of ``document``; money rounded half-up to whole tenge per line."""
    source = vat_rate(document)
    rate = source.decimal() if source is not None else None
    lines = []
    for item in document.items:
        amount = whole_tenge(item.quantity * item.price)
        vat = whole_tenge(amount * rate) if rate is not None else None
        lines.append(LineTotal(item, amount, vat, amount + (vat or ZERO)))
    net = sum((line.amount for line in lines), ZERO)
    vat_total = sum((line.vat or ZERO for line in lines), ZERO) if rate is not None else None
    return Totals(tuple(lines), net, vat_total, net + (vat_total or ZERO), rate, source)
