"""The ESF issue-term reminder: for each issued document of a consenting user that has no ESF yet, remind
``esf.issue_reminder_lead_days`` days (3, 1 and 0 by default) before the last day to issue it — the turnover date +
``esf.issue_days`` (15 calendar days, НК РК ст. 412 п. 1) — once per document and kind, never at night.

Called from ``poll_esf`` (``dialogs.effects.esf_ticks``). Each reminder is one outbox row per chat with the dedupe
key ``esf-deadline:<document>:<kind>``, so a tick repeated the same day (or a second worker) queues nothing twice;
a document whose ESF was accepted or registered (or the act made from an invoice, which carries the ESF of that
turnover) is not reminded about. WhatsApp's closed window gets the ``esf_deadline`` template.

```mermaid
flowchart LR
    T[poll_esf now] --> U[users with reminders on]
    U --> D[issued documents, last 60 days]
    D --> E{ESF accepted or registered?<br/>an act made from it?}
    E -- yes --> X[skip]
    E -- no --> K{deadline − today ≤ a lead day?<br/>d3 / d1 / d0}
    K -- no --> X
    K -- yes --> Q[outbox: Reply, dedupe esf-deadline:doc:kind, not_before = daytime]
```
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.clock import kz_today
from dialogs.contract import Button, Reply
from dialogs.effects.store import EffectStore
from dialogs.format import date
from dialogs.i18n import N_, Lang, Translator
from dialogs.payloads import PayloadCodec
from dialogs.states import Flow

LOOK_BACK_DAYS = 60  # documents older than this are past any reminder (15 days + the lead days)
DONE_STATUSES = ("uploaded", "created")  # accepted by ИС ЭСФ: nothing to remind about

_TEXTS: dict[int, str] = {
    0: N_("Today, {date}, is the last day to issue the ESF for {title}."),
    1: N_("Tomorrow, {date}, is the last day to issue the ESF for {title}."),
}
_AHEAD = N_("In {days} days, by {date}, issue the ESF for {title}.")


def lead_days(on: dt.date) -> list[int]:
    from core.rules import parameters

    return sorted({int(d) for d in parameters().value("esf.issue_reminder_lead_days", on)}, reverse=True)


def reminder_kind(deadline: dt.date, today: dt.date) -> str | None:
    """``d<lead>`` for the smallest lead day not before today's distance to the deadline (a tick that missed a day
    still sends the next one); ``None`` outside the window or after the deadline."""
    days = (deadline - today).days
    leads = [d for d in lead_days(today) if d >= days]
    if days < 0 or not leads:
        return None
    return f"d{min(leads)}"


def deadline_reminder(title: str, deadline: dt.date, today: dt.date, lang: Lang, button: Button | None) -> Reply:
    t = Translator(lang).t
    days = (deadline - today).days
    text = t(_TEXTS.get(days, _AHEAD), days=days, date=date(deadline), title=title)
    return Reply(
        text=text,
        buttons=((button,),) if button is not None else (),
        template=("esf_deadline", (title, date(deadline))),
        meta={"kind": "esf_deadline", "lang": lang},
    )


async def queue_deadline_reminders(session: AsyncSession, now: dt.datetime, codec: PayloadCodec | None = None) -> int:
    """Queue the reminders due at ``now``; returns how many were new. ``codec`` adds «Выписать ЭСФ»."""
    from core.documents import list_issued
    from dialogs.flows.esf import KIND, TITLES, deadline_of
    from dialogs.reminders import daytime
    from dialogs.sql_store import SqlStore

    store, effects = SqlStore(session), EffectStore(session)
    today, not_before = kz_today(now), daytime(now)
    queued = 0
    for user_id, lang, profile in await store.onboarded_users():
        if not profile.reminders:
            continue
        issued = await list_issued(session, int(user_id), start=today - dt.timedelta(days=LOOK_BACK_DAYS))
        if not issued:
            continue
        done = {
            int(r.request.get("document_id", 0))
            for r in await effects.of_user(user_id, KIND)
            if r.status in DONE_STATUSES
        }
        sources = {int(d.source_document_id) for d in issued if d.source_document_id}
        for doc in issued:
            linked = {doc.id, *([doc.source_document_id] if doc.source_document_id else [])}
            if doc.id in sources or linked & done:
                continue
            deadline = deadline_of(doc.document.on_turnover)
            kind = reminder_kind(deadline, today)
            if kind is None:
                continue
            t = Translator(lang).t
            title = t(TITLES[doc.kind], number=doc.number, date=date(doc.document.date))
            button = _button(codec, user_id, doc.id, t)
            reply = deadline_reminder(title, deadline, today, lang, button)
            queued += await _enqueue_once(store, user_id, reply, f"esf-deadline:{doc.id}:{kind}", not_before)
    return queued


def _button(codec: PayloadCodec | None, user_id: str, document_id: int, t: Any) -> Button | None:
    if codec is None:
        return None
    return Button(t("Issue the ESF"), codec.encode(user_id, Flow.ESF, "new", str(document_id)))


async def _enqueue_once(store: Any, user_id: str, reply: Reply, key: str, not_before: dt.datetime) -> int:
    from core.storage.models import OutboxMessage

    exists = await store.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key.startswith(f"{key}:")).limit(1)
    )
    if exists is not None:
        return 0
    await store.enqueue(user_id, reply, key, not_before)
    return 1
