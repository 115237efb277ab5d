"""Record income or an expense from free text: parse → confirm (Save / Edit / Cancel) → saved once.

"получил 150 000 от ТОО Альфа", "пришло 200к от Альфы вчера": the NLU gives amount, date and counterparty; what is
missing is asked. The draft carries a random id: the idempotency key of the entry and the arg of its buttons, so a
double tap on «Save» saves once and a button of an old draft does nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from dialogs.contract import Reply
from dialogs.flows import menu
from dialogs.flows.base import Ctx, FlowHandler, entity, new_token, outdated
from dialogs.format import date, money
from dialogs.keyword_nlu import parse_amount_text, parse_date_text
from dialogs.ports import Entry, EntryKind
from dialogs.states import Entry as Step
from dialogs.states import Flow
from nlu.types import ParseResult

#: Beyond this an amount is taken for a typo (a sanity bound, not a legal limit): 100 billion tenge.
ABSURD_AMOUNT = Decimal("100000000000")
MAX_PAST_DAYS = 3 * 366  # older entries belong to closed periods; ask the user to check
MAX_PARTY = 200


def amount_from(text: str, parse: ParseResult | None) -> Decimal | None:
    """The amount the NLU found (a minus sign written before it kept: "-5000" is negative), else our own parse."""
    for item in parse["entities"] if parse else []:
        if item["entity"] != "amount":
            continue
        try:
            value = Decimal(str(item["value"]))
        except InvalidOperation:
            break
        before = text[: item["start"]].rstrip()
        return -abs(value) if before.endswith(("-", "−", "–")) else value
    found = parse_amount_text(text)
    return found[0] if found else None


_KK_ABLATIVE = ("дан", "ден", "тан", "тен", "нан", "нен")


def clean_party(party: str, lang: str) -> str:
    """The counterparty as a name: Kazakh "ЖШС Альфадан" (from Alfa) → "ЖШС Альфа"; trimmed to the column size."""
    words = party.strip().split()
    if lang == "kk" and words:
        last = words[-1]
        for ending in _KK_ABLATIVE:
            if last.lower().endswith(ending) and len(last) - len(ending) >= 3:
                words[-1] = last[: -len(ending)]
                break
    return " ".join(words)[:MAX_PARTY]


def amount_error(ctx: Ctx, amount: Decimal | None) -> str | None:
    if amount is None:
        return ctx.t("I did not find an amount. Send it in digits, for example: 150 000 or 200к.")
    if amount <= 0:
        return ctx.t("The amount must be greater than zero. Please send it again.")
    if amount > ABSURD_AMOUNT:
        return ctx.t("{amount} looks like a typo — that is too much. Please check the amount.", amount=money(amount))
    if amount != amount.quantize(Decimal("0.01")):
        return ctx.t("Tenge have at most two decimal places (tiyn). Please check the amount.")
    return None


def date_error(ctx: Ctx, day: dt.date) -> str | None:
    if day > ctx.today:
        return ctx.t("The date {day} is in the future. Send the date it actually happened.", day=date(day))
    if (ctx.today - day).days > MAX_PAST_DAYS:
        return ctx.t("The date {day} is more than three years ago. Please check it.", day=date(day))
    return None


class EntryFlow(FlowHandler):
    """The income flow (``inc``) and the expense flow (``exp``): same steps, different words."""

    text_steps = frozenset({Step.AMOUNT, Step.EDIT_AMOUNT, Step.EDIT_DATE, Step.EDIT_PARTY})

    def __init__(self, kind: EntryKind) -> None:
        self.kind: EntryKind = kind
        self.name = Flow.INCOME if kind == "income" else Flow.EXPENSE

    # ---- words ----
    def _ask_amount(self, ctx: Ctx) -> str:
        if self.kind == "income":
            return ctx.t("How much did you receive? For example: 150 000 from TOO Alfa.")
        return ctx.t("How much did you spend? For example: 20 000 for rent.")

    def _summary(self, ctx: Ctx, draft: dict[str, Any]) -> str:
        amount = money(Decimal(draft["amount"]))
        day = date(dt.date.fromisoformat(draft["date"]))
        party = draft.get("party") or ctx.t("not specified")
        if self.kind == "income":
            head = ctx.t("Record income?")
            who = ctx.t("From: {party}", party=party)
        else:
            head = ctx.t("Record an expense?")
            who = ctx.t("To: {party}", party=party)
        return "\n".join((head, ctx.t("Amount: {amount}", amount=amount), ctx.t("Date: {day}", day=day), who))

    # ---- steps ----
    def _draft(self, ctx: Ctx) -> dict[str, Any]:
        draft = ctx.state.data.get("draft")
        return draft if isinstance(draft, dict) else {}

    def _confirm(self, ctx: Ctx, before: str | None = None) -> list[Reply]:
        draft = self._draft(ctx)
        ctx.state.flow, ctx.state.step = self.name, Step.CONFIRM
        token = str(draft["id"])
        buttons = (
            (
                ctx.button(ctx.t("Save"), self.name, "save", token),
                ctx.button(ctx.t("Edit"), self.name, "edit", token),
                ctx.button(ctx.t("Cancel"), self.name, "cancel", token),
            ),
        )
        text = self._summary(ctx, draft)
        return [Reply(text=f"{before}\n\n{text}" if before else text, buttons=buttons)]

    def prompt(self, ctx: Ctx) -> Reply | None:
        step = ctx.state.step
        if step in (Step.AMOUNT, Step.EDIT_AMOUNT):
            return Reply(text=self._ask_amount(ctx))
        if step == Step.EDIT_DATE:
            return Reply(text=ctx.t("Send the date, for example 15.11.2026 or «yesterday»."))
        if step == Step.EDIT_PARTY:
            return Reply(text=ctx.t("Who is it from or to? For example: TOO Alfa."))
        if step == Step.CONFIRM and self._draft(ctx):
            return self._confirm(ctx)[0]
        return None

    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        text = parse["text"] if parse else ""
        draft: dict[str, Any] = {"id": new_token(), "date": ctx.today.isoformat()}
        ctx.go(self.name, Step.AMOUNT, draft=draft)
        party = entity(parse, "counterparty")
        if party:
            draft["party"] = clean_party(party, ctx.lang)
        day_raw = entity(parse, "date")
        if day_raw:
            try:
                day = dt.date.fromisoformat(day_raw)
            except ValueError:
                day = ctx.today
            error = date_error(ctx, day)
            if error:
                return [Reply(text=error + "\n" + ctx.t("I will take today's date; you can change it."))] + (
                    await self._after_amount(ctx, text, parse)
                )
            draft["date"] = day.isoformat()
        if not text:
            return [Reply(text=self._ask_amount(ctx))]
        return await self._after_amount(ctx, text, parse)

    async def _after_amount(self, ctx: Ctx, text: str, parse: ParseResult | None) -> list[Reply]:
        amount = amount_from(text, parse)
        if amount is None:
            return [Reply(text=self._ask_amount(ctx))]
        error = amount_error(ctx, amount)
        if error:
            return [Reply(text=error)]
        self._draft(ctx)["amount"] = str(amount)
        return self._confirm(ctx)

    async def on_text(self, ctx: Ctx, text: str, parse: ParseResult) -> list[Reply]:
        step = ctx.state.step
        draft = self._draft(ctx)
        if step == Step.AMOUNT:
            party = entity(parse, "counterparty")
            if party and not draft.get("party"):
                draft["party"] = clean_party(party, ctx.lang)
            amount = amount_from(text, parse)
            error = amount_error(ctx, amount)
            if error:
                return [Reply(text=error)]
            draft["amount"] = str(amount)
            return self._confirm(ctx)
        if step == Step.EDIT_AMOUNT:
            amount = amount_from(text, None)
            error = amount_error(ctx, amount)
            if error:
                return [Reply(text=error)]
            draft["amount"] = str(amount)
            return self._confirm(ctx)
        if step == Step.EDIT_DATE:
            found = parse_date_text(text, ctx.today)
            if found is None:
                return [Reply(text=ctx.t("I could not read the date. Send it like 15.11.2026 or «yesterday»."))]
            error = date_error(ctx, found[0])
            if error:
                return [Reply(text=error)]
            draft["date"] = found[0].isoformat()
            return self._confirm(ctx)
        if step == Step.EDIT_PARTY:
            party = text.strip()
            if not party:
                return [Reply(text=ctx.t("Who is it from or to? For example: TOO Alfa."))]
            draft["party"] = party[:MAX_PARTY]
            return self._confirm(ctx)
        return await self.start(ctx, parse)

    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        draft = self._draft(ctx)
        if ctx.state.flow != self.name or draft.get("id") != arg:
            if ctx.state.data.get("saved") == arg and arg:
                text = ctx.t("Already saved.")
                return [Reply(text=text, notice=text)]
            return outdated(ctx)
        if action == "save" and "amount" in draft:
            return await self._save(ctx, draft)
        if action == "edit":
            buttons = (
                (
                    ctx.button(ctx.t("Amount"), self.name, "f_amount", arg),
                    ctx.button(ctx.t("Date"), self.name, "f_date", arg),
                    ctx.button(ctx.t("Counterparty"), self.name, "f_party", arg),
                ),
            )
            return [Reply(text=ctx.t("What shall I change?"), buttons=buttons)]
        steps = {"f_amount": Step.EDIT_AMOUNT, "f_date": Step.EDIT_DATE, "f_party": Step.EDIT_PARTY}
        if action in steps:
            ctx.state.step = steps[action]
            reply = self.prompt(ctx)
            return [reply] if reply else []
        if action == "cancel":
            ctx.clear()
            return [Reply(text=ctx.t("Cancelled, nothing was saved."), buttons=menu.main_buttons(ctx), edit=True)]
        return outdated(ctx)

    async def _save(self, ctx: Ctx, draft: dict[str, Any]) -> list[Reply]:
        entry = Entry(
            kind=self.kind,
            amount=Decimal(draft["amount"]),
            date=dt.date.fromisoformat(draft["date"]),
            counterparty=draft.get("party") or None,
        )
        key = f"chat:{self.kind}:{draft['id']}"
        created = await ctx.store.add_entry(ctx.user.user_id, entry, key)
        if created:
            await ctx.store.audit(
                ctx.user.user_id, f"{self.kind}.recorded", {"amount": str(entry.amount), "date": draft["date"]}
            )
        ctx.go(None, None, saved=str(draft["id"]))
        start = entry.date.replace(day=1)
        month_total = sum(
            (e.amount for e in await ctx.store.entries(ctx.user.user_id, self.kind, start, ctx.today)), Decimal(0)
        )
        if self.kind == "income":
            text = ctx.t(
                "Saved: income {amount}. Income this month: {total}.",
                amount=money(entry.amount),
                total=money(month_total),
            )
        else:
            text = ctx.t(
                "Saved: expense {amount}. Expenses this month: {total}.",
                amount=money(entry.amount),
                total=money(month_total),
            )
        return [Reply(text=text, buttons=menu.buttons(ctx, "inc", "tax", "sum"), edit=True, notice=ctx.t("Saved"))]
