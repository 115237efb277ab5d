"""Pending ИП registrations: the worker tick asks the taxpayer lookup and, once the ИП is in the register, sets up
the profile (regime, place, ``onboarded_on`` = the registration date), the obligations from that date and the
reminders, and pushes «ИП зарегистрировано …».

A pending registration is one row of the ``effects`` table (kind ``ipreg``, ``pending → confirmed | cancelled``)
created by «Я подал заявку». ``confirm_registration`` is shared with the chat's «Проверить» button: the move is a
compare-and-set, so the tick and a tap racing each other set the profile up once and push once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.clock import kz_today
from dialogs.contract import Reply
from dialogs.effects.ports import EffectUnavailable
from dialogs.effects.registration_ports import RegistrationPorts
from dialogs.effects.store import EffectRow, EffectStore
from dialogs.effects.ticks import PollReport, _each
from dialogs.i18n import Lang, Translator
from dialogs.periods import period_end
from dialogs.ports import REGIMES, Calendar, ObligationDue, ProfileData, Store

KIND = "ipreg"
OBLIGATIONS_AHEAD_DAYS = 92  # as onboarding: the reminder scheduler keeps extending it


def since_registration(obligations: list[ObligationDue], registered_on: dt.date) -> list[ObligationDue]:
    """Only periods the ИП existed in: a period that ended before the registration date has nothing to file or pay."""
    return [o for o in obligations if (period_end(o.period) or registered_on) >= registered_on]


def profile_from(request: dict[str, Any], registered_on: dt.date) -> ProfileData:
    regime = request.get("regime")
    birth_year = request.get("birth_year")
    return ProfileData(
        iin=str(request["iin"]),
        regime=next((r for r in REGIMES if r == regime), None),
        place_id=str(request["place"]) if request.get("place") else None,
        employees=int(request.get("employees") or 0),
        birth_year=birth_year if isinstance(birth_year, int) else None,
        onboarded=True,
        onboarded_on=registered_on,
        reminders=bool(request.get("reminders", True)),
        registered_on=registered_on,
    )


async def confirm_registration(
    store: Store,
    effects: EffectStore,
    ports: RegistrationPorts,
    calendar: Calendar | None,
    row: EffectRow,
    now: dt.datetime,
    actor: str = "user",
) -> tuple[EffectRow, str, list[ObligationDue]]:
    """Ask the register about a pending registration: ``pending`` (not there yet), ``unavailable``, ``moved`` (another
    step confirmed or cancelled it), or ``confirmed`` with the obligations saved from the registration date."""
    if row.status != "pending":
        return row, "moved", []
    try:
        found = await ports.lookup.find(str(row.request["iin"]))
    except EffectUnavailable:
        return row, "unavailable", []
    if found is None or found.status == "closed":
        return row, "pending", []
    moved = await effects.advance(row, "confirmed", {"registered_on": found.registered_on.isoformat()})
    if moved is None:
        return (await effects.get(row.key) or row), "moved", []
    profile = profile_from(row.request, found.registered_on)
    await store.save_profile(row.user_id, profile)
    if row.request.get("name"):
        await effects.set_full_name(row.user_id, str(row.request["name"]))
    end = kz_today(now) + dt.timedelta(days=OBLIGATIONS_AHEAD_DAYS)
    found_due = calendar.obligations(profile, found.registered_on, end) if calendar is not None else []
    soon = since_registration(found_due, found.registered_on)
    await store.save_obligations(row.user_id, soon)
    details = {"registered_on": found.registered_on.isoformat(), "regime": profile.regime, "place": profile.place_id}
    await effects.audit(row.user_id, "registration.confirmed", moved, details, actor)
    return moved, "confirmed", [o for o in soon if o.due >= kz_today(now)]


def confirmed_push(row: EffectRow, lang: Lang, soon: list[ObligationDue]) -> Reply:
    """The message the tick pushes (``meta.kind = registration_confirmed``; a WhatsApp template outside 24 h)."""
    from dialogs.flows.registration_texts import confirmed_text

    registered_on = dt.date.fromisoformat(str(row.result["registered_on"]))
    text = confirmed_text(Translator(lang).t, lang, row.request, registered_on, soon)
    meta = {"kind": "registration_confirmed", "effect": row.id, "lang": lang}
    return Reply(text=text, meta=meta, template=("registration_confirmed", (registered_on.strftime("%d.%m.%Y"),)))


async def poll_registrations(
    session: AsyncSession, now: dt.datetime, ports: RegistrationPorts, calendar: Calendar | None = None
) -> PollReport:
    """Every pending registration: confirmed ones set up and pushed once (``dedupe_key = ipreg:<effect>``)."""
    from dialogs.services import CoreCalendar
    from dialogs.sql_store import SqlStore

    effects = EffectStore(session)
    store = SqlStore(session)
    used = calendar if calendar is not None else CoreCalendar()
    rows = await effects.in_status(KIND, ("pending",))

    async def one(row: EffectRow) -> bool:
        moved, what, soon = await confirm_registration(store, effects, ports, used, row, now, actor="system")
        if what != "confirmed":
            return False
        lang = await effects.language(moved.user_id)
        await effects.push(moved.user_id, confirmed_push(moved, lang, soon), f"ipreg:{moved.id}:confirmed", now)
        return True

    return await _each(session, rows, one)
