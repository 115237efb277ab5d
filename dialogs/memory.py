"""In-memory storage with transaction semantics (a copy per unit of work, written back on success).

For unit tests and the web demo without a database; the product persists through ``dialogs.sql_store``.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from dialogs.contract import ChatRef, Reply
from dialogs.i18n import Lang
from dialogs.ports import DialogSnapshot, Entry, EntryKind, ObligationDue, ProfileData, StaleState, UserRef


@dataclass
class _Data:
    next_id: int = 1
    processed: set[tuple[str, str]] = field(default_factory=set)
    bindings: dict[tuple[str, str], str] = field(default_factory=dict)
    languages: dict[str, Lang] = field(default_factory=dict)
    states: dict[str, DialogSnapshot] = field(default_factory=dict)
    profiles: dict[str, ProfileData] = field(default_factory=dict)
    entries: dict[str, list[tuple[str, Entry]]] = field(default_factory=dict)
    audit: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    obligations: dict[tuple[str, str], ObligationDue] = field(default_factory=dict)
    obligation_ids: dict[tuple[str, str], str] = field(default_factory=dict)  # (user, key) → id
    done_obligations: set[str] = field(default_factory=set)
    reminders: set[tuple[str, str]] = field(default_factory=set)
    outbox: list[dict[str, Any]] = field(default_factory=list)


class MemoryDatabase:
    """A process-local database; ``session()`` is a unit of work."""

    def __init__(self) -> None:
        self.data = _Data()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[MemoryStore]:
        work = copy.deepcopy(self.data)
        yield MemoryStore(work)
        self.data = work  # only on success: an exception leaves the database as it was


class MemoryStore:
    """``Store`` and ``ReminderStore`` over one ``_Data`` copy."""

    def __init__(self, data: _Data) -> None:
        self.d = data

    async def mark_processed(self, channel: str, key: str) -> bool:
        if (channel, key) in self.d.processed:
            return False
        self.d.processed.add((channel, key))
        return True

    async def user_for_chat(self, chat: ChatRef, language: Lang) -> UserRef:
        user_id = self.d.bindings.get((chat.channel, chat.chat_id))
        if user_id is not None:
            return UserRef(user_id, self.d.languages[user_id])
        user_id = str(self.d.next_id)
        self.d.next_id += 1
        self.d.bindings[(chat.channel, chat.chat_id)] = user_id
        self.d.languages[user_id] = language
        return UserRef(user_id, language, is_new=True)

    async def set_language(self, user_id: str, language: Lang) -> None:
        self.d.languages[user_id] = language

    async def load_state(self, user_id: str) -> DialogSnapshot:
        return copy.deepcopy(self.d.states.get(user_id, DialogSnapshot()))

    async def save_state(self, user_id: str, state: DialogSnapshot) -> None:
        current = self.d.states.get(user_id, DialogSnapshot())
        if current.version != state.version:
            raise StaleState(user_id)
        self.d.states[user_id] = DialogSnapshot(state.flow, state.step, copy.deepcopy(state.data), state.version + 1)

    async def get_profile(self, user_id: str) -> ProfileData | None:
        return copy.deepcopy(self.d.profiles.get(user_id))

    async def save_profile(self, user_id: str, profile: ProfileData) -> None:
        self.d.profiles[user_id] = copy.deepcopy(profile)

    async def add_entry(self, user_id: str, entry: Entry, idempotency_key: str) -> bool:
        rows = self.d.entries.setdefault(user_id, [])
        if any(key == idempotency_key for key, _ in rows):
            return False
        rows.append((idempotency_key, entry))
        return True

    async def entries(self, user_id: str, kind: EntryKind, start: dt.date, end: dt.date) -> list[Entry]:
        rows = self.d.entries.get(user_id, [])
        return [e for _, e in rows if e.kind == kind and start <= e.date <= end]

    async def audit(self, user_id: str, action: str, details: dict[str, Any]) -> None:
        self.d.audit.append((user_id, action, dict(details)))

    async def erase_user(self, user_id: str) -> None:
        self.d.bindings = {k: v for k, v in self.d.bindings.items() if v != user_id}
        for table in (self.d.languages, self.d.states, self.d.profiles, self.d.entries):
            table.pop(user_id, None)
        self.d.audit = [(u if u != user_id else "erased", a, {}) for u, a, _ in self.d.audit]

    async def save_obligations(self, user_id: str, obligations: Sequence[ObligationDue]) -> None:
        for item in obligations:
            await self.upsert_obligation(user_id, item)

    async def mark_obligation_done(self, user_id: str, obligation_id: str) -> bool:
        owned = {i for (u, _), i in self.d.obligation_ids.items() if u == user_id}
        if obligation_id not in owned or obligation_id in self.d.done_obligations:
            return False
        self.d.done_obligations.add(obligation_id)
        return True

    # ---- ReminderStore ----
    async def onboarded_users(self) -> Sequence[tuple[str, Lang, ProfileData]]:
        return [(u, self.d.languages[u], p) for u, p in self.d.profiles.items() if p.onboarded]

    async def upsert_obligation(self, user_id: str, obligation: ObligationDue) -> str:
        self.d.obligations[(user_id, obligation.key)] = obligation
        found = self.d.obligation_ids.get((user_id, obligation.key))
        if found is None:
            found = str(self.d.next_id)
            self.d.next_id += 1
            self.d.obligation_ids[(user_id, obligation.key)] = found
        return found

    async def obligation_done(self, obligation_id: str) -> bool:
        return obligation_id in self.d.done_obligations

    async def add_reminder(self, user_id: str, obligation_id: str, kind: str, not_before: dt.datetime) -> bool:
        if (obligation_id, kind) in self.d.reminders:
            return False
        self.d.reminders.add((obligation_id, kind))
        return True

    async def enqueue(self, user_id: str, reply: Reply, dedupe_key: str, not_before: dt.datetime) -> None:
        if any(row["dedupe_key"] == dedupe_key for row in self.d.outbox):
            return
        self.d.outbox.append(
            {"user_id": user_id, "reply": reply.to_dict(), "dedupe_key": dedupe_key, "not_before": not_before}
        )
