"""A tax or accounting question: the consultation's answer with its sources; sums of the user's own go to taxes."""

from __future__ import annotations

from dialogs.contract import Reply
from dialogs.flows import menu
from dialogs.flows.base import Ctx, FlowHandler
from dialogs.states import Flow
from nlu.types import ParseResult

MIN_CONFIDENCE = 0.35


class ConsultFlow(FlowHandler):
    name = Flow.CONSULT

    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        ctx.clear()
        question = parse["text"] if parse else ""
        consultant = ctx.services.consultant
        if consultant is None or not question.strip():
            return [self._handoff(ctx)]
        answer = consultant.ask(question, ctx.lang, ctx.today)
        if answer.route == "calc":
            return await ctx.start(Flow.TAXES)
        if answer.route == "human" or answer.article_id is None or answer.confidence < MIN_CONFIDENCE:
            return [self._handoff(ctx)]
        lines = [answer.answer]
        if answer.sources:
            lines.append("")
            lines.append(ctx.t("Sources:"))
            lines.extend(f"• {source}" for source in answer.sources)
        return [Reply(text="\n".join(lines), buttons=menu.main_buttons(ctx))]

    def _handoff(self, ctx: Ctx) -> Reply:
        text = ctx.t(
            "I have no reliable answer to this question, and I would rather not guess. "
            "Ask a human accountant, or rephrase the question."
        )
        return Reply(text=text, buttons=menu.buttons(ctx, "hlp", "tax", "dl"))
