"""Payment orders (платёжные поручения) of an ИП: built from the tax engine's lines, validated, and written as a PDF
for the user, MT102 for social payments and a 1CClientBankExchange export. See ``docs/payments.md``.

    from core.payments import Payer, monthly_orders, validate, order_pdf, mt102_file, onec_bytes
    payer = Payer(iin, "Иванов Иван", iban, bic)
    orders = monthly_orders(payer, "2026-10", own=self_payments("2026-10", income), on=today)
    problems = [e for o in orders for e in validate(o)]      # OrderError(code, field, text_ru, text_kk)
"""

from __future__ import annotations

from core.payments.build import (
    CardAccount,
    Employee,
    Payer,
    arrears_order,
    ipn_withheld_order,
    monthly_orders,
    own_transfer_order,
    penalty_order,
    platform_fee_order,
    social_orders,
    tax_910_orders,
    total,
)
from core.payments.codes import (
    PlatformSettings,
    TaxOffice,
    UnknownTaxOfficeError,
    known_tax_offices,
    platform_settings,
    tax_office,
)
from core.payments.fee import FeeInvoice, fee_invoice, invoice_number
from core.payments.model import Party, PaymentKind, PaymentOrder, Person, idempotency_key
from core.payments.mt102 import Mt102Error, mt102, mt102_file
from core.payments.onec import onec_bytes, onec_text
from core.payments.pdf import order_pdf
from core.payments.texts import amount_in_words, summary
from core.payments.validate import (
    InvalidOrderError,
    OrderError,
    check_requisites,
    ensure_valid,
    is_valid_bic,
    is_valid_kz_iban,
    validate,
)

__all__ = [
    "CardAccount",
    "Employee",
    "FeeInvoice",
    "InvalidOrderError",
    "Mt102Error",
    "OrderError",
    "Party",
    "Payer",
    "PaymentKind",
    "PaymentOrder",
    "Person",
    "PlatformSettings",
    "TaxOffice",
    "UnknownTaxOfficeError",
    "amount_in_words",
    "arrears_order",
    "check_requisites",
    "ensure_valid",
    "fee_invoice",
    "idempotency_key",
    "invoice_number",
    "ipn_withheld_order",
    "is_valid_bic",
    "is_valid_kz_iban",
    "known_tax_offices",
    "monthly_orders",
    "mt102",
    "mt102_file",
    "onec_bytes",
    "onec_text",
    "order_pdf",
    "own_transfer_order",
    "penalty_order",
    "platform_fee_order",
    "platform_settings",
    "social_orders",
    "summary",
    "tax_910_orders",
    "tax_office",
    "total",
    "validate",
]
