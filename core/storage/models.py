"""The tables, as SQLAlchemy 2 declarative models. No business logic here; see the repository modules.

Enumerated columns are short strings with CHECK constraints (portable; adding a value is a migration that rewrites
one constraint, not a PostgreSQL enum type). All timestamps are aware UTC; money is ``Decimal`` with tiyn.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.storage.types import BigId, Money, Rate, UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

LANGUAGES = ("ru", "kk")
REGIMES = ("simplified", "general", "self_employed")
CHANNELS = ("telegram", "whatsapp", "web")
BINDING_STATUSES = ("active", "blocked", "undeliverable")
ENTRY_SOURCES = ("chat", "invoice", "bank", "import")
OBLIGATION_ACTIONS = ("file", "pay")
OBLIGATION_STATUSES = ("open", "done", "cancelled")
REMINDER_KINDS = ("d7", "d1", "d0", "overdue")
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, dt.datetime: UTCDateTime, Decimal: Money}  # noqa: RUF012


class User(Base):
    """A person using the bot (пользователь). Never deleted: erasure clears personal data and sets ``erased_at``."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("language", LANGUAGES), name="language"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    language: Mapped[str] = mapped_column(String(2), default="ru")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class Profile(Base):
    """The ИП's profile (профиль ИП): identity, tax regime (режим), place of activity and its maslikhat rate."""

    __tablename__ = "profiles"
    __table_args__ = (
        CheckConstraint(f"regime IS NULL OR {_in('regime', REGIMES)}", name="regime"),
        CheckConstraint("employees >= 0", name="employees"),
        CheckConstraint("disability_group IS NULL OR disability_group BETWEEN 1 AND 3", name="disability_group"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    iin: Mapped[str | None] = mapped_column(String(12), default=None)
    full_name: Mapped[str | None] = mapped_column(String(200), default=None)
    regime: Mapped[str | None] = mapped_column(String(16), default=None)
    place_id: Mapped[str | None] = mapped_column(String(64), default=None)
    place_rate: Mapped[Decimal | None] = mapped_column(Rate, default=None)
    employees: Mapped[int] = mapped_column(Integer, default=0)
    birth_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    pensioner: Mapped[bool] = mapped_column(Boolean, default=False)
    disability_group: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    proactive_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    onboarded_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # the ИП's start date from the state register when registered through us (periods before it owe nothing)
    registered_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ChatBinding(Base):
    """A chat on a channel bound to a user (привязка чата). Phone and username are kept apart and optional."""

    __tablename__ = "chat_bindings"
    __table_args__ = (
        UniqueConstraint("channel", "chat_id"),
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        CheckConstraint(_in("status", BINDING_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    username: Mapped[str | None] = mapped_column(String(64), default=None)
    phone: Mapped[str | None] = mapped_column(String(32), default=None)
    # The last message from the user: opens WhatsApp's 24-hour window.
    last_inbound_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LinkCode(Base):
    """A one-time code that links a second channel's chat to the same user (код привязки)."""

    __tablename__ = "link_codes"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[dt.datetime] = mapped_column()
    used_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class IncomeEntry(Base):
    """An income entry (доход): amount, date received, counterparty, source; unique idempotency key per user."""

    __tablename__ = "income_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key"),
        CheckConstraint(_in("source", ENTRY_SOURCES), name="source"),
        Index("ix_income_entries_user_date", "user_id", "received_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    amount: Mapped[Decimal] = mapped_column(Money)
    received_on: Mapped[dt.date] = mapped_column(Date)
    counterparty: Mapped[str | None] = mapped_column(String(200), default=None)
    source: Mapped[str] = mapped_column(String(16), default="chat")
    idempotency_key: Mapped[str] = mapped_column(String(128))
    voided_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ExpenseEntry(Base):
    """An expense entry (расход), the same shape as income; ``paid_on`` is the date paid."""

    __tablename__ = "expense_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key"),
        CheckConstraint(_in("source", ENTRY_SOURCES), name="source"),
        Index("ix_expense_entries_user_date", "user_id", "paid_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    amount: Mapped[Decimal] = mapped_column(Money)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    counterparty: Mapped[str | None] = mapped_column(String(200), default=None)
    source: Mapped[str] = mapped_column(String(16), default="chat")
    idempotency_key: Mapped[str] = mapped_column(String(128))
    voided_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Obligation(Base):
    """An obligation from the calendar (обязательство): file a form or pay a tax for a period by a due date."""

    __tablename__ = "obligations"
    __table_args__ = (
        UniqueConstraint("user_id", "obligation", "action", "period"),
        CheckConstraint(_in("action", OBLIGATION_ACTIONS), name="action"),
        CheckConstraint(_in("status", OBLIGATION_STATUSES), name="status"),
        Index("ix_obligations_due_status", "due", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    obligation: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(8))
    period: Mapped[str] = mapped_column(String(16))
    due: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    amount: Mapped[Decimal | None] = mapped_column(Money, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Reminder(Base):
    """A reminder sent for an obligation (напоминание): once per obligation and kind."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("obligation_id", "kind"),
        CheckConstraint(_in("kind", REMINDER_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("obligations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DialogState(Base):
    """The persisted state of a user's conversation (состояние диалога); ``version`` guards concurrent writes."""

    __tablename__ = "dialog_states"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    flow: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditLog(Base):
    """The append-only audit log (журнал аудита); triggers reject UPDATE and DELETE. Ids and amounts only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_user_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # No foreign key: the log outlives any other row and must never be touched by a cascade.
    user_id: Mapped[int | None] = mapped_column(BigId, default=None)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(128), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    correlation_id: Mapped[str | None] = mapped_column(String(64), default=None)


class OutboxMessage(Base):
    """A message waiting to be sent (исходящее сообщение); claimed by workers with a lease."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(_in("status", OUTBOX_STATUSES), name="status"),
        CheckConstraint(_in("channel", CHANNELS), name="channel"),
        Index("ix_outbox_status_not_before", "status", "not_before"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[dt.datetime | None] = mapped_column(default=None)
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    provider_message_id: Mapped[str | None] = mapped_column(String(128), default=None, index=True)
    # Provider-reported delivery status after sending (WhatsApp: sent, delivered, read, failed).
    delivery_status: Mapped[str | None] = mapped_column(String(16), default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class ProcessedUpdate(Base):
    """An inbound update already handled (Telegram ``update_id``, WhatsApp ``wamid``): redeliveries are ignored."""

    __tablename__ = "processed_updates"
    __table_args__ = (UniqueConstraint("channel", "update_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    update_key: Mapped[str] = mapped_column(String(128))
    processed_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class Effect(Base):
    """An operation with a money or legal effect (submission, payment, signature, ESF), done at most once per key."""

    __tablename__ = "effects"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    request: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SecretBlob(Base):
    """An encrypted secret of a user (ключ ЭЦП): ciphertext under a per-user data key wrapped by the master key."""

    __tablename__ = "secret_blobs"
    __table_args__ = (UniqueConstraint("user_id", "purpose"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(32))
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    # Non-secret facts about the secret (certificate serial, not_after) — never the key or its password.
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


DOCUMENT_TYPES = ("invoice", "act", "waybill")
DOCUMENT_STATUSES = ("issued", "void")


class Counterparty(Base):
    """A client or supplier of the user (контрагент): name, БИН/ИИН, address, bank account, VAT status."""

    __tablename__ = "counterparties"
    __table_args__ = (
        UniqueConstraint("user_id", "bin_iin"),
        Index("ix_counterparties_user_name", "user_id", "name"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    bin_iin: Mapped[str | None] = mapped_column(String(12), default=None)
    address: Mapped[str | None] = mapped_column(String(500), default=None)
    iban: Mapped[str | None] = mapped_column(String(34), default=None)
    bic: Mapped[str | None] = mapped_column(String(11), default=None)
    kbe: Mapped[str | None] = mapped_column(String(2), default=None)
    vat_payer: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Document(Base):
    """An issued primary document (счёт на оплату, АВР, накладная): numbered per user and type, never edited.

    ``content`` is the immutable snapshot (seller, buyer, line items, words); a correction is a new document with
    ``corrects_id``; an act made from an invoice points to it with ``source_document_id``.
    """

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("user_id", "doc_type", "number"),
        UniqueConstraint("user_id", "idempotency_key"),
        CheckConstraint(_in("doc_type", DOCUMENT_TYPES), name="doc_type"),
        CheckConstraint(_in("status", DOCUMENT_STATUSES), name="status"),
        Index("ix_documents_user_issued", "user_id", "issued_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    doc_type: Mapped[str] = mapped_column(String(16))
    number: Mapped[int] = mapped_column(Integer)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="issued")
    counterparty_id: Mapped[int | None] = mapped_column(
        ForeignKey("counterparties.id", ondelete="SET NULL"), default=None, index=True
    )
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), default=None)
    source_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"), default=None)
    total: Mapped[Decimal] = mapped_column(Money)
    vat: Mapped[Decimal | None] = mapped_column(Money, default=None)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    idempotency_key: Mapped[str] = mapped_column(String(128))
    esf_registration_number: Mapped[str | None] = mapped_column(String(64), default=None)
    esf_status: Mapped[str | None] = mapped_column(String(16), default=None)
    paid_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DocumentCounter(Base):
    """The last number issued per user and document type: numbering without gaps or duplicates."""

    __tablename__ = "document_counters"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


# ---- notices from the tax authority (issue 9: notices in the chat) -------------------------------------------------

NOTICE_KINDS = ("non_filing", "arrears", "desk_audit", "account_suspension", "vat_registration", "information")
NOTICE_STATUSES = ("open", "answered", "closed")
NOTICE_SOURCES = ("cabinet", "forwarded")


class TaxNotice(Base):
    """A notice of the revenue body (уведомление органа госдоходов) kept per user: fetched from the cabinet or
    forwarded by the user. One row per (user, number), so a notice fetched twice or forwarded again is one row.

    ``fields`` holds what was read (period, form, payment, basis, the deadline's detail); ``amounts`` the figures as
    strings with tiyn; ``reminded`` the reminder kinds already sent; ``status`` open → answered → closed.
    """

    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("user_id", "number"),
        CheckConstraint(_in("kind", NOTICE_KINDS), name="kind"),
        CheckConstraint(_in("status", NOTICE_STATUSES), name="status"),
        CheckConstraint(_in("source", NOTICE_SOURCES), name="source"),
        Index("ix_notices_status_deadline", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(64))
    cabinet_id: Mapped[str | None] = mapped_column(String(64), default=None)
    cabinet_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    kind: Mapped[str] = mapped_column(String(24))
    issued_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    delivered_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    deadline: Mapped[dt.date | None] = mapped_column(Date, default=None)
    amounts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    source: Mapped[str] = mapped_column(String(16))
    reminded: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    pushed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
