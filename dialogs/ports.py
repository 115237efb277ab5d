"""What the dialogs need from the rest of the product, as small protocols.

The engine talks to storage through ``Store`` (one instance per unit of work — one transaction per event), and to
the domain (NLU, tax engine, calendar, places, consultation) through ``Services``. ``dialogs.sql_store`` binds
``Store`` to ``core.storage``; ``dialogs.services`` binds the rest to ``core``/``nlu``; ``dialogs.memory`` holds
in-memory fakes for fast unit tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Protocol

from dialogs.contract import ChatRef, Reply
from dialogs.i18n import Lang
from nlu.types import ParseResult

Regime = Literal["simplified", "general", "self_employed"]
REGIMES: tuple[Regime, ...] = ("simplified", "general", "self_employed")
EntryKind = Literal["income", "expense"]


class StaleState(Exception):  # noqa: N818 — the storage name
    """The dialog state changed since it was loaded (another event for the same user won the race)."""


@dataclass(frozen=True, slots=True)
class UserRef:
    """The internal user behind a chat binding."""

    user_id: str
    language: Lang
    is_new: bool = False


@dataclass(slots=True)
class ProfileData:
    """What the dialogs keep about an ИП: only what the calculations and filings need."""

    iin: str | None = None
    regime: Regime | None = None
    place_id: str | None = None
    employees: int = 0
    birth_year: int | None = None
    onboarded: bool = False
    onboarded_on: dt.date | None = None  # obligations due before it get no reminders
    reminders: bool = True  # the user's consent to proactive reminders (asked in onboarding)
    registered_on: dt.date | None = None  # the ИП's start date from the register: earlier periods owe nothing


@dataclass(slots=True)
class DialogSnapshot:
    """Persisted dialog state: the active flow and step, the flow's slots, the optimistic-lock version."""

    flow: str | None = None
    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    version: int = 0


@dataclass(frozen=True, slots=True)
class Entry:
    """An income or expense entry."""

    kind: EntryKind
    amount: Decimal
    date: dt.date
    counterparty: str | None = None


@dataclass(frozen=True, slots=True)
class ObligationDue:
    """One obligation from the calendar: a payment or a filing with its due date."""

    code: str  # "910.00", "social_payments", … (core.calendar's ``obligation``)
    action: str  # "file" / "pay"
    period: str  # "2026-H2", "2026-11", …
    due: dt.date

    @property
    def key(self) -> str:
        """Stable per obligation; part of reminder dedupe keys."""
        return f"{self.code}:{self.action}:{self.period}"


class Store(Protocol):
    """Storage for one unit of work (one transaction)."""

    async def mark_processed(self, channel: str, key: str) -> bool:
        """True the first time ``(channel, key)`` is seen; False for a repeat."""

    async def user_for_chat(self, chat: ChatRef, language: Lang) -> UserRef:
        """Find or create the user bound to this chat (``language`` for a new user)."""

    async def set_language(self, user_id: str, language: Lang) -> None: ...

    async def load_state(self, user_id: str) -> DialogSnapshot: ...

    async def save_state(self, user_id: str, state: DialogSnapshot) -> None:
        """Write ``state`` if the stored version is still ``state.version``; raise ``StaleState`` otherwise."""

    async def get_profile(self, user_id: str) -> ProfileData | None: ...

    async def save_profile(self, user_id: str, profile: ProfileData) -> None: ...

    async def add_entry(self, user_id: str, entry: Entry, idempotency_key: str) -> bool:
        """Save an entry once per key; False when the key was already used (a double tap)."""

    async def entries(self, user_id: str, kind: EntryKind, start: dt.date, end: dt.date) -> list[Entry]:
        """Entries dated ``start <= date <= end``."""

    async def audit(self, user_id: str, action: str, details: dict[str, Any]) -> None: ...

    async def erase_user(self, user_id: str) -> None:
        """Erase personal data; the chat bindings go, so the next message is a new user."""

    async def save_obligations(self, user_id: str, obligations: Sequence[ObligationDue]) -> None:
        """Upsert the user's obligations from the calendar (what reminders are built on)."""

    async def mark_obligation_done(self, user_id: str, obligation_id: str) -> bool:
        """Mark this user's obligation done (no more reminders); False when it is not theirs or not open."""


StoreFactory = Callable[[], AbstractAsyncContextManager[Store]]


class ReminderStore(Protocol):
    """What the reminder scheduler needs from storage (one transaction per tick)."""

    async def onboarded_users(self) -> Sequence[tuple[str, Lang, ProfileData]]: ...

    async def upsert_obligation(self, user_id: str, obligation: ObligationDue) -> str:
        """Create or update the obligation; returns its storage id."""

    async def obligation_done(self, obligation_id: str) -> bool:
        """True when the obligation is paid/filed (no more reminders)."""

    async def add_reminder(self, user_id: str, obligation_id: str, kind: str, not_before: dt.datetime) -> bool:
        """Create the reminder once per (obligation, kind); False when it exists."""

    async def enqueue(self, user_id: str, reply: Reply, dedupe_key: str, not_before: dt.datetime) -> None:
        """Queue a message for every chat of the user (the sender drains the outbox)."""


# ---- domain services ---------------------------------------------------------------------------------------------


class Interpreter(Protocol):
    """The NLU: text → a Rasa ``/model/parse`` result."""

    def parse(self, text: str, *, today: dt.date | None = None) -> ParseResult: ...


@dataclass(frozen=True, slots=True)
class PlaceInfo:
    """A place of activity with its maslikhat rate for 910.00."""

    id: str
    name_ru: str
    name_kk: str
    rate: Decimal | None = None  # a share, e.g. 0.04
    default_rate_used: bool = False

    def name(self, lang: Lang) -> str:
        return self.name_kk if lang == "kk" else self.name_ru


class Places(Protocol):
    def search(self, query: str, limit: int = 3) -> list[PlaceInfo]: ...

    def get(self, place_id: str) -> PlaceInfo | None: ...


@dataclass(frozen=True, slots=True)
class TaxLine:
    code: str  # "opv", "so", "vosms", "ipn", "social_tax", …
    amount: Decimal
    label_ru: str
    label_kk: str

    def label(self, lang: Lang) -> str:
        return self.label_kk if lang == "kk" else self.label_ru


@dataclass(frozen=True, slots=True)
class TaxFigures:
    """A calculation for the chat: lines, total, and the engine's result kept for "как посчитано?"."""

    lines: tuple[TaxLine, ...]
    total: Decimal
    base: Decimal | None = None  # the income the figures were computed from
    raw: object = None
    warnings: tuple[tuple[str, str], ...] = ()  # (ru, kk)


class Taxes(Protocol):
    def month(self, profile: ProfileData, year: int, month: int, income: Decimal) -> TaxFigures:
        """Social payments of the ИП for himself for one month."""

    def half_year(
        self, profile: ProfileData, year: int, half: int, income: Decimal, prior_income: Decimal = Decimal(0)
    ) -> TaxFigures:
        """910.00 for the half-year (simplified regime); ``prior_income`` — earlier in the year (limits, VAT)."""

    def explain(self, figures: TaxFigures, lang: Lang) -> str: ...

    def regime_limit(self, profile: ProfileData, year: int) -> Decimal | None:
        """The regime's annual income limit in tenge, when it has one."""


class Calendar(Protocol):
    def obligations(self, profile: ProfileData, start: dt.date, end: dt.date) -> list[ObligationDue]: ...


@dataclass(frozen=True, slots=True)
class ConsultAnswer:
    answer: str
    article_id: str | None
    sources: tuple[str, ...]
    confidence: float
    route: str | None = None


class Consultant(Protocol):
    def ask(self, question: str, lang: Lang, today: dt.date) -> ConsultAnswer: ...


@dataclass(slots=True)
class Services:
    """Everything the flows use besides storage."""

    interpreter: Interpreter
    taxes: Taxes | None = None
    places: Places | None = None
    calendar: Calendar | None = None
    consultant: Consultant | None = None
