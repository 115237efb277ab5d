"""«Удалить мои данные»: confirm, then ``erase_user`` (what the law keeps is kept without personal fields), goodbye.

A later /start is a new user: the chat binding is gone with the data.
"""

from __future__ import annotations

from dialogs.contract import Reply
from dialogs.flows import menu
from dialogs.flows.base import Ctx, FlowHandler, new_token, outdated
from dialogs.states import Erase, Flow
from nlu.types import ParseResult


class EraseFlow(FlowHandler):
    name = Flow.ERASE

    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        token = new_token()
        ctx.go(self.name, Erase.CONFIRM, token=token)
        text = "\n".join(
            (
                ctx.t("Delete your data? I will erase your profile, ИИН, income and expense records, the chat state."),
                ctx.t("What the law requires to keep stays, without your personal data. This cannot be undone."),
            )
        )
        buttons = (
            (
                ctx.button(ctx.t("Yes, delete"), self.name, "yes", token),
                ctx.button(ctx.t("No, keep"), self.name, "no", token),
            ),
        )
        return [Reply(text=text, buttons=buttons)]

    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        if ctx.state.flow != self.name or ctx.state.data.get("token") != arg:
            return outdated(ctx)
        if action == "no":
            ctx.clear()
            return [Reply(text=ctx.t("Nothing was deleted."), buttons=menu.main_buttons(ctx), edit=True)]
        if action != "yes":
            return outdated(ctx)
        await ctx.store.audit(ctx.user.user_id, "user.erasure_confirmed", {})
        await ctx.store.erase_user(ctx.user.user_id)
        ctx.erased = True
        text = ctx.t("Your data is deleted. Goodbye! If you come back, send /start and we will begin anew.")
        return [Reply(text=text, edit=True)]
