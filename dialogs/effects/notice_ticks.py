"""The worker's tick for notices: fetch new ones from the cabinet and push them, remind as the response deadline
approaches, follow sent explanations and paid notices to their end.

``notice_tick(session, now, ports, payload_secret=…)`` — call it every minute or so inside a transaction the worker
commits (like ``poll_filings``). Each user and each row runs in its own savepoint: one failure is logged and retried
on the next tick, the others go on.

- **New notices**: for every onboarded user with an ИИН, the cabinet's notices since the newest one kept
  (``last_cabinet_at``) are saved once per number; a new one is pushed once («Новое уведомление из КГД: … срок ответа
  до …» with «Подробнее», WhatsApp template ``notice_new``).
- **Reminders** (``notices.reminders.lead_working_days``, e.g. 5, 2, 1 and 0 working days before the deadline):
  the most urgent one due today, once per kind (``reminded`` on the row + the outbox's dedupe key), never at night
  (``not_before`` the next 09:00), only with the user's consent (``ProfileData.reminders``); template
  ``notice_deadline``.
- **Explanations**: ``signing`` (a phone signature that arrived), ``signed`` (resend, same key), ``sent`` (status)
  → ``reviewed`` closes the notice, ``rejected`` opens it again; each change pushed once.
- **Paid notices**: an answered notice whose payment orders were all executed is closed and the user told.

```mermaid
flowchart LR
    T[notice_tick now] --> F[users with ИИН → cabinet.notices since last]
    F --> S[save once per number] --> P{new and consent?} -- yes --> Q[outbox: notice_new + «Подробнее»]
    T --> R[open notices with a deadline] --> K{lead day reached,<br/>kind not sent?}
    K -- yes --> Q2[outbox: notice_deadline, daytime]
    T --> E[explanations in flight] --> A[advance_explanation] --> Q3[outbox: status]
    T --> PD[answered + paid] --> C[close, tell the user]
```
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.calendar import add_working_days, working_days_between
from core.rules import parameters
from core.storage import notices as repo
from core.storage.models import Profile, TaxNotice, User
from dialogs.clock import kz_today
from dialogs.contract import Button, Reply
from dialogs.effects.notice_ports import NoticePorts
from dialogs.effects.ports import EffectUnavailable
from dialogs.effects.store import EffectRow, EffectStore
from dialogs.format import date
from dialogs.i18n import Translator
from dialogs.payloads import PayloadCodec
from dialogs.reminders import daytime
from dialogs.states import Flow

log = logging.getLogger("asistent.dialogs")
FETCH_OVERLAP = dt.timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class NoticeTickReport:
    users: int
    fetched: int
    pushed: int
    failed: int = 0


async def fetch_new(
    effects: EffectStore, ports: NoticePorts, user_id: str, iin: str, now: dt.datetime
) -> list[TaxNotice]:
    """The cabinet's notices for ``iin`` newer than the last one kept, saved; returns the rows created now."""
    from dialogs.flows import notice_data

    last = await repo.last_cabinet_at(effects.session, int(user_id))
    # a little overlap: a notice made in the same instant as the last one kept is not missed (kept once by number)
    since = last - FETCH_OVERLAP if last is not None else None
    created: list[TaxNotice] = []
    for found in await ports.cabinet.notices(iin, since):
        notice = notice_data.from_cabinet(found)
        row, new = await notice_data.save(effects.session, user_id, notice, "cabinet", cabinet=found)
        if new:
            created.append(row)
            await effects.audit(user_id, "notice.received", None, {"notice": row.id, "kind": row.kind}, "system")
    return created


def lead_days(on: dt.date) -> list[int]:
    """The reminder lead days in force on ``on``, largest first."""
    value = parameters().value("notices.reminders.lead_working_days", on)
    return sorted((int(v) for v in value), reverse=True)


def reminder_due(deadline: dt.date, today: dt.date, sent: set[str]) -> tuple[str, list[str]] | None:
    """The reminder kind due today (``w<n>``: n working days before ``deadline``) and the earlier kinds it
    supersedes, or ``None``. Only the most urgent reached kind goes out; the superseded are marked sent with it."""
    if today > deadline:
        return None
    reached = [n for n in lead_days(today) if add_working_days(deadline, -n) <= today]
    if not reached:
        return None
    urgent = min(reached)
    kind = f"w{urgent}"
    if kind in sent:
        return None
    return kind, [f"w{n}" for n in reached if f"w{n}" not in sent and n != urgent]


def reminder_reply(row: TaxNotice, kind: str, lang: str, today: dt.date, codec: PayloadCodec | None) -> Reply:
    from dialogs.flows.notices import title

    t = Translator("kk" if lang == "kk" else "ru").t
    name = title(t, row.kind)
    number = "—" if row.number.startswith("#") else row.number
    assert row.deadline is not None
    if row.deadline == today:
        text = t("Today is the last day to answer the notice No. {number} ({title}).", number=number, title=name)
    else:
        days = working_days_between(today, row.deadline)
        text = t(
            "Reminder: {days} working days left to answer the notice No. {number} ({title}), by {deadline}.",
            days=days,
            number=number,
            title=name,
            deadline=date(row.deadline),
        )
    buttons: tuple[tuple[Button, ...], ...] = ()
    if codec is not None:
        buttons = (
            (Button(t("More about the notice"), codec.encode(str(row.user_id), Flow.NOTICES, "d", str(row.id))),),
        )
    meta = {"kind": "notice_reminder", "reminder": kind, "notice": row.id, "lang": lang}
    return Reply(text=text, buttons=buttons, meta=meta, template=("notice_deadline", (number, date(row.deadline))))


async def _users(session: AsyncSession) -> list[tuple[str, str, str, bool]]:
    """(user id, language, ИИН, consent to proactive messages) of onboarded users with an ИИН."""
    stmt = (
        select(User.id, User.language, Profile.iin)
        .join(Profile, Profile.user_id == User.id)
        .where(Profile.onboarded_at.is_not(None), User.erased_at.is_(None), Profile.iin.is_not(None))
        .order_by(User.id)
    )
    from dialogs.sql_store import SqlStore

    store = SqlStore(session)
    found: list[tuple[str, str, str, bool]] = []
    for user_id, language, iin in (await session.execute(stmt)).all():
        profile = await store.get_profile(str(user_id))
        consent = profile.reminders if profile is not None else False
        found.append((str(user_id), str(language), str(iin), consent))
    return found


async def notice_tick(
    session: AsyncSession, now: dt.datetime, ports: NoticePorts, payload_secret: bytes | None = None
) -> NoticeTickReport:
    """One pass (see the module docstring); the caller owns the transaction."""
    from dialogs.flows.notices import new_notice_push

    effects = EffectStore(session)
    codec = PayloadCodec(payload_secret) if payload_secret else None
    today = kz_today(now)
    not_before = daytime(now)
    users = fetched = pushed = failed = 0
    consent: dict[str, tuple[str, bool]] = {}
    for user_id, lang, iin, agreed in await _users(session):
        users += 1
        consent[user_id] = (lang, agreed)
        try:
            async with session.begin_nested():
                rows = await fetch_new(effects, ports, user_id, iin, now)
        except EffectUnavailable:
            continue
        except Exception:
            failed += 1
            log.exception("notice fetch failed user=%s", user_id)
            continue
        fetched += len(rows)
        for row in rows:
            if not agreed or not await repo.mark_pushed(session, row.id, now):
                continue
            t = Translator("kk" if lang == "kk" else "ru").t
            button = None
            if codec is not None:
                button = Button(t("More about the notice"), codec.encode(user_id, Flow.NOTICES, "d", str(row.id)))
            await effects.push(user_id, new_notice_push(t, row, button), f"notice:{row.id}:new", not_before)
            pushed += 1
    for row in await repo.open_notices(session):
        lang, agreed = consent.get(str(row.user_id), ("ru", False))
        if not agreed or row.deadline is None:
            continue
        due = reminder_due(row.deadline, today, set((row.reminded or {}).keys()))
        if due is None:
            continue
        kind, superseded = due
        for old in superseded:
            await repo.mark_reminded(session, row.id, old, now)
        if await repo.mark_reminded(session, row.id, kind, now):
            reply = reminder_reply(row, kind, lang, today, codec)
            await effects.push(str(row.user_id), reply, f"notice:{row.id}:{kind}", not_before)
            pushed += 1
    report = await _explanations(effects, ports, now)
    paid = await _paid(effects, now)
    return NoticeTickReport(users, fetched, pushed + report[0] + paid, failed + report[1])


async def _explanations(effects: EffectStore, ports: NoticePorts, now: dt.datetime) -> tuple[int, int]:
    from dialogs.flows.notices import KIND, advance_explanation, status_push

    rows = await effects.in_status(KIND, ("signing", "signed", "sent"))

    async def one(row: EffectRow) -> bool:
        moved, what = await advance_explanation(effects, ports, row, actor="system")
        if what not in ("sent", "reviewed", "rejected"):
            return False
        lang = await effects.language(moved.user_id)
        await effects.push(moved.user_id, status_push(moved, lang), f"ntc_exp:{moved.id}:{moved.status}", now)
        return True

    return await _each(effects.session, rows, one)


async def _paid(effects: EffectStore, now: dt.datetime) -> int:
    """Answered notices whose payment orders were all executed: closed, and the user told once."""
    stmt = select(TaxNotice).where(TaxNotice.status == "answered").limit(500)
    closed = 0
    for row in list(await effects.session.scalars(stmt)):
        keys = set((row.fields or {}).get("payments") or [])
        if not keys:
            continue
        found = [r for r in await effects.of_user(str(row.user_id), "pay") if r.key in keys]
        if len(found) < len(keys) or any(r.status != "executed" for r in found):
            continue
        if not await repo.set_notice_status(effects.session, row.user_id, row.id, "closed", expected=("answered",)):
            continue
        await effects.audit(str(row.user_id), "notice.closed", None, {"notice": row.id, "by": "payment"}, "system")
        lang = await effects.language(str(row.user_id))
        t = Translator(lang).t
        number = "—" if row.number.startswith("#") else row.number
        text = t("Notice No. {number} is paid and closed.", number=number)
        reply = Reply(
            text=text, meta={"kind": "notice_closed", "notice": row.id}, template=("notice_status", (number,))
        )
        await effects.push(str(row.user_id), reply, f"notice:{row.id}:closed", now)
        closed += 1
    return closed


async def _each(
    session: AsyncSession, rows: list[EffectRow], step: Callable[[EffectRow], Awaitable[bool]]
) -> tuple[int, int]:
    pushed = failed = 0
    for row in rows:
        if not row.request:  # scrubbed by erasure
            continue
        try:
            async with session.begin_nested():
                pushed += int(await step(row))
        except Exception:
            failed += 1
            log.exception("notice explanation step failed effect=%s status=%s", row.id, row.status)
    return pushed, failed
