"""The ports of the chat's effects: what the filing and payment flows need from the integrations.

The dialogs never import an integration: the app binds these protocols (``dialogs.services`` has the adapters over
``integrations.tax_cabinet``, ``integrations.signing`` and ``integrations.bank``) and passes ``EffectServices`` —
``Services`` plus ``filing`` and ``payment`` — to the engine. Without them the flows answer «недоступно».
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, Protocol

from core.payments import PaymentOrder, PlatformSettings
from dialogs.effects.document_ports import DocumentPorts
from dialogs.effects.esf_ports import EsfPorts
from dialogs.effects.key_ports import KeyPorts
from dialogs.effects.notice_ports import NoticePorts
from dialogs.effects.registration_ports import RegistrationPorts
from dialogs.ports import Services


class EffectUnavailable(Exception):  # noqa: N818 — a state of the world, not a bug
    """The outside system could not be reached (transport, 5xx): nothing happened; the step is retried later."""


class SignRefused(Exception):  # noqa: N818
    """A signature could not be made (a refused or missing key, a purpose not allowed): ``code`` for the chat."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class SignDocument:
    """What is signed, for whom: shown in eGov mobile, checked against the signer's certificate."""

    user_id: str
    document_id: str
    purpose: str  # "declaration" / "payment_order"
    title_ru: str
    title_kk: str
    expected_iin: str | None


@dataclass(frozen=True, slots=True)
class SignLink:
    """A signing request on the user's phone: the eGov mobile deep link, the QR (PNG) and its expiry."""

    id: str
    deep_link: str
    qr_png: bytes
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class SignCheck:
    """Where a phone request is: ``unknown`` after a restart (pending requests live in memory) — ask again."""

    state: Literal["pending", "signed", "expired", "unknown"]
    signed_xml: bytes | None = None


class PhoneSigning(Protocol):
    """Signing on the user's own phone (eGov mobile QR / cross-signing): the default, recommended way."""

    def request(self, xml: bytes, document: SignDocument) -> SignLink: ...

    def check(self, request_id: str) -> SignCheck: ...


class KeptSigning(Protocol):
    """The key kept by the service (opt-in): used only after the user confirms this very document."""

    async def has_key(self, user_id: str, store: object | None = None) -> bool:
        """``store``: the dialog ``Store`` of the current transaction (the vault's rows are read in it)."""
        ...

    async def sign(self, xml: bytes, document: SignDocument, store: object | None = None) -> bytes:
        """The signed XML; ``SignRefused(code)`` when the key cannot sign."""
        ...


@dataclass(frozen=True, slots=True)
class CabinetAnswer:
    """The tax cabinet's answer: registration number, ``accepted`` / ``processed`` / ``rejected`` and reasons."""

    registration_number: str
    status: str
    reasons: tuple[str, ...] = ()


class Cabinet(Protocol):
    """The tax cabinet: submit a signed form (idempotent by key), read its status. ``EffectUnavailable`` when down."""

    async def submit(self, signed_xml: bytes, idempotency_key: str) -> CabinetAnswer: ...

    async def status(self, registration_number: str) -> CabinetAnswer: ...


@dataclass(frozen=True, slots=True)
class PayerAccount:
    """The ИП's business account the orders are paid from."""

    iban: str
    bic: str
    bank: str = ""


@dataclass(frozen=True, slots=True)
class BankAnswer:
    """The bank's view of an order: id, number, ``created`` … ``executed`` / ``rejected``, reasons (code, ru, kk)."""

    id: str
    number: str
    state: str
    reasons: tuple[tuple[str, str, str], ...] = ()

    @property
    def final(self) -> bool:
        return self.state in ("executed", "rejected")


class BankPort(Protocol):
    """The bank: send an order with an idempotency key, read its status. ``EffectUnavailable`` when down."""

    async def send(self, order: PaymentOrder, idempotency_key: str, signature: bytes | None = None) -> BankAnswer:
        """``signature``: the payer's signed document covering the order (``payment_signing``), when there is one."""
        ...

    async def status(self, order_id: str) -> BankAnswer: ...


class Accounts(Protocol):
    """Which account a user pays from (the bank connection); ``None`` when none is connected."""

    async def account(self, user_id: str, iin: str) -> PayerAccount | None: ...


@dataclass(slots=True)
class FilingPorts:
    cabinet: Cabinet
    phone: PhoneSigning
    kept: KeptSigning | None = None
    allow_test_iin: bool = False  # local mode with the NCA test keys


@dataclass(slots=True)
class PaymentPorts:
    bank: BankPort
    accounts: Accounts
    phone: PhoneSigning | None = None
    platform: PlatformSettings | None = None  # the platform's requisites for the fee (default: the settings)
    #: the user signs the month's orders (one document, on the phone or with the kept key) before the bank
    sign_orders: bool = False
    kept: KeptSigning | None = None  # the key kept by the service (opt-in), confirmed on each use


@dataclass(slots=True)
class EffectServices(Services):
    """``Services`` with the effect ports; pass it to ``build_engine(…, services=…)``."""

    filing: FilingPorts | None = None
    payment: PaymentPorts | None = None
    documents: DocumentPorts | None = None
    esf: EsfPorts | None = None
    notices: NoticePorts | None = None
    registration: RegistrationPorts | None = None
    keys: KeyPorts | None = None  # the key kept by the service (flows/signing_key.py)


def filing_ports(services: Services) -> FilingPorts | None:
    return services.filing if isinstance(services, EffectServices) else None


def payment_ports(services: Services) -> PaymentPorts | None:
    return services.payment if isinstance(services, EffectServices) else None


def document_ports(services: Services) -> DocumentPorts | None:
    return services.documents if isinstance(services, EffectServices) else None


def notice_ports(services: Services) -> NoticePorts | None:
    return services.notices if isinstance(services, EffectServices) else None


def registration_ports(services: Services) -> RegistrationPorts | None:
    return services.registration if isinstance(services, EffectServices) else None


def esf_ports(services: Services) -> EsfPorts | None:
    return services.esf if isinstance(services, EffectServices) else None


def key_ports(services: Services) -> KeyPorts | None:
    return services.keys if isinstance(services, EffectServices) else None
