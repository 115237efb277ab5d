"""ИП registration, guided (being built)."""

from __future__ import annotations

from dialogs.contract import Reply
from dialogs.flows.base import Ctx, FlowHandler
from dialogs.states import Flow
from nlu.types import ParseResult


class RegistrationFlow(FlowHandler):
    name = Flow.REGISTRATION

    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        ctx.clear()
        return [Reply(text=ctx.t("This is not available yet."))]
