"""The main menu: three buttons under most answers; ``/menu`` shows every area (a list on WhatsApp); the targets
of suggestion buttons."""

from __future__ import annotations

from dialogs.contract import Button, Reply
from dialogs.flows.base import Ctx, FlowHandler, outdated
from dialogs.states import Flow
from nlu.types import ParseResult

#: menu actions → flows (also the targets of the "did you mean" suggestions)
TARGETS: dict[str, str] = {
    "inc": Flow.INCOME,
    "exp": Flow.EXPENSE,
    "tax": Flow.TAXES,
    "dl": Flow.DEADLINES,
    "sum": Flow.SUMMARY,
    "set": Flow.SETTINGS,
    "hlp": Flow.HELP,
    "del": Flow.ERASE,
    "lng": Flow.LANGUAGE,
    "ob": Flow.ONBOARDING,
    "doc": Flow.DOCUMENTS,
    "ntc": Flow.NOTICES,
    "fil": Flow.FILING,
    "pay": Flow.PAYMENT,
}


def label(ctx: Ctx, action: str) -> str:
    """Button titles, ≤ 20 characters in both languages (WhatsApp's limit)."""
    labels = {
        "inc": ctx.t("Record income"),
        "exp": ctx.t("Record expense"),
        "tax": ctx.t("Taxes"),
        "dl": ctx.t("Deadlines"),
        "sum": ctx.t("Summary"),
        "set": ctx.t("Settings"),
        "hlp": ctx.t("Help"),
        "del": ctx.t("Delete my data"),
        "lng": ctx.t("Language"),
        "ob": ctx.t("Set up profile"),
        "doc": ctx.t("Documents"),
        "ntc": ctx.t("Tax notices"),
        "fil": ctx.t("File declaration"),
        "pay": ctx.t("Pay"),
    }
    return labels[action]


def buttons(ctx: Ctx, *actions: str) -> tuple[tuple[Button, ...], ...]:
    """One row of menu buttons (at most three: WhatsApp's reply-button limit)."""
    return (tuple(ctx.button(label(ctx, a), Flow.MENU, a) for a in actions[:3]),)


def full_menu(ctx: Ctx) -> tuple[tuple[Button, ...], ...]:
    """Every area in rows of three (nine choices: a WhatsApp list, which takes up to ten)."""
    rows = (("inc", "exp", "tax"), ("fil", "pay", "doc"), ("ntc", "dl", "set"))
    return tuple(tuple(ctx.button(label(ctx, a), Flow.MENU, a) for a in row) for row in rows)


def main_buttons(ctx: Ctx) -> tuple[tuple[Button, ...], ...]:
    if not ctx.onboarded:
        return buttons(ctx, "ob", "inc", "hlp")
    return buttons(ctx, "inc", "tax", "dl")


class MenuFlow(FlowHandler):
    name = Flow.MENU

    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        ctx.clear()
        menu = full_menu(ctx) if ctx.onboarded else main_buttons(ctx)
        return [Reply(text=ctx.t("What shall we do?"), buttons=menu)]

    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        target = TARGETS.get(action)
        if target is None:
            return outdated(ctx)
        return await ctx.start(target)
