"""Storage: SQLAlchemy 2 async models, the engine, repositories and Alembic migrations (SQLite and PostgreSQL).

Quick reference (every function takes an ``AsyncSession`` first; none commits — the caller owns the transaction)::

    from core.storage import Database, run_migrations
    await run_migrations(url)                       # upgrade to head (creates a SQLite file's directory)
    db = Database(url)                              # sqlite+aiosqlite:///var/x.sqlite3 | postgresql+asyncpg://…
    async with db.session() as s:                   # AsyncSession, expire_on_commit=False
        user, binding, created = await get_or_create_user_for_chat(s, "telegram", "12345", language="kk")
        await update_profile(s, user.id, iin="900101300007", regime="simplified")   # InvalidIIN on a bad digit
        entry, created = await add_income(s, user.id, Decimal("150000"), date(2026, 3, 5), "tg:update:991")
        await s.commit()
    async with db.transaction() as s: ...           # committed at the end of the block, rolled back on error
    await db.dispose()

Modules: ``db`` (engine), ``models`` (tables), ``migrate`` (``run_migrations``), ``users`` (users, profiles, bindings,
link codes), ``ledger`` (income/expenses, sums), ``obligations`` (obligations, reminders), ``dialog_state``
(load/save with ``StaleState``), ``audit`` (append-only log), ``outbox`` (enqueue/claim/mark), ``updates``
(``mark_processed``), ``effects`` (idempotent operations), ``vault`` (encrypted secrets), ``documents``
(counterparties, ESF and paid status of documents; issuing is core.documents), ``erasure`` (``erase_user``).
"""

from core.storage.audit import PersonalDataInAudit, append_audit, audit_of
from core.storage.db import Database, create_engine, normalise_url, sqlite_path
from core.storage.dialog_state import StaleState, StateSnapshot, clear_state, load_state, save_state
from core.storage.documents import (
    counterparties_of,
    mark_document_paid,
    save_counterparty,
    set_esf_status,
)
from core.storage.effects import advance_effect, begin_effect, effects_of, get_effect
from core.storage.erasure import ErasureReport, erase_user
from core.storage.ledger import (
    add_expense,
    add_income,
    expenses_by_month,
    income_by_month,
    list_expenses,
    list_income,
    sum_expenses,
    sum_income,
    void_income,
)
from core.storage.migrate import current_revision, head_revision, new_revision, run_migrations
from core.storage.models import (
    AuditLog,
    Base,
    ChatBinding,
    Counterparty,
    DialogState,
    Document,
    DocumentCounter,
    Effect,
    ExpenseEntry,
    IncomeEntry,
    LinkCode,
    Obligation,
    OutboxMessage,
    ProcessedUpdate,
    Profile,
    Reminder,
    SecretBlob,
    User,
)
from core.storage.obligations import (
    attach_reminder_outbox,
    insert_reminder_once,
    obligations_of,
    open_obligations,
    set_obligation_status,
    upsert_obligation,
)
from core.storage.outbox import (
    claim_outbox,
    defer,
    enqueue,
    mark_failed,
    mark_sent,
    outbox_counts,
    record_delivery,
)
from core.storage.types import utcnow
from core.storage.updates import mark_processed, prune_processed
from core.storage.users import (
    InvalidIIN,
    bindings_of,
    consume_link_code,
    create_link_code,
    find_binding,
    find_chat_context,
    get_or_create_user_for_chat,
    get_profile,
    move_binding,
    set_binding_status,
    set_language,
    touch_chat_context,
    touch_inbound,
    update_profile,
)
from core.storage.vault import delete_secrets, get_secret, put_secret

__all__ = [
    "AuditLog",
    "Base",
    "ChatBinding",
    "Counterparty",
    "Database",
    "DialogState",
    "Document",
    "DocumentCounter",
    "Effect",
    "ErasureReport",
    "ExpenseEntry",
    "IncomeEntry",
    "InvalidIIN",
    "LinkCode",
    "Obligation",
    "OutboxMessage",
    "PersonalDataInAudit",
    "ProcessedUpdate",
    "Profile",
    "Reminder",
    "SecretBlob",
    "StaleState",
    "StateSnapshot",
    "User",
    "add_expense",
    "add_income",
    "advance_effect",
    "append_audit",
    "attach_reminder_outbox",
    "audit_of",
    "begin_effect",
    "bindings_of",
    "claim_outbox",
    "clear_state",
    "consume_link_code",
    "counterparties_of",
    "create_engine",
    "create_link_code",
    "current_revision",
    "defer",
    "delete_secrets",
    "effects_of",
    "enqueue",
    "erase_user",
    "expenses_by_month",
    "find_binding",
    "find_chat_context",
    "get_effect",
    "get_or_create_user_for_chat",
    "get_profile",
    "get_secret",
    "head_revision",
    "income_by_month",
    "insert_reminder_once",
    "list_expenses",
    "list_income",
    "load_state",
    "mark_document_paid",
    "mark_failed",
    "mark_processed",
    "mark_sent",
    "move_binding",
    "new_revision",
    "normalise_url",
    "obligations_of",
    "open_obligations",
    "outbox_counts",
    "prune_processed",
    "put_secret",
    "record_delivery",
    "run_migrations",
    "save_counterparty",
    "save_state",
    "set_binding_status",
    "set_esf_status",
    "set_language",
    "set_obligation_status",
    "sqlite_path",
    "sum_expenses",
    "sum_income",
    "touch_chat_context",
    "touch_inbound",
    "update_profile",
    "upsert_obligation",
    "utcnow",
    "void_income",
]
