"""The standing consent for automatic monthly social payments (автоплатёж) and its worker tick.

The user sets a monthly limit and confirms it in the chat (``dialogs.flows.autopay``); the consent is an effect row
(kind ``apc``: ``active → revoked``) with its limit and date, so it is audited, revocable at any time and scrubbed by
erasure like every effect. Each month the tick:

* on the working day before the social payments' due date (``core.calendar``), in the daytime and only for users
  who accept reminders, announces «Завтра оплачу ОПВ …, СО …, ВОСМС … = итого … (в пределах лимита …)» with
  [Не платить в этот раз] [Отключить] — one run row per user and month (kind ``apr``, key ``apr-<user>-<period>``);
* on the due day, if the run was not cancelled, the consent is still active, the total is within the limit and an
  account is connected, pays through exactly the path of a confirmed payment (``payment.send_orders_as``: one
  effect per order, the bank's idempotency key); above the limit it pays nothing and asks the user.

Exactly once between the manual «Оплатить» and the automatic payment: both first claim the month
(``claim_month``: an effect row ``payp-<user>-<period>-<n>`` that only one of them can create, and refused while
the month has payments in flight or executed), then the orders' own keys make every resend the same payment.

```mermaid
stateDiagram-v2
    [*] --> announced: the working day before the due date (daytime, reminders on, total ≤ limit)
    [*] --> over_limit: total > limit (asked to pay by hand)
    [*] --> needs_signature: the orders need the user's signature (asked to pay and sign by hand)
    announced --> skipped: «Не платить в этот раз» / «Отключить»
    announced --> sent: the due day: month claimed, orders sent (same effect path as «Да, оплатить»)
    announced --> over_limit: the total grew above the limit
    announced --> manual: already paid by hand (the claim is taken)
    announced --> no_account: no bank account connected
```
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.effects.ports import PaymentPorts
from dialogs.effects.store import EffectRow, EffectStore
from dialogs.effects.ticks import PollReport, _each
from dialogs.payloads import PayloadCodec
from dialogs.ports import Taxes

CONSENT = "apc"  # the consent: active → revoked
RUN = "apr"  # a month's automatic payment: announced → sent | skipped | over_limit | needs_signature | manual | …
CLAIM = "payp"  # who pays a month: the manual flow or the automatic run (only one row per attempt)
SIGN = "pays"  # payment_signing.SIGN: the user's signature on the month's orders
PAY = "pay"  # payment.KIND (kept literal here: this module is imported by the payment flow)
SOCIAL = frozenset({"opv", "opvr", "so", "vosms", "oosms", "ipn_withheld"})
LIVE = ("sending", "sent", "executed")


# ---- the consent ----
async def active_consent(effects: EffectStore, user_id: str) -> EffectRow | None:
    """The user's active consent (the latest), or ``None``; a row scrubbed by erasure is no consent."""
    rows = [r for r in await effects.of_user(user_id, CONSENT) if r.status == "active" and r.request.get("limit")]
    return rows[-1] if rows else None


def consent_limit(row: EffectRow) -> Decimal:
    return Decimal(str(row.request["limit"]))


async def give_consent(
    effects: EffectStore, user_id: str, limit: Decimal, token: str, now: dt.datetime, today: dt.date
) -> EffectRow:
    """Store the consent (idempotent by the confirmation's token); a previous active one is replaced."""
    previous = await active_consent(effects, user_id)
    request = {"limit": str(limit), "given_on": today.isoformat(), "given_at": now.isoformat()}
    row, created = await effects.begin(f"apc-{user_id}-{token}", user_id, CONSENT, request, "active")
    if created:
        if previous is not None and previous.id != row.id:
            await _revoke(effects, previous, now, "replaced")
        await effects.audit(
            user_id, "payment.consent.given", row, {"limit": str(limit), "given_on": today.isoformat()}
        )
    return row


async def revoke_consent(effects: EffectStore, user_id: str, now: dt.datetime) -> EffectRow | None:
    """Revoke the active consent and cancel this month's announced run; ``None`` when there was none."""
    row = await active_consent(effects, user_id)
    if row is None:
        return None
    moved = await _revoke(effects, row, now, "user")
    for run in await effects.of_user(user_id, RUN):
        if run.status == "announced":
            skipped = await effects.advance(run, "skipped", {"why": "revoked"})
            if skipped is not None:
                await effects.audit(user_id, "payment.auto.skipped", skipped, {"period": run.request.get("period")})
    return moved


async def _revoke(effects: EffectStore, row: EffectRow, now: dt.datetime, why: str) -> EffectRow | None:
    moved = await effects.advance(row, "revoked", {"revoked_at": now.isoformat(), "why": why})
    if moved is not None:
        await effects.audit(row.user_id, "payment.consent.revoked", moved, {"why": why})
    return moved


async def skip_run(effects: EffectStore, user_id: str, run_id: str) -> tuple[EffectRow | None, bool]:
    """«Не платить в этот раз»: the run (if it is this user's) and whether it was cancelled now."""
    run = await effects.owned(user_id, run_id, RUN)
    if run is None:
        return None, False
    moved = await effects.advance(run, "skipped", {"why": "user"}) if run.status == "announced" else None
    if moved is None:
        return await effects.owned(user_id, run_id, RUN), False
    await effects.audit(user_id, "payment.auto.skipped", moved, {"period": run.request.get("period")})
    return moved, True


# ---- who pays the month ----
async def month_is_paid(effects: EffectStore, user_id: str, period: str) -> bool:
    """The month's social payments are in flight or executed (so nobody may start them again)."""
    return any(
        r.request.get("period") == period and r.request.get("order_kind") in SOCIAL and r.status in LIVE
        for r in await effects.of_user(user_id, PAY)
    )


async def claim_month(effects: EffectStore, user_id: str, period: str, nonce: str, by: str) -> bool:
    """Take the right to pay ``period``'s social payments: True for the one claimant (and again for the same
    ``nonce``: a resumed or redelivered step), False when another one (manual or automatic) has it or paid it."""
    claims = [r for r in await effects.of_user(user_id, CLAIM) if r.request.get("period") == period]
    if any(r.request.get("nonce") == nonce for r in claims):
        return True
    if await month_is_paid(effects, user_id, period):
        return False
    signing = [r for r in await effects.of_user(user_id, SIGN) if r.status == "signing"]
    signing = [r for r in signing if not str(r.request.get("nonce", "")).startswith("fee-")]  # the fee is no claim
    if any(r.request.get("period") == period for r in signing):  # confirmed, waiting for the user's signature
        return False
    request = {"period": period, "nonce": nonce, "by": by}
    row, created = await effects.begin(f"payp-{user_id}-{period}-{len(claims) + 1}", user_id, CLAIM, request, "taken")
    return created or row.request.get("nonce") == nonce


# ---- the tick ----
async def consent_tick(
    session: AsyncSession,
    now: dt.datetime,
    ports: PaymentPorts,
    codec: PayloadCodec | None = None,
    taxes: Taxes | None = None,
) -> PollReport:
    """Announce tomorrow's automatic payments and pay announced ones on the due day (the worker's transaction;
    each user in a savepoint). Nothing at night; pushes go to every active chat of the user once (dedupe key)."""
    from dialogs.clock import kz_today
    from dialogs.reminders import daytime

    if daytime(now) != now.astimezone(dt.UTC):
        return PollReport(0, 0)
    from dialogs.services import CoreTaxes

    effects = EffectStore(session)
    consents = await effects.in_status(CONSENT, ("active",), limit=10_000)
    latest: dict[str, EffectRow] = {row.user_id: row for row in consents}
    today = kz_today(now)

    async def one(consent: EffectRow) -> bool:
        return await _autopay_user(effects, ports, consent, now, today, codec, taxes or CoreTaxes())

    return await _each(session, list(latest.values()), one)


async def _autopay_user(
    effects: EffectStore,
    ports: PaymentPorts,
    consent: EffectRow,
    now: dt.datetime,
    today: dt.date,
    codec: PayloadCodec | None,
    taxes: Taxes,
) -> bool:
    from core.calendar.deadlines import social_payments_due
    from core.calendar.working_days import add_working_days
    from dialogs.flows import autopay
    from dialogs.flows.payment import month_orders, month_to_pay, send_orders_as
    from dialogs.sql_store import SqlStore

    user = consent.user_id
    store = SqlStore(effects.session)
    profile = await store.get_profile(user)
    if profile is None or not profile.onboarded or profile.regime in (None, "self_employed"):
        return False
    year, month = month_to_pay(today)
    period = f"{year:04d}-{month:02d}"
    due = social_payments_due(year, month)
    announce_on = add_working_days(due, -1)
    run = await effects.get(f"apr-{user}-{period}")
    if today < announce_on or (run is None and (today >= due or not profile.reminders)):
        return False  # too early; or too late to announce a day before; or no reminders — never unannounced
    if run is not None and (run.status != "announced" or today < due):
        return False
    lang = await effects.language(user)
    limit = consent_limit(consent)
    orders, account = await month_orders(store, taxes, effects, ports, user, profile, year, month, today)
    total = sum((o.amount for o in orders), Decimal(0))
    base: dict[str, Any] = {"period": period, "total": str(total), "limit": str(limit), "consent": consent.id}
    if run is None:
        if not orders or await month_is_paid(effects, user, period):
            return False
        status = "no_account" if account is None else ("announced" if total <= limit else "over_limit")
        if status == "announced" and ports.sign_orders:  # orders need the user's own signature: ask, never pay
            status = "needs_signature"
        run, created = await effects.begin(f"apr-{user}-{period}", user, RUN, {**base, "due": due.isoformat()}, status)
        if not created:
            return False
        action = "payment.auto.announced" if status == "announced" else "payment.auto.skipped"
        await effects.audit(user, action, run, {**base, "status": status})
        reply = autopay.run_push(run, orders, lang, codec)
        await effects.push(user, reply, f"autopay:{run.id}:{run.status}", now)
        return True
    # the due day: pay what was announced, if everything still holds
    if account is None or not orders or total > limit or ports.sign_orders:
        status = "no_account" if account is None or not orders else "over_limit"
        status = "needs_signature" if status == "over_limit" and total <= limit else status
        moved = await effects.advance(run, status, {"total": str(total)})
        if moved is None:
            return False
        await effects.audit(user, "payment.auto.skipped", moved, {**base, "why": status})
        await effects.push(user, autopay.run_push(moved, orders, lang, codec), f"autopay:{run.id}:{status}", now)
        return True
    if not await claim_month(effects, user, period, f"auto-{run.id}", "auto"):
        moved = await effects.advance(run, "manual")
        if moved is not None:
            await effects.audit(user, "payment.auto.skipped", moved, {**base, "why": "manual"})
        return False
    moved = await effects.advance(run, "sent", {"total": str(total)})
    if moved is None:  # «Не платить в этот раз» won the race
        return False
    tr = autopay.translator(lang)
    lines = await send_orders_as(effects, ports, user, orders, tr.t, lang, actor="system")
    await effects.audit(user, "payment.auto.sent", moved, {**base, "orders": len(orders)}, actor="system")
    await effects.push(user, autopay.sent_push(moved, lines, lang), f"autopay:{run.id}:sent", now)
    return True
