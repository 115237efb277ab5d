"""Language switch (/lang, «язык», «тіл»): two buttons, or straight away when the language is named."""

from __future__ import annotations

from dialogs.contract import Button, Reply
from dialogs.flows import menu
from dialogs.flows.base import Ctx, FlowHandler, entity, outdated
from dialogs.i18n import LANGUAGES, Lang
from dialogs.states import Flow
from nlu.types import ParseResult

LANGUAGE_NAMES: dict[Lang, str] = {"ru": "Русский", "kk": "Қазақша"}


def language_buttons(ctx: Ctx, flow: str) -> tuple[tuple[Button, ...], ...]:
    return (tuple(ctx.button(LANGUAGE_NAMES[lang], flow, "lang", lang) for lang in LANGUAGES),)


async def switch(ctx: Ctx, lang: Lang) -> None:
    ctx.lang = lang
    await ctx.store.set_language(ctx.user.user_id, lang)


class LanguageFlow(FlowHandler):
    name = Flow.LANGUAGE

    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        named = entity(parse, "language")
        if named in LANGUAGES:
            return await self.on_button(ctx, "lang", named)
        return [Reply(text=ctx.t("Choose a language:"), buttons=language_buttons(ctx, self.name))]

    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        if action != "lang" or arg not in LANGUAGES:
            return outdated(ctx)
        await switch(ctx, "kk" if arg == "kk" else "ru")
        text = ctx.t("Done: from now on I speak this language.")
        return [Reply(text=text, buttons=menu.main_buttons(ctx), edit=True)]
