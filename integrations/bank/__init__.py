"""Bank integration: the ``Bank`` protocol (send an order with an idempotency key, read its status, read a
statement), the sandbox bank (``SandboxBank``, its aiohttp server) and clients (``HttpBank``, ``LocalBank``).

No public licence-free API lets a third party pay an ИП's budget payments (integrations.md §5.5): a real adapter is a
contracted bank's corporate API (e.g. BCC FinancialAPI with JWS-signed requests) behind the same protocol; until then
the user gets the PDF / MT102 / 1C files. See ``docs/payments.md``.
"""

from __future__ import annotations

from integrations.bank.base import (
    BadRequestError,
    Bank,
    BankError,
    BankOrder,
    IdempotencyConflictError,
    OrderState,
    RejectReason,
    Statement,
    StatementEntry,
    UnknownOrderError,
)
from integrations.bank.client import HttpBank, LocalBank
from integrations.bank.clock import Clock, ManualClock, SystemClock
from integrations.bank.sandbox import SandboxBank

__all__ = [
    "BadRequestError",
    "Bank",
    "BankError",
    "BankOrder",
    "Clock",
    "HttpBank",
    "IdempotencyConflictError",
    "LocalBank",
    "ManualClock",
    "OrderState",
    "RejectReason",
    "SandboxBank",
    "Statement",
    "StatementEntry",
    "SystemClock",
    "UnknownOrderError",
]
