"""Payment requisites of a tax or social payment (реквизиты платежа) from ``requisites.*`` — kz-tax-rules §6.

Taxes go to the treasury account of the taxpayer's УГД (its BIN is per office and not known here); social payments
go to the State Corporation. ``verify`` lists the paths whose source has doubts (C17 KBK, C18 СО IIK): a payment
order built on them should show a warning until they are confirmed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.calc.errors import CalcInputError
from core.rules import parameters


@dataclass(frozen=True, slots=True)
class PaymentRequisites:
    """Beneficiary (None for taxes: the УГД where the ИП is registered), BIC, IIK, KBe, KNP and KBK of a payment."""

    payment: str
    beneficiary: str | None
    beneficiary_bin: str | None
    bank: str | None
    bic: str
    iik: str
    kbe: str
    knp: str
    kbk: str | None
    verify: tuple[str, ...]


# payment → (receiver node, IIK key, KNP key, KBK key or None)
_PAYMENTS: dict[str, tuple[str, str, str, str | None]] = {
    "opv": ("gov_corp", "iik_pension", "opv", None),
    "opvr": ("gov_corp", "iik_pension", "opvr", None),
    "so": ("gov_corp", "iik_so", "so", None),
    "vosms": ("gov_corp", "iik_osms", "vosms", None),
    "oosms": ("gov_corp", "iik_osms", "oosms", None),
    "ipn_self": ("treasury", "iik", "tax", "ipn_not_at_source"),
    "ipn_withheld": ("treasury", "iik", "tax", "ipn_at_source"),
    "social_tax": ("treasury", "iik", "tax", "social_tax"),
}
PAYMENTS = tuple(_PAYMENTS)


def payment_requisites(payment: str, on: dt.date, *, penalty: bool = False) -> PaymentRequisites:
    """Requisites of ``payment`` (one of ``PAYMENTS``) in force on ``on``; ``penalty`` selects the пеня KNP."""
    try:
        receiver, iik_key, knp_key, kbk_key = _PAYMENTS[payment]
    except KeyError:
        raise CalcInputError(f"unknown payment {payment!r}; one of {', '.join(PAYMENTS)}") from None
    tree = parameters()
    used: list[str] = []

    def get(path: str) -> str:
        value = tree.at(f"requisites.{path}", on)
        if value.verify:
            used.append(value.path)
        return str(value.value)

    is_tax = receiver == "treasury"
    knp = get(f"knp.{knp_key}_penalty" if penalty else f"knp.{knp_key}")
    uses_kbk = is_tax or bool(tree.value("requisites.kbk.social_payments_used", on))
    return PaymentRequisites(
        payment=payment,
        beneficiary=None if is_tax else get("gov_corp.name"),
        beneficiary_bin=None if is_tax else get("gov_corp.bin"),
        bank=get("treasury.name") if is_tax else None,
        bic=get(f"{receiver}.bic"),
        iik=get(f"{receiver}.{iik_key}"),
        kbe=get(f"{receiver}.kbe"),
        knp=knp,
        kbk=get(f"kbk.{kbk_key}") if uses_kbk and kbk_key else None,
        verify=tuple(used),
    )
