"""Tax cabinet (Кабинет налогоплательщика / ИС СОНО): one ``TaxCabinet`` protocol, a sandbox, an HTTP client.

- ``SandboxCabinet`` — the logic: verifies the signature, checks the 910.00 (``core.filings.check_910``), assigns a
  registration number, refuses a period filed twice unless additional, accepted → processed on an injected clock.
- ``server.create_app(sandbox)`` — the same over HTTP (aiohttp); ``HttpTaxCabinet`` — the client; ``LocalTaxCabinet``
  — in-process, no HTTP.
- Notices of the revenue body (``issue_notice`` — events the tests control; texts in ``notice_texts``), listed per
  taxpayer, and explanations (пояснения) sent signed and reviewed on the clock.
- ``ShepTaxCabinet`` — the real transport (ШЭП / Smart Bridge), a documented stub (docs/filings.md).
"""

from integrations.tax_cabinet.base import (
    ExplanationState,
    ExplanationStatus,
    IdempotencyConflictError,
    Notice,
    Submission,
    SubmissionState,
    SubmissionStatus,
    TaxCabinet,
    TaxCabinetError,
    UnknownSubmissionError,
)
from integrations.tax_cabinet.client import HttpTaxCabinet
from integrations.tax_cabinet.clock import Clock, ManualClock, SystemClock
from integrations.tax_cabinet.sandbox import LocalTaxCabinet, SandboxCabinet
from integrations.tax_cabinet.shep import ShepSettings, ShepTaxCabinet

__all__ = [
    "Clock",
    "ExplanationState",
    "ExplanationStatus",
    "HttpTaxCabinet",
    "IdempotencyConflictError",
    "LocalTaxCabinet",
    "ManualClock",
    "Notice",
    "SandboxCabinet",
    "ShepSettings",
    "ShepTaxCabinet",
    "Submission",
    "SubmissionState",
    "SubmissionStatus",
    "SystemClock",
    "TaxCabinet",
    "TaxCabinetError",
    "UnknownSubmissionError",
]
