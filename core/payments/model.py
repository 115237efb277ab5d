"""The payment order (платёжное поручение) and its parts, with a JSON form for the bank wire and storage.

Fields follow integrations.md §5.1: number, date, value date, payer and beneficiary (name, ИИН/БИН, IBAN, BIC, КОд /
КБе), KNP, KBK (``None`` for social payments), amount in whole tenge, purpose text, period, and for social payments
the list of persons (ИИН, full name, birth date, period, amount) that becomes the MT102 sequence B.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any


class PaymentKind(StrEnum):
    """What an order pays; the value is also the key of the tax engine's line where there is one."""

    IPN_910 = "ipn_910"  # ИПН по упрощённой декларации (910.00.008)
    SOCIAL_TAX_910 = "social_tax_910"  # социальный налог по 910.00.009 (2024–2025)
    IPN_WITHHELD = "ipn_withheld"  # ИПН, удержанный у работников
    OPV = "opv"  # обязательные пенсионные взносы
    OPVR = "opvr"  # обязательные пенсионные взносы работодателя
    SO = "so"  # социальные отчисления
    VOSMS = "vosms"  # взносы на ОСМС
    OOSMS = "oosms"  # отчисления на ОСМС (работодатель)
    PLATFORM_FEE = "platform_fee"  # абонентская плата платформы
    OWN_TRANSFER = "own_transfer"  # перевод собственных денег на личную карту

    @property
    def social(self) -> bool:
        return self in SOCIAL_KINDS

    @property
    def tax(self) -> bool:
        return self in TAX_KINDS


SOCIAL_KINDS = frozenset({PaymentKind.OPV, PaymentKind.OPVR, PaymentKind.SO, PaymentKind.VOSMS, PaymentKind.OOSMS})
TAX_KINDS = frozenset({PaymentKind.IPN_910, PaymentKind.SOCIAL_TAX_910, PaymentKind.IPN_WITHHELD})


@dataclass(frozen=True, slots=True)
class Party:
    """A payer or beneficiary: name, ИИН/БИН (``idn``), account (IBAN / ИИК), bank BIC, КОд/КБе, bank name."""

    name: str
    idn: str
    iban: str
    bic: str
    code: str  # КОд for the payer, КБе for the beneficiary
    bank: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "idn": self.idn,
            "iban": self.iban,
            "bic": self.bic,
            "code": self.code,
            "bank": self.bank,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Party:
        return cls(
            name=str(raw["name"]),
            idn=str(raw["idn"]),
            iban=str(raw["iban"]),
            bic=str(raw["bic"]),
            code=str(raw["code"]),
            bank=str(raw.get("bank", "")),
        )


@dataclass(frozen=True, slots=True)
class Person:
    """One person in a social payment (сведения о физическом лице): ИИН, ФИО, birth date, period, amount."""

    iin: str
    last_name: str
    first_name: str
    middle_name: str
    birth_date: dt.date
    period: str  # YYYY-MM
    amount: Decimal

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @classmethod
    def named(cls, iin: str, full_name: str, birth_date: dt.date, period: str, amount: Decimal) -> Person:
        """Split "Фамилия Имя Отчество" (the patronymic may be several words or absent)."""
        parts = full_name.split()
        last = parts[0] if parts else ""
        first = parts[1] if len(parts) > 1 else ""
        middle = " ".join(parts[2:])
        return cls(iin, last, first, middle, birth_date, period, amount)

    def to_json(self) -> dict[str, Any]:
        return {
            "iin": self.iin,
            "last_name": self.last_name,
            "first_name": self.first_name,
            "middle_name": self.middle_name,
            "birth_date": self.birth_date.isoformat(),
            "period": self.period,
            "amount": str(self.amount),
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Person:
        return cls(
            iin=str(raw["iin"]),
            last_name=str(raw["last_name"]),
            first_name=str(raw.get("first_name", "")),
            middle_name=str(raw.get("middle_name", "")),
            birth_date=dt.date.fromisoformat(raw["birth_date"]),
            period=str(raw["period"]),
            amount=Decimal(str(raw["amount"])),
        )


@dataclass(frozen=True, slots=True)
class PaymentOrder:
    """A payment order ready to validate, print, export or send.

    ``calculated`` is the amount the tax engine (or the tariff, or the user's request) gives; validation checks that
    ``amount`` equals it. ``due`` is the legal deadline; ``verify`` lists parameter paths whose source has doubts.
    """

    kind: PaymentKind
    number: str
    date: dt.date
    value_date: dt.date
    period: str
    payer: Party
    beneficiary: Party
    knp: str
    kbk: str | None
    amount: Decimal
    purpose_ru: str
    purpose_kk: str
    persons: tuple[Person, ...] = ()
    calculated: Decimal | None = None
    due: dt.date | None = None
    verify: tuple[str, ...] = field(default=())
    penalty: bool = False  # пеня on the payment of this kind (penalty KNP)

    @property
    def social(self) -> bool:
        return self.kind.social

    def purpose(self, lang: str = "ru") -> str:
        return self.purpose_kk if lang == "kk" else self.purpose_ru

    def with_changes(self, **changes: Any) -> PaymentOrder:
        """A copy with some fields replaced (tests and corrections)."""
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        """The wire/storage form: amounts as decimal strings, dates ISO."""
        return {
            "kind": self.kind.value,
            "number": self.number,
            "date": self.date.isoformat(),
            "value_date": self.value_date.isoformat(),
            "period": self.period,
            "payer": self.payer.to_json(),
            "beneficiary": self.beneficiary.to_json(),
            "knp": self.knp,
            "kbk": self.kbk,
            "amount": str(self.amount),
            "purpose_ru": self.purpose_ru,
            "purpose_kk": self.purpose_kk,
            "persons": [p.to_json() for p in self.persons],
            "calculated": None if self.calculated is None else str(self.calculated),
            "due": None if self.due is None else self.due.isoformat(),
            "verify": list(self.verify),
            "penalty": self.penalty,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> PaymentOrder:
        """Parse ``to_json`` output; raises ``KeyError``/``ValueError``/``TypeError`` on malformed input."""
        calculated = raw.get("calculated")
        due = raw.get("due")
        kbk = raw.get("kbk")
        return cls(
            kind=PaymentKind(raw["kind"]),
            number=str(raw["number"]),
            date=dt.date.fromisoformat(raw["date"]),
            value_date=dt.date.fromisoformat(raw["value_date"]),
            period=str(raw["period"]),
            payer=Party.from_json(raw["payer"]),
            beneficiary=Party.from_json(raw["beneficiary"]),
            knp=str(raw["knp"]),
            kbk=None if kbk is None else str(kbk),
            amount=Decimal(str(raw["amount"])),
            purpose_ru=str(raw["purpose_ru"]),
            purpose_kk=str(raw.get("purpose_kk", "")),
            persons=tuple(Person.from_json(p) for p in raw.get("persons", [])),
            calculated=None if calculated is None else Decimal(str(calculated)),
            due=None if due is None else dt.date.fromisoformat(due),
            verify=tuple(str(v) for v in raw.get("verify", [])),
            penalty=bool(raw.get("penalty", False)),
        )


def substance(order: PaymentOrder) -> dict[str, Any]:
    """What makes a payment the same payment whatever day or number it was built with: payer and account, kind,
    period, amount, beneficiary, KNP/KBK, persons (and the purpose of a free transfer)."""
    return {
        "payer": order.payer.idn,
        "account": order.payer.iban,
        "kind": order.kind.value,
        "period": order.period,
        "amount": str(order.amount),
        "beneficiary": [order.beneficiary.idn, order.beneficiary.iban],
        "codes": [order.knp, order.kbk, order.penalty],
        "persons": [[p.iin, str(p.amount), p.period] for p in order.persons],
        "purpose": order.purpose_ru if order.kind is PaymentKind.OWN_TRANSFER else "",
    }


def substance_digest(order: PaymentOrder) -> str:
    """SHA-256 of ``substance`` (hex)."""
    return hashlib.sha256(json.dumps(substance(order), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def idempotency_key(order: PaymentOrder, attempt: int = 1) -> str:
    """The bank idempotency key of paying ``order``: the same obligation (``substance``) gives the same key whatever
    day or number the order was built with, so a double tap, a redelivered update or a resumed flow never pays twice.
    ``attempt`` > 1 only after a final rejection (e.g. the user topped up the account), never for a retry of an
    unanswered send."""
    if attempt < 1:
        raise ValueError("attempt starts at 1")
    return f"pay-{order.kind.value}-{order.period}-{substance_digest(order)[:32]}-{attempt}"
