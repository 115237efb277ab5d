"""Income summary: a year's income by month as a PNG chart (matplotlib, Agg) against the regime's limit."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from dialogs.contract import Attachment, Reply
from dialogs.flows import menu
from dialogs.flows.base import Ctx, FlowHandler, entity
from dialogs.flows.taxes import month_range
from dialogs.format import money
from dialogs.states import Flow
from nlu.types import ParseResult

MIN_YEAR = 2000
OFF_SCALE = 3  # a limit more than 3× above the chart's top is written, not drawn
MONTHS_RU = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
MONTHS_KK = ("қаң", "ақп", "нау", "сәу", "мам", "мау", "шіл", "там", "қыр", "қаз", "қар", "жел")


def render_chart(monthly: list[Decimal], limit: Decimal | None, lang: str, labels: dict[str, str]) -> bytes:
    """Bars of income per month and the cumulative line, with the annual limit as a dashed line."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    months = MONTHS_KK if lang == "kk" else MONTHS_RU
    figure = Figure(figsize=(7, 3.6), dpi=100)
    axes = figure.add_subplot()
    values = [float(v) for v in monthly]  # float only for drawing, never for money
    cumulative = [sum(values[: i + 1]) for i in range(len(values))]
    axes.bar(months[: len(values)], values, color="#4C8BF5", label=labels["month"])
    axes.plot(months[: len(values)], cumulative, color="#1B5E20", marker="o", label=labels["cumulative"])
    top = max([*cumulative, 1.0]) * 1.25
    if limit is not None and float(limit) <= top * OFF_SCALE:
        axes.axhline(float(limit), color="#C62828", linestyle="--", label=labels["limit"])
    elif limit is not None:  # far above the bars: say it instead of flattening them
        axes.set_ylim(0, top)
        axes.text(
            0.99, 0.97, f"{labels['limit']}: {money(limit)} ↑", transform=axes.transAxes, ha="right", va="top",
            color="#C62828", fontsize=9,
        )  # fmt: skip
    axes.set_title(labels["title"])
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{value:,.0f}".replace(",", " ")))
    axes.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def requested_year(period: str | None, today: dt.date) -> int:
    """The year of the NLU's ``period`` ("2025", "2025-H1", "2025-03"), never in the future; else this year."""
    if period and period[:4].isdigit() and MIN_YEAR <= int(period[:4]) <= today.year:
        return int(period[:4])
    return today.year


class SummaryFlow(FlowHandler):
    name = Flow.SUMMARY

    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        ctx.clear()
        today = ctx.today
        year = requested_year(entity(parse, "period"), today)
        last_month = today.month if year == today.year else 12
        monthly: list[Decimal] = []
        for month in range(1, last_month + 1):
            start, end = month_range(year, month)
            rows = await ctx.store.entries(ctx.user.user_id, "income", start, end)
            monthly.append(sum((e.amount for e in rows), Decimal(0)))
        total = sum(monthly, Decimal(0))
        limit = None
        if ctx.services.taxes is not None and ctx.profile is not None and ctx.profile.regime:
            limit = ctx.services.taxes.regime_limit(ctx.profile, year)
        lines = [ctx.t("Income in {year}: {total}.", year=year, total=money(total))]
        if limit is not None and limit > 0:
            share = str((total * 100 / limit).quantize(Decimal("0.1"))).replace(".", ",")
            lines.append(ctx.t("That is {share} % of your regime's limit, {limit}.", share=share, limit=money(limit)))
        if total == 0:
            lines.append(ctx.t("No income recorded yet. Write, for example: «received 150 000 from TOO Alfa»."))
            return [Reply(text="\n".join(lines), buttons=menu.main_buttons(ctx))]
        labels = {
            "title": ctx.t("Income by month, {year}", year=year),
            "month": ctx.t("Month"),
            "cumulative": ctx.t("Since January"),
            "limit": ctx.t("Regime limit"),
        }
        image = render_chart(monthly, limit, ctx.lang, labels)
        chart = Attachment("image", f"income-{year}.png", "image/png", image, caption=labels["title"])
        return [Reply(text="\n".join(lines), attachments=(chart,), buttons=menu.buttons(ctx, "tax", "dl", "inc"))]
