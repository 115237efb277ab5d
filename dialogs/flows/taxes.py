"""Taxes now: social payments for the current month and, on the simplified regime, 910.00 for the current half-year.

Each figure comes from the tax engine with its trace; «How is it calculated?» shows the trace in words
(``render_explanation``). The button carries the period, so an old message still explains its own figures.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from dialogs.contract import Button, Reply
from dialogs.flows import menu
from dialogs.flows.base import Ctx, FlowHandler, entity, outdated
from dialogs.format import money
from dialogs.ports import TaxFigures
from dialogs.states import Flow
from nlu.types import ParseResult


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def half_range(year: int, half: int) -> tuple[dt.date, dt.date]:
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else (dt.date(year, 7, 1), dt.date(year, 12, 31))


async def income_between(ctx: Ctx, start: dt.date, end: dt.date) -> Decimal:
    rows = await ctx.store.entries(ctx.user.user_id, "income", start, end)
    return sum((e.amount for e in rows), Decimal(0))


DateRange = tuple[dt.date, dt.date]


async def income_totals(ctx: Ctx, ranges: Sequence[DateRange]) -> dict[DateRange, Decimal]:
    """The income of each range from ONE query over their span: the taxes view needs the month, its half-year and, in
    the second half, the first half too — three round trips before, one now (the entries of a year are few)."""
    if not ranges:
        return {}
    rows = await ctx.store.entries(ctx.user.user_id, "income", min(s for s, _ in ranges), max(e for _, e in ranges))
    return {(s, e): sum((r.amount for r in rows if s <= r.date <= e), Decimal(0)) for s, e in ranges}


def period_ranges(period: str) -> list[DateRange]:
    """The date ranges whose income a period's figures need (``mYYYYMM`` → the month; ``hYYYYn`` → the half-year and,
    for the second, the first); none for a malformed code."""
    if len(period) < 6 or not period[1:].isdigit():
        return []
    year = int(period[1:5])
    try:
        if period[0] == "m":
            return [month_range(year, int(period[5:]))]
        if period[0] == "h":
            half = int(period[5:])
            return [half_range(year, half)] + ([half_range(year, 1)] if half == 2 else [])
    except ValueError:
        return []
    return []


def figures_text(ctx: Ctx, head: str, figures: TaxFigures, minimum_note: bool = False) -> str:
    lines = [head]
    if figures.base is not None:
        lines.append(ctx.t("Income recorded: {amount}", amount=money(figures.base)))
        if figures.base == 0 and minimum_note:
            lines.append(ctx.t("No income recorded for the month, so the payments are from the minimum base."))
    lines.extend(f"• {line.label(ctx.lang)}: {money(line.amount)}" for line in figures.lines)
    lines.append(ctx.t("Total: {amount}", amount=money(figures.total)))
    lines.extend("⚠️ " + (kk if ctx.lang == "kk" else ru) for ru, kk in figures.warnings)
    return "\n".join(lines)


def requested_periods(period: str | None, today: dt.date) -> list[str]:
    """Which calculations to show: the NLU's ``period`` ("2026-11" → that month and its half-year, "2026-H1" → that
    half-year) or, by default, the current month and half-year. Codes: ``mYYYYMM``, ``hYYYYn``."""
    year, month = today.year, today.month
    if period and len(period) == 7 and period[4] == "-" and period[:4].isdigit():
        tail = period[5:]
        if tail.isdigit() and 1 <= int(tail) <= 12:
            year, month = int(period[:4]), int(tail)
        elif tail in ("H1", "H2"):
            return [f"h{period[:4]}{tail[1]}"]
    return [f"m{year}{month:02d}", f"h{year}{1 if month <= 6 else 2}"]


class TaxesFlow(FlowHandler):
    name = Flow.TAXES

    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        ctx.clear()
        if not ctx.onboarded:
            return await ctx.start(Flow.ONBOARDING)
        if ctx.services.taxes is None:
            return [Reply(text=ctx.t("The tax calculator is unavailable right now. Please try again later."))]
        periods = requested_periods(entity(parse, "period"), ctx.today)
        simplified = ctx.profile is not None and ctx.profile.regime == "simplified"
        wanted = [p for p in periods if p.startswith("m") or simplified]
        totals = await income_totals(ctx, [r for p in wanted for r in period_ranges(p)])
        replies = [await self._reply(ctx, p, totals) for p in wanted]
        if not replies:  # a half-year asked on a regime without 910.00: the month instead
            replies = [await self._reply(ctx, requested_periods(None, ctx.today)[0])]
        last = replies[-1]
        why = last.buttons[0] if last.buttons else ()
        more = last.buttons[1:]  # «Оплатить» / «Сдать декларацию» on their own row
        replies[-1] = Reply(text=last.text, buttons=((*why, *menu.buttons(ctx, "dl", "inc")[0]), *more))
        return replies

    async def _figures(
        self, ctx: Ctx, period: str, totals: dict[DateRange, Decimal] | None = None
    ) -> tuple[str, TaxFigures] | None:
        taxes, profile = ctx.services.taxes, ctx.profile
        if taxes is None or profile is None or len(period) < 6 or not period[1:].isdigit():
            return None
        year = int(period[1:5])
        ranges = period_ranges(period)
        if totals is None or any(r not in totals for r in ranges):
            totals = await income_totals(ctx, ranges)
        try:
            if period[0] == "m":
                month = int(period[5:])
                income = totals[month_range(year, month)]
                head = ctx.t("Social payments for yourself for {month:02d}.{year}:", month=month, year=year)
                return head, taxes.month(profile, year, month, income)
            if period[0] == "h":
                half = int(period[5:])
                income = totals[half_range(year, half)]
                prior = totals[half_range(year, 1)] if half == 2 else Decimal(0)
                head = ctx.t("Declaration 910.00 for half-year {half} of {year}:", half=half, year=year)
                return head, taxes.half_year(profile, year, half, income, prior)
        except ValueError:
            return None
        return None

    async def _reply(self, ctx: Ctx, period: str, totals: dict[DateRange, Decimal] | None = None) -> Reply:
        found = await self._figures(ctx, period, totals)
        if found is None:
            return Reply(text=ctx.t("I cannot calculate this period yet: its rules are not in my tables."))
        head, figures = found
        why = ctx.button(ctx.t("How is it calculated?"), self.name, "why", period)
        text = figures_text(ctx, head, figures, minimum_note=period.startswith("m") and figures.total > 0)
        act = self._act_button(ctx, period, figures)
        return Reply(text=text, buttons=((why,), (act,)) if act else ((why,),))

    def _act_button(self, ctx: Ctx, period: str, figures: TaxFigures) -> Button | None:
        """On the simplified regime, with filing and paying wired: «Оплатить» under a month's payments (the payment
        flow for that month) and «Сдать декларацию» under an ended half-year (the filing flow for it)."""
        from dialogs.effects.ports import filing_ports, payment_ports

        if ctx.profile is None or ctx.profile.regime != "simplified":
            return None
        if period.startswith("m") and figures.total > 0 and payment_ports(ctx.services) is not None:
            return ctx.button(ctx.t("Pay"), Flow.PAYMENT, "open", period)
        ended = period.startswith("h") and half_range(int(period[1:5]), int(period[5:]))[1] < ctx.today
        if ended and filing_ports(ctx.services) is not None:
            return ctx.button(ctx.t("File the declaration"), Flow.FILING, "open", period)
        return None

    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        if action != "why":
            return outdated(ctx)
        found = await self._figures(ctx, arg)
        taxes = ctx.services.taxes
        if found is None or taxes is None:
            return outdated(ctx)
        return [Reply(text=taxes.explain(found[1], ctx.lang))]
