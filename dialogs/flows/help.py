"""Help: what the bot can do, in words, with the main menu."""

from __future__ import annotations

from dialogs.contract import Reply
from dialogs.flows import menu
from dialogs.flows.base import Ctx, FlowHandler
from dialogs.states import Flow
from nlu.types import ParseResult


class HelpFlow(FlowHandler):
    name = Flow.HELP

    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        ctx.clear()
        text = "\n".join(
            (
                ctx.t("I am your accountant in chat. Just write to me:"),
                ctx.t("• «received 150 000 from TOO Alfa» — I will record income"),
                ctx.t("• «spent 20 000 on rent» — I will record an expense"),
                ctx.t("• «how much tax?» — taxes for the month and the half-year, with the calculation"),
                ctx.t("• «deadlines» — upcoming payments and declarations"),
                ctx.t("• «my income» — a summary with a chart"),
                ctx.t("• «invoice TOO Alfa 250 000 for a website» — an invoice as PDF; «my documents» — the list"),
                ctx.t("• /file — the 910.00 declaration signed on your phone; /pay — the month's social payments"),
                ctx.t("• «ESF» under a document, /esf — the e-invoice registered in the ESF system"),
                ctx.t("• /notices, or forward a notice from the tax office — what it means and how to answer"),
                ctx.t("• /register — open an ИП: activity codes, the regime, the eGov steps"),
                ctx.t("• a question about taxes — an answer with sources"),
                ctx.t("Commands: /start, /help, /cancel, /lang, /settings. «Delete my data» erases everything."),
                ctx.t("/menu — everything I can do; /key — keep your signing key with the service (opt-in)."),
            )
        )
        return [Reply(text=text, buttons=menu.main_buttons(ctx))]
