"""``Store`` and ``ReminderStore`` over ``core.storage`` (SQLite or PostgreSQL): one transaction per unit of work.

``SqlStores(database)`` is the ``StoreFactory`` the engine takes: ``async with stores() as store`` opens a
transaction, commits when the block ends and rolls back on an exception.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import storage
from core.identity import iin_birth_date
from core.storage import Database
from core.storage.models import IncomeEntry, Obligation, Profile, User
from dialogs.clock import KZ_TZ, kz_today
from dialogs.contract import ChatRef, Reply
from dialogs.i18n import Lang
from dialogs.ports import REGIMES, DialogSnapshot, Entry, EntryKind, ObligationDue, ProfileData, StaleState, UserRef

#: a user's live income entries between two dates, oldest first (built once, with bind parameters)
_INCOME = (
    select(IncomeEntry.amount, IncomeEntry.received_on, IncomeEntry.counterparty)
    .where(
        IncomeEntry.user_id == bindparam("e_user"),
        IncomeEntry.voided_at.is_(None),
        IncomeEntry.received_on >= bindparam("e_start"),
        IncomeEntry.received_on <= bindparam("e_end"),
    )
    .order_by(IncomeEntry.received_on, IncomeEntry.id)
)


def _lang(value: str) -> Lang:
    return "kk" if value == "kk" else "ru"


class SqlStores:
    """The engine's ``StoreFactory`` over a ``core.storage.Database``."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[SqlStore]:
        async with self.database.transaction() as session:
            yield SqlStore(session)


class SqlStore:
    """One transaction's view of storage, in the dialogs' terms."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        #: the dialog state read with the chat's binding (``user_for_chat``), handed out once by ``load_state``
        self._prefetched: tuple[str, DialogSnapshot] | None = None
        self._rows: object = None

    async def mark_processed(self, channel: str, key: str) -> bool:
        return await storage.mark_processed(self.session, channel, key)

    async def user_for_chat(self, chat: ChatRef, language: Lang) -> UserRef:
        # A known chat: touched, with its user, state and profile, in one statement on PostgreSQL.
        found = await storage.touch_chat_context(self.session, chat.channel, chat.chat_id)
        if found is not None:
            self._rows = found  # the session's identity map holds rows weakly: keep them for ``get_profile``
            user, state, _ = found
            snapshot = DialogSnapshot()
            if state is not None:
                snapshot = DialogSnapshot(state.flow or None, state.step or None, dict(state.data), state.version)
            self._prefetched = (str(user.id), snapshot)
            return UserRef(str(user.id), _lang(user.language), is_new=False)
        user, binding, created = await storage.get_or_create_user_for_chat(
            self.session, chat.channel, chat.chat_id, language=language, username=chat.username, phone=chat.phone
        )
        await storage.touch_inbound(self.session, binding.id)
        return UserRef(str(user.id), _lang(user.language), is_new=created)

    async def set_language(self, user_id: str, language: Lang) -> None:
        await storage.set_language(self.session, int(user_id), language)

    async def load_state(self, user_id: str) -> DialogSnapshot:
        prefetched, self._prefetched = self._prefetched, None
        if prefetched is not None and prefetched[0] == user_id:
            return prefetched[1]
        found = await storage.load_state(self.session, int(user_id))
        if found is None:
            return DialogSnapshot()
        return DialogSnapshot(found.flow or None, found.step or None, dict(found.data), found.version)

    async def save_state(self, user_id: str, state: DialogSnapshot) -> None:
        self._prefetched = None
        try:
            await storage.save_state(
                self.session, int(user_id), state.flow or "", state.step or "", state.data, state.version
            )
        except storage.StaleState as exc:
            raise StaleState(str(exc)) from exc

    async def get_profile(self, user_id: str) -> ProfileData | None:
        row = await self.session.get(Profile, int(user_id))
        if row is None:
            return None
        regime = row.regime if row.regime in REGIMES else None
        return ProfileData(
            iin=row.iin,
            regime=regime,
            place_id=row.place_id,
            employees=row.employees,
            birth_year=row.birth_date.year if row.birth_date else None,
            onboarded=row.onboarded_at is not None,
            onboarded_on=kz_today(row.onboarded_at) if row.onboarded_at else None,
            reminders=row.proactive_opt_in,
            registered_on=row.registered_on,
        )

    async def save_profile(self, user_id: str, profile: ProfileData) -> None:
        birth: dt.date | None = None
        if profile.birth_year is not None:
            from_iin = iin_birth_date(profile.iin) if profile.iin else None
            birth = from_iin if from_iin and from_iin.year == profile.birth_year else dt.date(profile.birth_year, 1, 1)
        row = await storage.get_profile(self.session, int(user_id))
        changes: dict[str, Any] = {
            "iin": profile.iin,
            "regime": profile.regime,
            "place_id": profile.place_id,
            "employees": profile.employees,
            "birth_date": birth,
            "proactive_opt_in": profile.reminders,
            "registered_on": profile.registered_on,
        }
        if profile.onboarded and row.onboarded_at is None:
            day = profile.onboarded_on
            changes["onboarded_at"] = (
                dt.datetime.combine(day, dt.time(12), tzinfo=KZ_TZ).astimezone(dt.UTC) if day else storage.utcnow()
            )
        await storage.update_profile(self.session, int(user_id), **changes)

    async def add_entry(self, user_id: str, entry: Entry, idempotency_key: str) -> bool:
        add = storage.add_income if entry.kind == "income" else storage.add_expense
        _, created = await add(
            self.session, int(user_id), entry.amount, entry.date, idempotency_key, counterparty=entry.counterparty
        )
        return created

    async def entries(self, user_id: str, kind: EntryKind, start: dt.date, end: dt.date) -> list[Entry]:
        if kind == "income":  # columns only (no ORM rows to build), voided ones left out by the query
            found = await self.session.execute(_INCOME, {"e_user": int(user_id), "e_start": start, "e_end": end})
            return [Entry("income", amount, day, counterparty) for amount, day, counterparty in found]
        from core.storage.models import ExpenseEntry

        stmt = select(ExpenseEntry).where(
            ExpenseEntry.user_id == int(user_id),
            ExpenseEntry.voided_at.is_(None),
            ExpenseEntry.paid_on >= start,
            ExpenseEntry.paid_on <= end,
        )
        return [Entry("expense", r.amount, r.paid_on, r.counterparty) for r in (await self.session.scalars(stmt))]

    async def audit(self, user_id: str, action: str, details: dict[str, Any]) -> None:
        await storage.append_audit(self.session, "user", action, user_id=int(user_id), details=details)

    async def erase_user(self, user_id: str) -> None:
        self._prefetched = None
        await storage.erase_user(self.session, int(user_id))

    async def save_obligations(self, user_id: str, obligations: Sequence[ObligationDue]) -> None:
        for item in obligations:
            await self.upsert_obligation(user_id, item)

    async def mark_obligation_done(self, user_id: str, obligation_id: str) -> bool:
        if not obligation_id.isdigit():
            return False
        row = await self.session.get(Obligation, int(obligation_id))
        if row is None or row.user_id != int(user_id) or row.status != "open":
            return False
        await storage.set_obligation_status(self.session, row.id, "done")
        return True

    # ---- ReminderStore ----
    async def onboarded_users(self) -> Sequence[tuple[str, Lang, ProfileData]]:
        stmt = (
            select(User.id, User.language)
            .join(Profile, Profile.user_id == User.id)
            .where(Profile.onboarded_at.is_not(None), User.erased_at.is_(None))
            .order_by(User.id)
        )
        found: list[tuple[str, Lang, ProfileData]] = []
        for user_id, language in (await self.session.execute(stmt)).all():
            profile = await self.get_profile(str(user_id))
            if profile is not None and profile.regime is not None:
                found.append((str(user_id), _lang(language), profile))
        return found

    async def upsert_obligation(self, user_id: str, obligation: ObligationDue) -> str:
        row = await storage.upsert_obligation(
            self.session, int(user_id), obligation.code, obligation.action, obligation.period, obligation.due
        )
        return str(row.id)

    async def obligation_done(self, obligation_id: str) -> bool:
        row = await self.session.get(Obligation, int(obligation_id))
        return row is None or row.status != "open"

    async def add_reminder(self, user_id: str, obligation_id: str, kind: str, not_before: dt.datetime) -> bool:
        return await storage.insert_reminder_once(self.session, int(obligation_id), kind) is not None

    async def enqueue(self, user_id: str, reply: Reply, dedupe_key: str, not_before: dt.datetime) -> None:
        for binding in await storage.bindings_of(self.session, int(user_id)):
            if binding.status != "active":
                continue
            await storage.enqueue(
                self.session,
                binding.channel,
                binding.chat_id,
                reply.to_dict(),
                f"{dedupe_key}:{binding.channel}:{binding.chat_id}",
                user_id=int(user_id),
                not_before=not_before,
            )
