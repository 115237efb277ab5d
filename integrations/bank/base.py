"""The bank interface: send a payment order with an idempotency key, read its status, read an account statement.

An order moves ``created → confirmed → in_progress → executed``, or ends ``rejected`` with reasons (wrong requisites,
insufficient funds, a duplicate). The same idempotency key always returns the same order: a retried send never debits
twice; the key reused for a different order is a conflict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from core.payments import PaymentOrder


class OrderState(StrEnum):
    CREATED = "created"  # принят банком
    CONFIRMED = "confirmed"  # подтверждён (реквизиты проверены)
    IN_PROGRESS = "in_progress"  # в обработке
    EXECUTED = "executed"  # исполнен, счёт списан
    REJECTED = "rejected"  # отклонён (reasons)

    @property
    def final(self) -> bool:
        return self in (OrderState.EXECUTED, OrderState.REJECTED)


@dataclass(frozen=True, slots=True)
class RejectReason:
    """Why an order was rejected: a stable code and texts for the chat."""

    code: str
    text_ru: str
    text_kk: str

    def text(self, lang: str = "ru") -> str:
        return self.text_kk if lang == "kk" else self.text_ru

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "text_ru": self.text_ru, "text_kk": self.text_kk}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> RejectReason:
        return cls(str(raw["code"]), str(raw.get("text_ru", "")), str(raw.get("text_kk", "")))


@dataclass(frozen=True, slots=True)
class BankOrder:
    """The bank's view of a sent order: its id, state, amount, history of states and rejection reasons."""

    id: str
    number: str
    state: OrderState
    amount: Decimal
    history: tuple[tuple[OrderState, dt.datetime], ...]
    reasons: tuple[RejectReason, ...] = ()
    duplicate_of: str | None = None

    @property
    def updated_at(self) -> dt.datetime:
        return self.history[-1][1]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "state": self.state.value,
            "amount": str(self.amount),
            "history": [{"state": s.value, "at": at.isoformat()} for s, at in self.history],
            "reasons": [r.to_json() for r in self.reasons],
            "duplicate_of": self.duplicate_of,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> BankOrder:
        return cls(
            id=str(raw["id"]),
            number=str(raw["number"]),
            state=OrderState(raw["state"]),
            amount=Decimal(str(raw["amount"])),
            history=tuple((OrderState(h["state"]), dt.datetime.fromisoformat(h["at"])) for h in raw["history"]),
            reasons=tuple(RejectReason.from_json(r) for r in raw.get("reasons", [])),
            duplicate_of=raw.get("duplicate_of"),
        )


@dataclass(frozen=True, slots=True)
class StatementEntry:
    """One movement on the account: an executed debit (or a credit from another account in the same bank)."""

    at: dt.datetime
    order_id: str
    number: str
    direction: str  # "debit" | "credit"
    amount: Decimal
    counterparty: str
    counterparty_iban: str
    knp: str
    purpose: str

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "order_id": self.order_id,
            "number": self.number,
            "direction": self.direction,
            "amount": str(self.amount),
            "counterparty": self.counterparty,
            "counterparty_iban": self.counterparty_iban,
            "knp": self.knp,
            "purpose": self.purpose,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> StatementEntry:
        return cls(
            at=dt.datetime.fromisoformat(raw["at"]),
            order_id=str(raw["order_id"]),
            number=str(raw["number"]),
            direction=str(raw["direction"]),
            amount=Decimal(str(raw["amount"])),
            counterparty=str(raw["counterparty"]),
            counterparty_iban=str(raw["counterparty_iban"]),
            knp=str(raw["knp"]),
            purpose=str(raw["purpose"]),
        )


@dataclass(frozen=True, slots=True)
class Statement:
    """An account statement (выписка) for ``start``…``end`` inclusive: opening and closing balance, movements."""

    account: str
    start: dt.date
    end: dt.date
    opening_balance: Decimal
    closing_balance: Decimal
    entries: tuple[StatementEntry, ...]

    @property
    def debits(self) -> tuple[StatementEntry, ...]:
        return tuple(e for e in self.entries if e.direction == "debit")

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "opening_balance": str(self.opening_balance),
            "closing_balance": str(self.closing_balance),
            "entries": [e.to_json() for e in self.entries],
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Statement:
        return cls(
            account=str(raw["account"]),
            start=dt.date.fromisoformat(raw["start"]),
            end=dt.date.fromisoformat(raw["end"]),
            opening_balance=Decimal(str(raw["opening_balance"])),
            closing_balance=Decimal(str(raw["closing_balance"])),
            entries=tuple(StatementEntry.from_json(e) for e in raw.get("entries", [])),
        )


class BankError(Exception):
    """The bank could not be reached or refused the request itself (not the order): ``code`` + message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class UnknownOrderError(BankError):
    """No order (or account) with that id."""


class IdempotencyConflictError(BankError):
    """The idempotency key was already used for a different order."""


class BadRequestError(BankError):
    """The request is malformed (no key, not an order)."""


class Bank(Protocol):
    """Send an order (idempotent by key), read its status, read a statement."""

    async def send(self, order: PaymentOrder, idempotency_key: str, signature: bytes | None = None) -> BankOrder:
        """Send ``order``; the same key always returns the same bank order and never debits twice. ``signature``:
        the payer's signed document covering the order (XMLDSig), for a bank that requires one."""
        ...

    async def status(self, order_id: str) -> BankOrder: ...

    async def statement(self, account: str, start: dt.date, end: dt.date) -> Statement: ...
