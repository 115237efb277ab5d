"""The reminder scheduler: obligations from the calendar → reminders 7 days before, the day before, on the day and
overdue, each once per obligation and kind, queued in the outbox as serialised ``Reply`` objects.

Channel-agnostic: the outbox sender (the channels' worker) delivers them; WhatsApp uses ``Reply.template`` when its
24-hour window is closed. Never at night: a reminder computed between 21:00 and 09:00 Kazakhstan time (UTC+5) gets
``not_before`` at the next 09:00.

```mermaid
flowchart LR
    T[scheduler_tick now] --> U[onboarded users]
    U --> C[calendar.obligations]
    C --> O[upsert obligation]
    O --> K{kind due today?<br/>d7 / d1 / d0 / overdue}
    K -- no --> X[skip]
    K -- yes --> R{reminder row new?<br/>unique obligation+kind}
    R -- no --> X
    R -- yes --> Q[outbox: Reply + dedupe_key, not_before = daytime]
```
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.clock import KZ_TZ, as_utc, kz_today
from dialogs.contract import Button, Reply
from dialogs.flows.deadlines import obligation_text
from dialogs.format import date
from dialogs.i18n import N_, Lang, Translator
from dialogs.payloads import PayloadCodec
from dialogs.ports import Calendar, ObligationDue, ReminderStore
from dialogs.states import Flow

DAY_STARTS = dt.time(9, 0)
NIGHT_STARTS = dt.time(21, 0)
EARLY_DAYS = 7  # the first reminder: 7 days before (or as soon as a later-derived obligation is within 7 days)
OVERDUE_WINDOW_DAYS = 30  # obligations overdue longer than this are not reminded about again
KINDS = ("d7", "d1", "d0", "overdue")

_TEXTS: dict[str, str] = {
    "d7": N_("Reminder: in {days} days, by {date} — {title}."),
    "d1": N_("Tomorrow, {date}, is the deadline — {title}."),
    "d0": N_("Today, {date}, is the deadline — {title}."),
    "overdue": N_("The deadline {date} has passed — {title}. Please do it as soon as possible: a penalty accrues."),
}


@dataclass(frozen=True, slots=True)
class TickReport:
    users: int
    obligations: int
    reminders: int


def reminder_kind(due: dt.date, today: dt.date) -> str | None:
    """Which reminder is due today for an obligation due on ``due``."""
    days = (due - today).days
    if days < 0:
        return "overdue" if -days <= OVERDUE_WINDOW_DAYS else None
    if days == 0:
        return "d0"
    if days == 1:
        return "d1"
    if days <= EARLY_DAYS:
        return "d7"
    return None


def daytime(now: dt.datetime) -> dt.datetime:
    """``now`` if it is daytime in Kazakhstan, else the next 09:00 local — as aware UTC."""
    local = as_utc(now).astimezone(KZ_TZ)
    if DAY_STARTS <= local.time() < NIGHT_STARTS:
        return as_utc(now)
    day = local.date() if local.time() < DAY_STARTS else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, DAY_STARTS, tzinfo=KZ_TZ).astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class DoneButton:
    """What «Уже сделал» under a reminder needs: the payload codec, the owner and the obligation's storage id."""

    codec: PayloadCodec
    owner: str
    obligation_id: str


def reminder_reply(
    obligation: ObligationDue, kind: str, lang: Lang, today: dt.date, done: DoneButton | None = None
) -> Reply:
    """The reminder message; ``template`` names the WhatsApp template (``reminder_<kind>``: title, date).

    With ``done``, the message carries «Уже сделал», which marks the obligation done (no more reminders)."""
    tr = Translator(lang)
    title = obligation_text(tr.t, obligation)
    days = (obligation.due - today).days
    text = tr.t(_TEXTS[kind], days=days, date=date(obligation.due), title=title)
    buttons: tuple[tuple[Button, ...], ...] = ()
    if done is not None:
        payload = done.codec.encode(done.owner, Flow.DEADLINES, "done", done.obligation_id)
        buttons = ((Button(tr.t("Already done"), payload),),)
    return Reply(
        text=text,
        buttons=buttons,
        template=(f"reminder_{kind}", (title, date(obligation.due))),
        meta={"kind": "reminder", "reminder": kind, "obligation": obligation.key, "lang": lang},
    )


async def run_tick(
    store: ReminderStore, calendar: Calendar, now: dt.datetime, codec: PayloadCodec | None = None
) -> TickReport:
    """One pass over every onboarded user (the caller owns the transaction); ``codec`` adds «Уже сделал»."""
    today = kz_today(now)
    not_before = daytime(now)
    users = obligations = reminders = 0
    for user_id, lang, profile in await store.onboarded_users():
        users += 1
        start = today - dt.timedelta(days=OVERDUE_WINDOW_DAYS)
        if profile.onboarded_on is not None:  # nothing from before the user came to us
            start = max(start, profile.onboarded_on)
        for item in calendar.obligations(profile, start, today + dt.timedelta(days=EARLY_DAYS)):
            obligation_id = await store.upsert_obligation(user_id, item)
            obligations += 1
            kind = reminder_kind(item.due, today)
            if kind is None or not profile.reminders or await store.obligation_done(obligation_id):
                continue
            if not await store.add_reminder(user_id, obligation_id, kind, not_before):
                continue
            done = DoneButton(codec, user_id, obligation_id) if codec is not None else None
            reply = reminder_reply(item, kind, lang, today, done)
            await store.enqueue(user_id, reply, f"reminder:{obligation_id}:{kind}", not_before)
            reminders += 1
    return TickReport(users, obligations, reminders)


async def scheduler_tick(
    session: AsyncSession,
    now: dt.datetime,
    calendar: Calendar | None = None,
    payload_secret: bytes | None = None,
) -> TickReport:
    """What the worker calls (e.g. every few minutes) inside a transaction it commits.

    Pass the engine's ``payload_secret`` to give reminders the «Уже сделал» button (it must be the same secret the
    engine decodes payloads with)."""
    from dialogs.services import CoreCalendar
    from dialogs.sql_store import SqlStore

    codec = PayloadCodec(payload_secret) if payload_secret else None
    return await run_tick(SqlStore(session), calendar or CoreCalendar(), now, codec)
