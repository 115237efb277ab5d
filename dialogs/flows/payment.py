"""Pay the month's social payments from the chat: «К оплате за ноябрь: ОПВ …, итого … до 25.12. [Оплатить]
[Платёжки] [Позже]» → confirmation → each order sent to the bank with its idempotency key → «Отправлено» → executed
or rejected pushed later by ``poll_payments``.

Orders come from ``core.payments.social_orders`` over the tax engine's month (``self_payments``) and are validated
(``core.payments.validate``) before anything is offered. Exactly once: the confirmation creates one effect row per
order (key ``core.payments.idempotency_key``) before the bank is called; ``sending → sent → executed | rejected``
moves by compare-and-set, and a resend uses the same key (the bank returns the same order, never a second debit).

```mermaid
stateDiagram-v2
    [*] --> name: no ФИО in the profile
    name --> offer
    [*] --> offer: pay_taxes / /pay
    [*] --> sent: the month already sent (its status instead)
    offer --> offer: «Платёжки» (PDF of each order)
    offer --> [*]: «Позже»
    offer --> confirm: «Оплатить»
    offer --> autopay: «Автоплатёж» (flows/autopay.py: limit → «Да, включить»)
    confirm --> sent: «Да, оплатить» (month claimed, effects created, bank.send(key))
    confirm --> signing: «Да, оплатить» with sign_orders (flows/payment_signing.py)
    signing --> sent: the phone returned the signature
    sent --> executed: poll_payments
    sent --> rejected: poll_payments (reasons ru/kk)
```

The month is claimed once (``consent_ticks.claim_month``) by the manual confirmation or by the automatic payment
(``consent_ticks.consent_tick``), so the two never both pay.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dialogs.contract import Attachment, Reply
from dialogs.effects.consent_ticks import claim_month
from dialogs.effects.ports import EffectUnavailable, PayerAccount, PaymentPorts, payment_ports
from dialogs.effects.store import EffectRow, EffectStore
from dialogs.flows import autopay, menu, payment_signing
from dialogs.flows.base import Ctx, FlowHandler, entity, new_token, outdated
from dialogs.flows.filing import NAME_MAX, T, name_is_valid
from dialogs.flows.taxes import month_range
from dialogs.format import date, money
from dialogs.i18n import N_, Lang, Translator
from dialogs.ports import ProfileData, Store, Taxes
from dialogs.states import Flow, Payment, Subscription
from nlu.types import ParseResult

KIND = "pay"
LIVE = ("sending", "sent", "executed")

MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)
#: short names of the payments (the order's kind → the chat label)
LABELS = {
    "opv": N_("OPV"),
    "opvr": N_("OPVR"),
    "so": N_("SO"),
    "vosms": N_("VOSMS"),
    "oosms": N_("OOSMS"),
    "ipn_withheld": N_("IPN withheld"),
    "platform_fee": N_("Subscription fee"),
}


def month_to_pay(today: dt.date) -> tuple[int, int]:
    """The month whose social payments are due now (by the 25th of the next month): the previous month."""
    first = today.replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


def requested_month(parse: ParseResult | None, today: dt.date) -> tuple[int, int]:
    period = entity(parse, "period")
    if period and len(period) == 7 and period[:4].isdigit() and period[5:].isdigit() and 1 <= int(period[5:]) <= 12:
        return int(period[:4]), int(period[5:])
    return month_to_pay(today)


def month_name(t: T, month: int, year: int) -> str:
    return f"{t(MONTHS[month - 1])} {year}"


def order_label(t: T, kind: str) -> str:
    return t(LABELS.get(kind, kind))


def payment_text(t: T, lang: Lang, row: EffectRow) -> str:
    """What the chat says about one payment effect in its current status."""
    label = order_label(t, str(row.request["order_kind"]))
    amount = money(Decimal(str(row.request["amount"])))
    number = str(row.result.get("bank_id", ""))
    if row.status == "executed":
        return t("Executed: {label} {amount} (order {number}).", label=label, amount=amount, number=number)
    if row.status == "rejected":
        reasons = row.result.get("reasons") or []
        why = "; ".join(str(r[2] if lang == "kk" else r[1]) for r in reasons if len(r) == 3) or "—"
        return t("The bank rejected {label} {amount}: {why}", label=label, amount=amount, why=why)
    if row.status == "sent":
        return t("Sent to the bank: {label} {amount} (order {number}).", label=label, amount=amount, number=number)
    return t("Sending to the bank: {label} {amount}.", label=label, amount=amount)


async def advance_payment(
    effects: EffectStore, ports: PaymentPorts, row: EffectRow, actor: str = "user"
) -> tuple[EffectRow, str]:
    """Move one payment as far as it goes now: send (same key) or read its status; returns the row and what
    happened (``unavailable``, ``moved`` when another step won, or the new status)."""
    from core.payments import PaymentOrder

    if row.status == "sending":
        order = PaymentOrder.from_json(dict(row.request["order"]))
        signed = str(row.request.get("signed_xml") or "")
        try:  # with the signed document when the orders were signed (the same one on every resend)
            answer = await (
                ports.bank.send(order, row.key, signed.encode()) if signed else ports.bank.send(order, row.key)
            )
        except EffectUnavailable:
            return row, "unavailable"
        status = answer.state if answer.state in ("executed", "rejected") else "sent"
        result = {"bank_id": answer.id, "bank_number": answer.number, "reasons": [list(r) for r in answer.reasons]}
        moved = await effects.advance(row, status, result)
        if moved is None:
            return await _reloaded(effects, row)
        details = {"period": row.request["period"], "payment": row.request["order_kind"], "state": answer.state}
        await effects.audit(row.user_id, "payment.sent", moved, details, actor)
        return moved, status
    if row.status == "sent":
        try:
            answer = await ports.bank.status(str(row.result["bank_id"]))
        except EffectUnavailable:
            return row, "unavailable"
        if not answer.final:
            return row, "sent_still"
        moved = await effects.advance(row, answer.state, {"reasons": [list(r) for r in answer.reasons]})
        if moved is None:
            return await _reloaded(effects, row)
        details = {"period": row.request["period"], "payment": row.request["order_kind"]}
        await effects.audit(row.user_id, f"payment.{answer.state}", moved, details, actor)
        return moved, answer.state
    return row, row.status


async def _reloaded(effects: EffectStore, row: EffectRow) -> tuple[EffectRow, str]:
    return (await effects.get(row.key) or row), "moved"


def status_push(row: EffectRow, lang: Lang) -> Reply:
    tr = Translator(lang)
    text = payment_text(tr.t, lang, row)
    meta = {"kind": "payment_status", "effect": row.id, "status": row.status, "lang": lang}
    label = order_label(tr.t, str(row.request["order_kind"]))
    amount = money(Decimal(str(row.request["amount"])))
    # WhatsApp's closed 24-hour window needs an approved template: payment_<status>(payment, amount)
    return Reply(text=text, meta=meta, template=(f"payment_{row.status}", (label, amount)))


class PaymentFlow(FlowHandler):
    name = Flow.PAYMENT
    text_steps = frozenset({Payment.NAME, autopay.LIMIT})

    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        return await self._enter(ctx, parse, None)

    async def _enter(self, ctx: Ctx, parse: ParseResult | None, chosen: tuple[int, int] | None) -> list[Reply]:
        """``/pay`` (the NLU's month or the one due now) or a button naming the month (taxes view, autopay)."""
        ctx.clear()
        if not ctx.onboarded:
            return await ctx.start(Flow.ONBOARDING)
        ports, effects = payment_ports(ctx.services), EffectStore.of(ctx.store)
        if ports is None or effects is None or ctx.services.taxes is None or ctx.profile is None:
            return await ctx.start(Flow.TAXES, parse)  # not wired: the figures, as before
        if ctx.profile.regime == "self_employed":
            return [Reply(text=ctx.t("For the self-employed the single payment is paid in the bank's app for now."))]
        year, month = chosen or requested_month(parse, ctx.today)
        return await self._open(ctx, effects, ports, year, month)

    async def _open(self, ctx: Ctx, effects: EffectStore, ports: PaymentPorts, year: int, month: int) -> list[Reply]:
        period = f"{year:04d}-{month:02d}"
        live = [r for r in await effects.of_user(ctx.user.user_id, KIND) if r.request.get("period") == period]
        live = [r for r in live if r.status in LIVE]
        signing = [r for r in await effects.of_user(ctx.user.user_id, payment_signing.SIGN) if r.status == "signing"]
        signing = [r for r in signing if r.request.get("period") == period and not payment_signing.is_fee(r)]
        if signing and not live:  # confirmed, waiting for the signature: its buttons, never a second confirmation
            return [payment_signing.status_reply(ctx, signing[-1])]
        if live:
            head = ctx.t("The payments for {month} are already sent:", month=month_name(ctx.t, month, year))
            text = "\n".join([head, *(payment_text(ctx.t, ctx.lang, r) for r in live)])
            return [Reply(text=text, buttons=((autopay.autopay_button(ctx, ""),),))]
        if not await effects.full_name(ctx.user.user_id):
            ctx.go(self.name, Payment.NAME, period=f"m{year}{month:02d}")
            return [Reply(text=ctx.t("Your surname, name and patronymic as in your ID? The orders need them."))]
        return await self._offer(ctx, effects, ports, year, month)

    def prompt(self, ctx: Ctx) -> Reply | None:
        if ctx.state.step == Payment.NAME:
            return Reply(text=ctx.t("Your surname, name and patronymic as in your ID? The orders need them."))
        if ctx.state.step == autopay.LIMIT:
            return autopay.prompt(ctx)
        return None

    async def on_text(self, ctx: Ctx, text: str, parse: ParseResult) -> list[Reply]:
        if ctx.state.step == autopay.LIMIT:
            return await autopay.on_limit(ctx, text)
        ports, effects = payment_ports(ctx.services), EffectStore.of(ctx.store)
        found = _month_code(str(ctx.state.data.get("period", "")))
        if ports is None or effects is None or found is None:
            return await self.start(ctx, None)
        name = " ".join(text.split())
        if len(name) > NAME_MAX or not name_is_valid(name):
            return [Reply(text=ctx.t("Please write the name in letters only, for example: Иванов Иван Иванович."))]
        await effects.set_full_name(ctx.user.user_id, name.upper())
        return await self._offer(ctx, effects, ports, *found)

    async def _orders(
        self, ctx: Ctx, effects: EffectStore, ports: PaymentPorts, year: int, month: int
    ) -> tuple[list[Any], PayerAccount | None]:
        assert ctx.services.taxes is not None
        assert ctx.profile is not None
        return await month_orders(
            ctx.store, ctx.services.taxes, effects, ports, ctx.user.user_id, ctx.profile, year, month, ctx.today
        )

    async def _offer(self, ctx: Ctx, effects: EffectStore, ports: PaymentPorts, year: int, month: int) -> list[Reply]:
        from core.payments import validate

        orders, account = await self._orders(ctx, effects, ports, year, month)
        if account is None:
            ctx.clear()
            text = ctx.t("No bank account is connected yet, so I cannot pay. Here are the figures:")
            return [Reply(text=text), *await ctx.start(Flow.TAXES, None)]
        if not orders:
            ctx.clear()
            return [Reply(text=ctx.t("Nothing to pay for {month}.", month=month_name(ctx.t, month, year)))]
        problems = [e for o in orders for e in validate(o)]
        if problems:
            ctx.clear()
            lines = [ctx.t("The orders do not pass the checks, so I will not send them:")]
            lines.extend(sorted({f"• {e.text_kk if ctx.lang == 'kk' else e.text_ru}" for e in problems}))
            return [Reply(text="\n".join(lines))]
        total = sum((o.amount for o in orders), Decimal(0))
        due = orders[0].due or ctx.today
        lines = [ctx.t("To pay for {month}:", month=month_name(ctx.t, month, year))]
        lines.extend(f"• {order_label(ctx.t, o.kind.value)}: {money(o.amount)}" for o in orders)
        lines.append(ctx.t("Total {amount}, due {date}.", amount=money(total), date=date(due)))
        token = new_token()
        ctx.go(self.name, Payment.OFFER, token=token, period=f"m{year}{month:02d}", total=str(total))
        buttons = (
            (
                ctx.button(ctx.t("Pay"), self.name, "pay", token),
                ctx.button(ctx.t("Orders"), self.name, "pdf", token),
                ctx.button(ctx.t("Later"), self.name, "later", token),
            ),
            (autopay.autopay_button(ctx, token),),
        )
        return [Reply(text="\n".join(lines), buttons=buttons)]

    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        ports, effects = payment_ports(ctx.services), EffectStore.of(ctx.store)
        data = ctx.state.data
        if action in ("open", "aopen"):  # «Оплатить» in the taxes view or above the autopay limit: the usual offer
            month = _month_code(arg)
            return await self._enter(ctx, None, month) if month else outdated(ctx)
        if action in payment_signing.ACTIONS and ports is not None and effects is not None:
            return await payment_signing.on_button(ctx, effects, ports, action, arg)
        if action in autopay.ACTIONS and ports is not None and effects is not None:
            mine = ctx.state.flow == self.name and data.get("token") == arg and data.get("total")
            return await autopay.on_button(ctx, effects, action, arg, Decimal(str(data["total"])) if mine else None)
        if ports is None or effects is None or ctx.state.flow != self.name or data.get("token") != arg:
            return outdated(ctx)
        if action == "no" and ctx.state.step == autopay.CONFIRM:
            ctx.clear()
            return [Reply(text=ctx.t("Cancelled. Nothing was changed."), buttons=menu.main_buttons(ctx), edit=True)]
        found = _month_code(str(data.get("period", "")))
        if found is None:
            return outdated(ctx)
        if data.get("sent"):  # a second tap after sending: the status, never a second payment
            return await self._open(ctx, effects, ports, *found)
        if action == "later":
            ctx.clear()
            text = ctx.t("Fine, I will remind you before the deadline.")
            return [Reply(text=text, buttons=menu.main_buttons(ctx), edit=True)]
        if action == "no":
            ctx.clear()
            return [Reply(text=ctx.t("Cancelled. Nothing was sent."), buttons=menu.main_buttons(ctx), edit=True)]
        if action == "pdf":
            return await self._pdfs(ctx, effects, ports, *found)
        if action == "pay" and ctx.state.step == Payment.OFFER:
            ctx.state.step = Payment.CONFIRM
            orders, account = await self._orders(ctx, effects, ports, *found)
            total = sum((o.amount for o in orders), Decimal(0))
            iban = account.iban if account else ""
            text = ctx.t(
                "Send {count} orders for {amount} to the bank from the account ending {tail}?",
                count=len(orders),
                amount=money(total),
                tail=iban[-4:],
            )
            buttons = (
                (
                    ctx.button(ctx.t("Yes, pay"), self.name, "yes", arg),
                    ctx.button(ctx.t("Cancel"), self.name, "no", arg),
                ),
            )
            return [Reply(text=text, buttons=buttons)]
        if action == "yes" and ctx.state.step == Payment.CONFIRM:
            if ports.sign_orders and ports.kept is not None and await ports.kept.has_key(ctx.user.user_id, ctx.store):
                ctx.state.step = payment_signing.CHOICE
                return [payment_signing.choice_reply(ctx, arg)]
            return await self._send(ctx, effects, ports, *found)
        if action in ("sph", "skk") and ctx.state.step == payment_signing.CHOICE:
            return await self._send(ctx, effects, ports, *found, way="kept" if action == "skk" else "phone")
        return outdated(ctx)

    async def _pdfs(self, ctx: Ctx, effects: EffectStore, ports: PaymentPorts, year: int, month: int) -> list[Reply]:
        from core.payments import order_pdf

        orders, _ = await self._orders(ctx, effects, ports, year, month)
        files = tuple(
            Attachment("document", f"order-{o.kind.value}-{o.period}.pdf", "application/pdf", order_pdf(o))
            for o in orders
        )
        text = ctx.t(
            "Payment orders for {month}: pay them in your bank's app or press «Pay».",
            month=month_name(ctx.t, month, year),
        )
        token = str(ctx.state.data.get("token", ""))
        buttons = (
            (ctx.button(ctx.t("Pay"), self.name, "pay", token), ctx.button(ctx.t("Later"), self.name, "later", token)),
        )
        return [Reply(text=text, attachments=files, buttons=buttons)]

    async def _send(
        self, ctx: Ctx, effects: EffectStore, ports: PaymentPorts, year: int, month: int, way: str = "phone"
    ) -> list[Reply]:
        from core.payments import validate

        orders, _ = await self._orders(ctx, effects, ports, year, month)
        if not orders or any(validate(o) for o in orders):
            return outdated(ctx)
        token = str(ctx.state.data.get("token", ""))
        if not await claim_month(effects, ctx.user.user_id, f"{year:04d}-{month:02d}", f"user-{token}", "user"):
            ctx.clear()  # the automatic payment (or another confirmation) has this month: its status instead
            return await self._open(ctx, effects, ports, year, month)
        ctx.go(self.name, Payment.SENT, **{**ctx.state.data, "sent": True})
        if ports.sign_orders:  # the user signs the orders on the phone first; they are sent when it arrives
            return await payment_signing.request_signature(
                ctx, effects, ports, orders, f"{year:04d}-{month:02d}", f"user-{token}", way
            )
        lines = await send_orders(ctx, effects, ports, orders)
        lines.append(ctx.t("I will write here when the bank executes them."))
        return [Reply(text="\n".join(lines), edit=True)]


async def send_orders(ctx: Ctx, effects: EffectStore, ports: PaymentPorts, orders: list[Any]) -> list[str]:
    """One effect per order (created before the bank is called), then each sent with its key; the chat lines."""
    return await send_orders_as(effects, ports, ctx.user.user_id, orders, ctx.t, ctx.lang)


def order_attempt(mine: list[EffectRow], order: Any) -> int:
    """1, or one more than the final rejections of the same payment (a new key only after a rejection)."""
    return 1 + sum(
        1
        for r in mine
        if r.request.get("period") == order.period
        and r.request.get("order_kind") == order.kind.value
        and r.status == "rejected"
    )


async def send_orders_as(
    effects: EffectStore,
    ports: PaymentPorts,
    user_id: str,
    orders: list[Any],
    t: T,
    lang: Lang,
    actor: str = "user",
    signed_by: int | None = None,
    signed_xml: str | None = None,
) -> list[str]:
    """``send_orders`` for a user outside a chat event (the automatic payment's tick, ``actor="system"``);
    ``signed_by`` is the signature row that covers these orders (``payment_signing``)."""
    from core.payments import idempotency_key

    mine = await effects.of_user(user_id, KIND)
    lines: list[str] = []
    for order in orders:
        attempt = order_attempt(mine, order)
        request = {
            "period": order.period,
            "order_kind": order.kind.value,
            "amount": str(order.amount),
            "order": order.to_json(),
            "attempt": attempt,
            **({"signed_by": signed_by} if signed_by is not None else {}),
            **({"signed_xml": signed_xml} if signed_xml else {}),
        }
        row, created = await effects.begin(idempotency_key(order, attempt), user_id, KIND, request, "sending")
        if created:
            details = {"period": order.period, "payment": order.kind.value, "amount": str(order.amount)}
            await effects.audit(user_id, "payment.confirmed", row, details, actor)
        moved, _ = await advance_payment(effects, ports, row, actor)
        lines.append(payment_text(t, lang, moved))
    return lines


async def month_orders(
    store: Store,
    taxes: Taxes,
    effects: EffectStore,
    ports: PaymentPorts,
    user_id: str,
    profile: ProfileData,
    year: int,
    month: int,
    today: dt.date,
) -> tuple[list[Any], PayerAccount | None]:
    """The month's social payment orders and the account they are paid from — the same for the manual «Оплатить»
    and the automatic payment, so both give the same orders and the same idempotency keys."""
    from core.calc import CalcResult
    from core.payments import Payer, social_orders

    start, end = month_range(year, month)
    income = sum((e.amount for e in await store.entries(user_id, "income", start, end)), Decimal(0))
    figures = taxes.month(profile, year, month, income)
    account = await ports.accounts.account(user_id, profile.iin or "")
    if account is None or not isinstance(figures.raw, CalcResult):
        return [], account
    name = await effects.full_name(user_id) or ""
    payer = Payer(profile.iin or "", name.title(), account.iban, account.bic, bank=account.bank)
    return social_orders(payer, f"{year:04d}-{month:02d}", own=figures.raw, on=today), account


def _month_code(code: str) -> tuple[int, int] | None:
    if len(code) == 7 and code[0] == "m" and code[1:].isdigit() and 1 <= int(code[5:]) <= 12:
        return int(code[1:5]), int(code[5:])
    return None


FREE = N_("Free: income and expenses, tax calculations, deadlines and reminders, answers to questions.")
PAID = N_("With the subscription: filing declarations and paying from the chat.")


class SubscriptionFlow(FlowHandler):
    """The platform's monthly fee (2 000 ₸, the tariff setting): this month's invoice, whether it is paid (from the
    fee order's effect), what is free, and [Оплатить] → confirmation → the same exactly-once bank send."""

    name = Flow.SUBSCRIPTION
    text_steps = frozenset({Subscription.NAME})

    async def _invoice(self, ctx: Ctx) -> tuple[Any, Any]:
        from core.payments import Payer, fee_invoice
        from core.settings import get_settings

        assert ctx.profile is not None
        ports, effects = payment_ports(ctx.services), EffectStore.of(ctx.store)
        name = (await effects.full_name(ctx.user.user_id) if effects else None) or ""
        iin = ctx.profile.iin or ""
        account = await ports.accounts.account(ctx.user.user_id, iin) if ports else None
        payer = Payer(
            iin,
            name.title() or iin,
            account.iban if account else "",
            account.bic if account else "",
            bank=account.bank if account else "",
        )
        platform = ports.platform if ports else None
        period = f"{ctx.today.year:04d}-{ctx.today.month:02d}"
        fee = get_settings().PLATFORM_FEE_TENGE
        invoice = fee_invoice(payer, period, issued=ctx.today.replace(day=1), fee=fee, platform=platform)
        order = None
        if account is not None and name and not invoice.placeholder:
            order = invoice.order(payer, on=ctx.today, number=1, platform=platform)
        return invoice, order

    async def _paid(self, ctx: Ctx, period: str) -> EffectRow | None:
        effects = EffectStore.of(ctx.store)
        if effects is None:
            return None
        rows = [
            r
            for r in await effects.of_user(ctx.user.user_id, KIND)
            if r.request.get("order_kind") == "platform_fee" and r.request.get("period") == period
        ]
        live = [r for r in rows if r.status in LIVE]
        return live[-1] if live else None

    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        ctx.clear()
        if not ctx.onboarded or ctx.profile is None:
            return await ctx.start(Flow.ONBOARDING)
        invoice, order = await self._invoice(ctx)
        lines = [invoice.text(ctx.lang)]
        paid = await self._paid(ctx, invoice.period)
        ports, effects = payment_ports(ctx.services), EffectStore.of(ctx.store)
        buttons: tuple[tuple[Any, ...], ...] = ()
        if paid is not None and paid.status == "executed":
            lines.append(ctx.t("Paid. Thank you!"))
        elif paid is not None:
            lines.append(payment_text(ctx.t, ctx.lang, paid))
        elif invoice.placeholder:
            lines.append(ctx.t("The platform's bank details are not set up yet, so the fee cannot be paid here."))
        elif ports is None or effects is None:
            lines.append(ctx.t("Not paid yet."))
        elif order is None and not await effects.full_name(ctx.user.user_id):
            ctx.go(self.name, Subscription.NAME)
            lines.append(ctx.t("Your surname, name and patronymic as in your ID? The orders need them."))
        elif order is None:
            lines.append(ctx.t("No bank account is connected yet, so I cannot pay."))
        else:
            lines.append(ctx.t("Not paid yet."))
            token = new_token()
            ctx.go(self.name, Subscription.OFFER, token=token)
            buttons = (
                (
                    ctx.button(ctx.t("Pay"), self.name, "pay", token),
                    ctx.button(ctx.t("Later"), self.name, "later", token),
                ),
            )
        lines.extend((ctx.t(FREE), ctx.t(PAID)))
        return [Reply(text="\n".join(lines), buttons=buttons)]

    def prompt(self, ctx: Ctx) -> Reply | None:
        if ctx.state.step == Subscription.NAME:
            return Reply(text=ctx.t("Your surname, name and patronymic as in your ID? The orders need them."))
        return None

    async def on_text(self, ctx: Ctx, text: str, parse: ParseResult) -> list[Reply]:
        effects = EffectStore.of(ctx.store)
        name = " ".join(text.split())
        if effects is None:
            return await self.start(ctx, None)
        if len(name) > NAME_MAX or not name_is_valid(name):
            return [Reply(text=ctx.t("Please write the name in letters only, for example: Иванов Иван Иванович."))]
        await effects.set_full_name(ctx.user.user_id, name.upper())
        return await self.start(ctx, None)

    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        from core.payments import validate

        ports, effects = payment_ports(ctx.services), EffectStore.of(ctx.store)
        data = ctx.state.data
        if ports is None or effects is None or ctx.state.flow != self.name or data.get("token") != arg:
            return outdated(ctx)
        if data.get("sent"):
            return await self.start(ctx, None)
        if action in ("later", "no"):
            ctx.clear()
            text = ctx.t("Fine, I will remind you before the deadline.") if action == "later" else ""
            text = text or ctx.t("Cancelled. Nothing was sent.")
            return [Reply(text=text, buttons=menu.main_buttons(ctx), edit=True)]
        invoice, order = await self._invoice(ctx)
        if order is None or validate(order):
            return outdated(ctx)
        if action == "pay" and ctx.state.step == Subscription.OFFER:
            ctx.state.step = Subscription.CONFIRM
            text = ctx.t(
                "Pay the subscription fee {amount} from the account ending {tail}?",
                amount=money(invoice.amount),
                tail=order.payer.iban[-4:],
            )
            buttons = (
                (
                    ctx.button(ctx.t("Yes, pay"), self.name, "yes", arg),
                    ctx.button(ctx.t("Cancel"), self.name, "no", arg),
                ),
            )
            return [Reply(text=text, buttons=buttons)]
        if action == "yes" and ctx.state.step == Subscription.CONFIRM:
            ctx.go(self.name, Subscription.CONFIRM, **{**data, "sent": True})
            if ports.sign_orders:  # the fee's order is signed like the month's (no month claim: it is not social)
                nonce = f"fee-{data.get('token', '')}"
                return await payment_signing.request_signature(ctx, effects, ports, [order], invoice.period, nonce)
            lines = await send_orders(ctx, effects, ports, [order])
            lines.append(ctx.t("I will write here when the bank executes them."))
            return [Reply(text="\n".join(lines), edit=True)]
        return outdated(ctx)
