"""Automatic monthly social payments in the chat (автоплатёж): the consent (a limit the user sets and confirms),
its revocation, and the messages of the monthly run (``dialogs.effects.consent_ticks``).

Part of the payment flow (``Flow.PAYMENT``): «Автоплатёж» under the month's offer → the limit in tenge →
«Да, включить» → stored with its date and limit; «Отключить автоплатёж» at any time. The announcement the day before
carries [Не платить сейчас] [Отключить]; above the limit the tick asks with [Оплатить] (the manual flow).

```mermaid
stateDiagram-v2
    [*] --> status: «Автоплатёж» (consent active)
    status --> [*]: «Отключить автоплатёж» (revoked, audited)
    [*] --> limit: «Автоплатёж» (no consent)
    limit --> limit: not a sum (asked again)
    limit --> confirm: a sum in tenge
    confirm --> [*]: «Да, включить» (consent stored, audited)
    confirm --> [*]: «Отмена»
```
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dialogs.contract import Button, Reply
from dialogs.effects.consent_ticks import active_consent, consent_limit, give_consent, revoke_consent, skip_run
from dialogs.effects.store import EffectRow, EffectStore
from dialogs.flows import menu
from dialogs.flows.base import Ctx, new_token, outdated
from dialogs.format import date, money
from dialogs.i18n import Lang, Translator
from dialogs.payloads import PayloadCodec
from dialogs.states import Flow

LIMIT = "alimit"  # Payment step: waiting for the limit
CONFIRM = "aconfirm"  # Payment step: the consent shown, waiting for «Да, включить»
#: the payment flow's actions handled here: from the chat (auto, agive, arev) and from the pushes (askip, aoff, aopen)
ACTIONS = frozenset({"auto", "agive", "arev", "askip", "aoff", "aopen"})
MAX_DIGITS = 12  # a limit longer than this is a typo, not a budget


def translator(lang: Lang) -> Translator:
    return Translator(lang)


def autopay_button(ctx: Ctx, token: str) -> Button:
    return ctx.button(ctx.t("Autopay"), Flow.PAYMENT, "auto", token)


async def entry(ctx: Ctx, effects: EffectStore, total: Decimal | None) -> list[Reply]:
    """«Автоплатёж»: the active consent with «Отключить автоплатёж», or the question about the limit."""
    consent = await active_consent(effects, ctx.user.user_id)
    if consent is not None:
        ctx.clear()
        text = ctx.t(
            "Automatic payment is on: up to {limit} a month, since {date}. I announce each payment a day before.",
            limit=money(consent_limit(consent)),
            date=date(_given_on(consent)),
        )
        off = ctx.button(ctx.t("Turn off autopay"), Flow.PAYMENT, "arev", str(consent.id))
        return [Reply(text=text, buttons=((off,),))]
    ctx.go(Flow.PAYMENT, LIMIT, token=new_token(), **({"total": str(total)} if total is not None else {}))
    return [prompt(ctx)]


def prompt(ctx: Ctx) -> Reply:
    lines = [
        ctx.t(
            "Up to what amount a month may I pay the social payments automatically? "
            "Write a sum in tenge, for example 30 000."
        )
    ]
    total = ctx.state.data.get("total")
    if total:
        lines.append(ctx.t("This month they are {amount}.", amount=money(Decimal(str(total)))))
    return Reply(text="\n".join(lines))


def parse_limit(text: str) -> Decimal | None:
    """A positive whole-tenge sum ("30 000", "30000", "30 000 ₸", "30к"), or ``None``."""
    from core.money import whole_tenge
    from dialogs.keyword_nlu import parse_amount_text

    found = parse_amount_text(text)
    if found is None or found[0] <= 0 or len(str(int(found[0]))) > MAX_DIGITS:
        return None
    return whole_tenge(found[0])


async def on_limit(ctx: Ctx, text: str) -> list[Reply]:
    limit = parse_limit(text)
    if limit is None:
        return [Reply(text=ctx.t("Please write the limit as a sum in tenge, for example 30 000."))]
    token = str(ctx.state.data.get("token") or new_token())
    ctx.go(Flow.PAYMENT, CONFIRM, token=token, limit=str(limit))
    text = ctx.t(
        "Pay the social payments automatically every month on the due day, if they are not above {limit}? "
        "I will write a day before each payment; you can skip it or turn it off at any time.",
        limit=money(limit),
    )
    buttons = (
        (
            ctx.button(ctx.t("Yes, turn on"), Flow.PAYMENT, "agive", token),
            ctx.button(ctx.t("Cancel"), Flow.PAYMENT, "no", token),
        ),
    )
    return [Reply(text=text, buttons=buttons)]


async def on_button(ctx: Ctx, effects: EffectStore, action: str, arg: str, total: Decimal | None) -> list[Reply]:
    """The autopay actions; each checks its own token or the owner of the row it names (a forged id finds
    nothing, a button from another chat is refused by the payload codec before it gets here)."""
    if action == "auto":
        return await entry(ctx, effects, total)
    if action == "agive":
        data = ctx.state.data
        if ctx.state.flow != Flow.PAYMENT or ctx.state.step != CONFIRM or data.get("token") != arg:
            return outdated(ctx)
        limit = Decimal(str(data["limit"]))
        await give_consent(effects, ctx.user.user_id, limit, arg, ctx.now, ctx.today)
        ctx.clear()
        lines = [ctx.t("Automatic payment is on, up to {limit} a month.", limit=money(limit))]
        if ctx.profile is not None and not ctx.profile.reminders:
            lines.append(
                ctx.t(
                    "Reminders are off, and I never pay without a notice the day before: "
                    "turn reminders on in /settings for it to work."
                )
            )
        lines.append(ctx.t("Turn it off at any time: /pay → «Autopay»."))
        return [Reply(text="\n".join(lines), edit=True)]
    if action in ("arev", "aoff"):
        if action == "aoff" and await effects.owned(ctx.user.user_id, arg, "apr") is None:
            return outdated(ctx)
        if action == "arev" and await effects.owned(ctx.user.user_id, arg, "apc") is None:
            return outdated(ctx)
        revoked = await revoke_consent(effects, ctx.user.user_id, ctx.now)
        text = ctx.t("Automatic payment is off. Nothing will be paid without you.")
        if revoked is None:
            text = ctx.t("Automatic payment is not on.")
        return [Reply(text=text, buttons=menu.main_buttons(ctx), edit=True)]
    if action == "askip":
        run, skipped = await skip_run(effects, ctx.user.user_id, arg)
        if run is None:
            return outdated(ctx)
        month = _month_of(ctx.t, str(run.request.get("period", "")))
        if skipped:
            text = ctx.t("Fine, I will not pay {month} automatically. Pay it yourself: /pay.", month=month)
        elif run.status == "sent":
            text = ctx.t("Too late: the payments for {month} are already sent to the bank.", month=month)
        else:
            text = ctx.t("This payment is not planned any more.")
        return [Reply(text=text, edit=True)]
    return outdated(ctx)


def _given_on(consent: EffectRow) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(str(consent.request.get("given_on")))


def _month_of(t: Any, period: str) -> str:
    from dialogs.flows.payment import month_name

    if len(period) == 7 and period[:4].isdigit() and period[5:].isdigit():
        return month_name(t, int(period[5:]), int(period[:4]))
    return period


def _items(t: Any, orders: list[Any]) -> str:
    from dialogs.flows.payment import order_label

    return ", ".join(f"{order_label(t, o.kind.value)} {money(o.amount)}" for o in orders)


def run_push(run: EffectRow, orders: list[Any], lang: Lang, codec: PayloadCodec | None) -> Reply:
    """The proactive message of a month's run: the announcement, above the limit, or no account."""
    import datetime as dt

    t = Translator(lang).t
    period = str(run.request["period"])
    month = _month_of(t, period)
    total, limit = money(Decimal(str(run.request["total"]))), money(Decimal(str(run.request["limit"])))
    meta = {"kind": "autopay", "effect": run.id, "status": run.status, "lang": lang}

    def button(text: str, action: str, arg: str) -> Button:
        assert codec is not None
        return Button(text, codec.encode(run.user_id, Flow.PAYMENT, action, arg))

    if run.status == "announced":
        due = date(dt.date.fromisoformat(str(run.request["due"])))
        items = _items(t, orders)
        text = t(
            "On the due day, {date}, I will pay automatically for {month}: {items} = total {total} "
            "(within your limit of {limit}).",
            date=due,
            month=month,
            items=items,
            total=total,
            limit=limit,
        )
        buttons: tuple[tuple[Button, ...], ...] = ()
        if codec is not None:
            buttons = (
                (button(t("Skip this time"), "askip", str(run.id)), button(t("Turn off"), "aoff", str(run.id))),
            )
        template = ("payment_autopay_notice", (due, month, items, total, limit))
        return Reply(text=text, buttons=buttons, template=template, meta=meta)
    if run.status == "needs_signature":
        text = t(
            "The social payments for {month} are due on {date}: {total}. The orders need your signature, so I will "
            "not pay them myself. Pay and sign now?",
            month=month,
            date=date(dt.date.fromisoformat(str(run.request["due"]))),
            total=total,
        )
        code = f"m{period[:4]}{period[5:]}"
        buttons = ((button(t("Pay"), "aopen", code),),) if codec is not None else ()
        signing = ("payment_autopay_sign", (month, date(dt.date.fromisoformat(str(run.request["due"]))), total))
        return Reply(text=text, buttons=buttons, template=signing, meta=meta)
    if run.status == "over_limit":
        text = t(
            "For {month} the payments are {total}, above your autopay limit of {limit}, so I will not pay them "
            "myself. Pay them now?",
            month=month,
            total=total,
            limit=limit,
        )
        code = f"m{period[:4]}{period[5:]}"
        buttons = ((button(t("Pay"), "aopen", code),),) if codec is not None else ()
        return Reply(
            text=text, buttons=buttons, template=("payment_autopay_over_limit", (month, total, limit)), meta=meta
        )
    text = t(
        "I could not pay {month} automatically: no bank account is connected. Pay in your bank's app or connect "
        "the account.",
        month=month,
    )
    return Reply(text=text, template=("payment_autopay_no_account", (month,)), meta=meta)


def sent_push(run: EffectRow, lines: list[str], lang: Lang) -> Reply:
    t = Translator(lang).t
    month = _month_of(t, str(run.request["period"]))
    total = money(Decimal(str(run.result.get("total") or run.request["total"])))
    head = t("Paid automatically for {month}, as announced:", month=month)
    text = "\n".join([head, *lines, t("I will write here when the bank executes them.")])
    meta = {"kind": "autopay", "effect": run.id, "status": run.status, "lang": lang}
    return Reply(text=text, template=("payment_autopay_sent", (month, total)), meta=meta)
