"""Upcoming deadlines: the profile's filings and payments from the calendar, nearest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dialogs.contract import Reply
from dialogs.flows import menu
from dialogs.flows.base import Ctx, FlowHandler, outdated
from dialogs.format import date
from dialogs.i18n import N_
from dialogs.ports import ObligationDue
from dialogs.states import Flow
from nlu.types import ParseResult

AHEAD_DAYS = 92
SHOWN = 8

_TITLES: dict[tuple[str, str], str] = {
    ("910.00", "file"): N_("submit declaration 910.00 for {period}"),
    ("910.00", "pay"): N_("pay the tax under 910.00 for {period}"),
    ("200.00", "file"): N_("submit declaration 200.00 for {period}"),
    ("220.00", "file"): N_("submit declaration 220.00 for {period}"),
    ("220.00", "pay"): N_("pay income tax under 220.00 for {period}"),
    ("social_payments", "pay"): N_("pay social payments for yourself for {period}"),
    ("payroll_payments", "pay"): N_("pay taxes and contributions for employees for {period}"),
    ("self_employed_payments", "pay"): N_("pay the self-employed payment for {period}"),
}
_OTHER = N_("{obligation} ({action}) for {period}")


def period_text(t: Callable[..., str], period: str) -> str:
    """ "2026-11" → "11.2026", "2026-H2" → "2nd half of 2026", "2026-Q3" → "3rd quarter of 2026"."""
    if len(period) == 7 and period[4] == "-" and period[5:].isdigit():
        return f"{period[5:]}.{period[:4]}"
    if len(period) == 7 and period[5] == "H":
        return t("half-year {n} of {year}", n=period[6], year=period[:4])
    if len(period) == 7 and period[5] == "Q":
        return t("quarter {n} of {year}", n=period[6], year=period[:4])
    return period


def obligation_text(t: Callable[..., str], item: ObligationDue) -> str:
    """What to do, in words: "pay social payments for yourself for 11.2026"."""
    template = _TITLES.get((item.code, item.action))
    period = period_text(t, item.period)
    if template is None:
        return t(_OTHER, obligation=item.code, action=item.action, period=period)
    return t(template, period=period)


def obligation_title(ctx: Ctx, item: ObligationDue) -> str:
    return obligation_text(ctx.t, item)


class DeadlinesFlow(FlowHandler):
    name = Flow.DEADLINES

    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        ctx.clear()
        if not ctx.onboarded or ctx.profile is None:
            return await ctx.start(Flow.ONBOARDING)
        calendar = ctx.services.calendar
        if calendar is None:
            return [Reply(text=ctx.t("The calendar is unavailable right now. Please try again later."))]
        found = calendar.obligations(ctx.profile, ctx.today, ctx.today + dt.timedelta(days=AHEAD_DAYS))
        if not found:
            return [Reply(text=ctx.t("Nothing is due in the next three months."), buttons=menu.main_buttons(ctx))]
        lines = [ctx.t("Upcoming deadlines:")]
        for item in found[:SHOWN]:
            days = (item.due - ctx.today).days
            left = ctx.t("today") if days == 0 else ctx.t("in {days} d.", days=days)
            lines.append(f"• {date(item.due)} ({left}) — {obligation_title(ctx, item)}")
        return [Reply(text="\n".join(lines), buttons=menu.buttons(ctx, "tax", "inc", "sum"))]

    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        """«Уже сделал» under a reminder: the obligation is done, no more reminders about it."""
        if action != "done" or not arg:
            return await self.start(ctx, None)
        if not await ctx.store.mark_obligation_done(ctx.user.user_id, arg):
            return outdated(ctx)
        await ctx.store.audit(ctx.user.user_id, "obligation.marked_done", {"obligation": arg})
        text = ctx.t("Marked as done: no more reminders about it.")
        return [Reply(text=text, notice=text, edit=True)]
