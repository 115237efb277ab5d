"""ESF (e-invoices) from the chat: build, sign, upload to esf.gov.kz, follow the status (being built)."""

from __future__ import annotations

from dialogs.contract import Reply
from dialogs.flows.base import Ctx, FlowHandler
from dialogs.states import Flow
from nlu.types import ParseResult


class EsfFlow(FlowHandler):
    name = Flow.ESF

    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        ctx.clear()
        return [Reply(text=ctx.t("This is not available yet."))]
