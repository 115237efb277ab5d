"""The sandbox bank: accounts with balances, orders that move on a clock the tests control, duplicate detection.

Life of an order (each step after its delay, evaluated whenever the bank is asked — nothing runs in the background):

* ``created`` on receipt;
* after ``confirm_delay``: requisites checked (``core.payments.check_requisites``, the payer account must be held
  here by the payer's ИИН) → ``confirmed``, or ``rejected`` with the requisites problems;
* after ``start_delay``: ``in_progress``;
* after ``execute_delay``: enough money → the account is debited, ``executed`` (a beneficiary account held here is
  credited); else ``rejected`` / ``insufficient_funds``.

Idempotency: a key seen before returns the same order (same id, no second debit), even when the order was rebuilt
with another date or number; the same key with a different payment (amount, accounts, persons…) is
``IdempotencyConflictError``. An identical order under a new key (same payer, number, date, amount, beneficiary,
KNP) while the first is not rejected is a duplicate: it is recorded and rejected at once with ``duplicate``.

Signatures: a sandbox made with ``verify_signature`` (the signed XML → the signer's ИИН, or ``None`` when the
signature does not verify) requires every order to come with the payer's signed document: no signature, a signature
that does not verify, a signer other than the payer, or a document that does not name this order (its idempotency
key and substance digest) → recorded and rejected at once with ``unsigned`` / ``bad_signature``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core.payments import PaymentOrder, check_requisites
from core.payments.model import substance_digest
from integrations.bank.base import (
    BadRequestError,
    BankOrder,
    IdempotencyConflictError,
    OrderState,
    RejectReason,
    Statement,
    StatementEntry,
    UnknownOrderError,
)
from integrations.bank.clock import Clock, SystemClock

MAX_KEY = 128
INSUFFICIENT = RejectReason("insufficient_funds", "Недостаточно средств на счёте.", "Шотта қаражат жеткіліксіз.")
UNKNOWN_ACCOUNT = RejectReason(
    "payer_account_unknown",
    "Счёт плательщика не найден в банке или принадлежит другому ИИН.",
    "Төлеушінің шоты банкте табылмады немесе басқа ЖСН-ге тиесілі.",
)


UNSIGNED = RejectReason("unsigned", "Поручение не подписано плательщиком.", "Тапсырмаға төлеуші қол қоймаған.")
BAD_SIGNATURE = RejectReason(
    "bad_signature",
    "Подпись поручения не прошла проверку или поставлена не плательщиком.",
    "Тапсырманың қолтаңбасы тексеруден өтпеді немесе оны төлеуші қоймаған.",
)


def duplicate_reason(original: str) -> RejectReason:
    return RejectReason(
        "duplicate",
        f"Такое же поручение уже принято ({original}).",
        f"Дәл осындай тапсырма қабылданған ({original}).",
    )


@dataclass
class _Account:
    iban: str
    holder: str
    opening: Decimal
    balance: Decimal
    entries: list[StatementEntry] = field(default_factory=list)


@dataclass
class _Record:
    id: str
    key: str
    fingerprint: str
    order: PaymentOrder
    history: list[tuple[OrderState, dt.datetime]]
    reasons: tuple[RejectReason, ...] = ()
    duplicate_of: str | None = None

    @property
    def state(self) -> OrderState:
        return self.history[-1][0]

    def view(self) -> BankOrder:
        order = self.order
        return BankOrder(
            self.id, order.number, self.state, order.amount, tuple(self.history), self.reasons, self.duplicate_of
        )


def fingerprint(order: PaymentOrder) -> str:
    """What a repeated idempotency key must carry to be the same request: the payment's substance (payer, account,
    kind, period, amount, beneficiary, codes, persons) — not the document's date or number, so a flow resumed another
    day that rebuilt the order gets the original back."""
    return substance_digest(order)


def _duplicate_key(order: PaymentOrder) -> tuple[str, ...]:
    amount, date = str(order.amount), order.date.isoformat()
    return (order.payer.iban, order.number, date, amount, order.beneficiary.iban, order.knp)


class SandboxBank:
    """In-memory bank (one process); ``clock`` and the delays decide when orders move."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        confirm_delay: dt.timedelta = dt.timedelta(minutes=1),
        start_delay: dt.timedelta = dt.timedelta(minutes=1),
        execute_delay: dt.timedelta = dt.timedelta(minutes=5),
        verify_signature: Callable[[bytes], str | None] | None = None,
    ) -> None:
        self._clock = clock or SystemClock()
        self._verify = verify_signature
        self._delays = (confirm_delay, start_delay, execute_delay)
        self._accounts: dict[str, _Account] = {}
        self._records: dict[str, _Record] = {}
        self._by_key: dict[str, _Record] = {}

    # accounts -----------------------------------------------------------------------------------------------------
    def open_account(self, iban: str, holder: str, balance: Decimal = Decimal(0)) -> None:
        """Open (or top up the opening balance of) an account held by ИИН/БИН ``holder``."""
        if balance < 0:
            raise ValueError("balance must not be negative")
        self._accounts[iban] = _Account(iban, holder, balance, balance)

    def balance(self, iban: str) -> Decimal:
        self._advance()
        return self._account(iban).balance

    def _account(self, iban: str) -> _Account:
        try:
            return self._accounts[iban]
        except KeyError:
            raise UnknownOrderError("unknown_account", f"нет счёта {iban}") from None

    # orders -------------------------------------------------------------------------------------------------------
    def send(self, raw: dict[str, Any], idempotency_key: str, signature: bytes | None = None) -> BankOrder:
        """Accept an order in its JSON form (``PaymentOrder.to_json``) under ``idempotency_key``, with the payer's
        signed document when the sandbox requires signatures."""
        if not idempotency_key or len(idempotency_key) > MAX_KEY or not idempotency_key.isprintable():
            raise BadRequestError("bad_key", f"Idempotency-Key: 1–{MAX_KEY} printable characters")
        try:
            order = PaymentOrder.from_json(raw)
        except (KeyError, ValueError, TypeError, ArithmeticError) as exc:
            raise BadRequestError("bad_order", f"not a payment order: {type(exc).__name__}: {exc}") from None
        self._advance()
        print_ = fingerprint(order)
        seen = self._by_key.get(idempotency_key)
        if seen is not None:
            if seen.fingerprint != print_:
                raise IdempotencyConflictError("key_reused", "ключ уже использован для другого поручения")
            return seen.view()
        now = self._clock.now()
        number = f"BK{len(self._records) + 1:08d}"
        record = _Record(number, idempotency_key, print_, order, [(OrderState.CREATED, now)])
        refused = self._signature_problem(order, idempotency_key, signature)
        original = self._live_duplicate(order) if refused is None else None
        if refused is not None:
            record.history.append((OrderState.REJECTED, now))
            record.reasons = (refused,)
        elif original is not None:
            record.history.append((OrderState.REJECTED, now))
            record.reasons = (duplicate_reason(original.id),)
            record.duplicate_of = original.id
        self._records[record.id] = record
        self._by_key[idempotency_key] = record
        return record.view()

    def _signature_problem(self, order: PaymentOrder, key: str, signature: bytes | None) -> RejectReason | None:
        if self._verify is None:
            return None
        if not signature:
            return UNSIGNED
        signer = self._verify(signature)
        names_it = f'key="{key}"'.encode() in signature and substance_digest(order).encode() in signature
        if signer is None or signer != order.payer.idn or not names_it:
            return BAD_SIGNATURE
        return None

    def _live_duplicate(self, order: PaymentOrder) -> _Record | None:
        key = _duplicate_key(order)
        for record in self._records.values():
            if record.state is not OrderState.REJECTED and _duplicate_key(record.order) == key:
                return record
        return None

    def status(self, order_id: str) -> BankOrder:
        self._advance()
        try:
            return self._records[order_id].view()
        except KeyError:
            raise UnknownOrderError("unknown_order", f"нет поручения {order_id}") from None

    def statement(self, iban: str, start: dt.date, end: dt.date) -> Statement:
        """Movements of ``iban`` dated ``start``…``end`` (UTC dates), with opening and closing balances."""
        if end < start:
            raise BadRequestError("bad_period", "end is before start")
        self._advance()
        account = self._account(iban)
        before = [e for e in account.entries if e.at.date() < start]
        inside = tuple(e for e in account.entries if start <= e.at.date() <= end)
        opening = account.opening + sum((_signed(e) for e in before), Decimal(0))
        closing = opening + sum((_signed(e) for e in inside), Decimal(0))
        return Statement(iban, start, end, opening, closing, inside)

    # the clock ----------------------------------------------------------------------------------------------------
    def _advance(self) -> None:
        """Move every order as far as the clock allows, oldest first (so debits happen in order of receipt)."""
        now = self._clock.now()
        for record in self._records.values():
            while not record.state.final:
                at = record.history[-1][1] + self._delay(record.state)
                if at > now:
                    break
                self._step(record, at)

    def _delay(self, state: OrderState) -> dt.timedelta:
        index = {OrderState.CREATED: 0, OrderState.CONFIRMED: 1, OrderState.IN_PROGRESS: 2}[state]
        return self._delays[index]

    def _step(self, record: _Record, at: dt.datetime) -> None:
        if record.state is OrderState.CREATED:
            reasons = self._requisites(record.order)
            if reasons:
                record.reasons = reasons
                record.history.append((OrderState.REJECTED, at))
            else:
                record.history.append((OrderState.CONFIRMED, at))
        elif record.state is OrderState.CONFIRMED:
            record.history.append((OrderState.IN_PROGRESS, at))
        else:
            self._execute(record, at)

    def _requisites(self, order: PaymentOrder) -> tuple[RejectReason, ...]:
        reasons = [RejectReason(f"requisites:{e.code}", e.text_ru, e.text_kk) for e in check_requisites(order)]
        account = self._accounts.get(order.payer.iban)
        if account is None or account.holder != order.payer.idn:
            reasons.append(UNKNOWN_ACCOUNT)
        return tuple(reasons)

    def _execute(self, record: _Record, at: dt.datetime) -> None:
        order = record.order
        payer = self._accounts[order.payer.iban]
        if payer.balance < order.amount:
            record.reasons = (INSUFFICIENT,)
            record.history.append((OrderState.REJECTED, at))
            return
        payer.balance -= order.amount
        ben = order.beneficiary
        payer.entries.append(
            StatementEntry(
                at, record.id, order.number, "debit", order.amount, ben.name, ben.iban, order.knp, order.purpose_ru
            )
        )
        target = self._accounts.get(ben.iban)
        if target is not None:
            target.balance += order.amount
            target.entries.append(
                StatementEntry(
                    at,
                    record.id,
                    order.number,
                    "credit",
                    order.amount,
                    order.payer.name,
                    order.payer.iban,
                    order.knp,
                    order.purpose_ru,
                )
            )
        record.history.append((OrderState.EXECUTED, at))


def _signed(entry: StatementEntry) -> Decimal:
    return -entry.amount if entry.direction == "debit" else entry.amount
