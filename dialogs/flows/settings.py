"""Settings: language, and profile edits (regime, place of activity, employees). Three buttons per message."""

from __future__ import annotations

from dialogs.contract import Button, Reply
from dialogs.effects.ports import payment_ports
from dialogs.flows import menu
from dialogs.flows.autopay import autopay_button
from dialogs.flows.base import Ctx, FlowHandler, outdated
from dialogs.flows.language import LANGUAGE_NAMES, language_buttons, switch
from dialogs.flows.onboarding import (
    employees_error,
    parse_count,
    place_chosen_text,
    place_search,
    regime_buttons,
    regime_explanations,
    regime_names,
)
from dialogs.flows.signing_key import key_button
from dialogs.i18n import LANGUAGES
from dialogs.ports import REGIMES, ProfileData
from dialogs.states import Flow, Settings
from nlu.types import ParseResult


class SettingsFlow(FlowHandler):
    name = Flow.SETTINGS
    text_steps = frozenset({Settings.PLACE, Settings.EMPLOYEES})

    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        if not ctx.onboarded or ctx.profile is None:
            return await ctx.start(Flow.ONBOARDING)
        if parse is not None and parse["intent"]["name"] == "add_employee":
            ctx.go(self.name, Settings.EMPLOYEES)
            return [self.prompt(ctx) or Reply(text="")]
        ctx.go(self.name, Settings.MENU)
        return [self._overview(ctx, ctx.profile)]

    def _overview(self, ctx: Ctx, profile: ProfileData) -> Reply:
        place = ctx.services.places.get(profile.place_id) if ctx.services.places and profile.place_id else None
        regime = regime_names(ctx)[profile.regime] if profile.regime else "—"
        text = "\n".join(
            (
                ctx.t("Your settings:"),
                ctx.t("Language: {language}", language=LANGUAGE_NAMES[ctx.lang]),
                ctx.t("Regime: {regime}", regime=regime),
                ctx.t("Place of activity: {place}", place=place.name(ctx.lang) if place else "—"),
                ctx.t("Employees: {count}", count=profile.employees),
                ctx.t("Reminders: on") if profile.reminders else ctx.t("Reminders: off"),
            )
        )
        buttons = (
            (
                ctx.button(ctx.t("Language"), self.name, "lang"),
                ctx.button(ctx.t("Profile…"), self.name, "profile"),
                ctx.button(ctx.t("More…"), self.name, "more"),
            ),
        )
        return Reply(text=text, buttons=buttons)

    def prompt(self, ctx: Ctx) -> Reply | None:
        if ctx.state.step == Settings.PLACE:
            return Reply(text=ctx.t("Where do you work? Write the city or district, for example: Астана."))
        if ctx.state.step == Settings.EMPLOYEES:
            return Reply(text=ctx.t("How many employees do you have? Send a number, 0 if none."))
        return None

    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        profile = ctx.profile
        if profile is None or not ctx.onboarded:
            return outdated(ctx)
        if action == "lang" and not arg:
            return [Reply(text=ctx.t("Choose a language:"), buttons=language_buttons(ctx, self.name))]
        if action == "lang" and arg in LANGUAGES:
            await switch(ctx, "kk" if arg == "kk" else "ru")
            return [self._overview(ctx, profile)]
        buttons: tuple[tuple[Button, ...], ...]
        if action == "profile":
            buttons = (
                (
                    ctx.button(ctx.t("Regime"), self.name, "regime"),
                    ctx.button(ctx.t("Place"), self.name, "place"),
                    ctx.button(ctx.t("Employees"), self.name, "emp"),
                ),
            )
            return [Reply(text=ctx.t("What shall I change?"), buttons=buttons)]
        if action == "more":
            toggle = ctx.t("Stop reminders") if profile.reminders else ctx.t("Turn on reminders")
            buttons = (
                (
                    ctx.button(toggle, self.name, "remind", "off" if profile.reminders else "on"),
                    key_button(ctx),
                    ctx.button(menu.label(ctx, "del"), Flow.MENU, "del"),
                ),
            )
            if payment_ports(ctx.services) is not None:  # the automatic payment's consent (flows/autopay.py)
                buttons = (*buttons, (autopay_button(ctx, ""),))
            return [Reply(text=ctx.t("What shall I change?"), buttons=buttons)]
        if action == "remind" and arg in ("on", "off"):
            profile.reminders = arg == "on"
            await ctx.save_profile(profile)
            await ctx.store.audit(ctx.user.user_id, "profile.reminders_changed", {"reminders": profile.reminders})
            ctx.go(self.name, Settings.MENU)
            return [self._overview(ctx, profile)]
        if action == "regime" and not arg:
            return [Reply(text=regime_explanations(ctx), buttons=regime_buttons(ctx, self.name))]
        if action == "regime" and arg in REGIMES:
            old = profile.regime
            profile.regime = arg
            if arg == "self_employed":
                profile.employees = 0
            await ctx.save_profile(profile)
            await ctx.store.audit(ctx.user.user_id, "profile.regime_changed", {"from": old, "to": arg})
            ctx.go(self.name, Settings.MENU)
            return [Reply(text=ctx.t("Regime changed."), notice=ctx.t("Saved")), self._overview(ctx, profile)]
        if action == "place" and not arg:
            ctx.go(self.name, Settings.PLACE)
            return [self.prompt(ctx) or Reply(text="")]
        if action == "place" and ctx.state.step == Settings.PLACE:
            place = ctx.services.places.get(arg) if ctx.services.places else None
            if place is None:
                return outdated(ctx)
            profile.place_id = place.id
            await ctx.save_profile(profile)
            await ctx.store.audit(ctx.user.user_id, "profile.place_changed", {"place": place.id})
            ctx.go(self.name, Settings.MENU)
            return [Reply(text=place_chosen_text(ctx, place)), self._overview(ctx, profile)]
        if action == "emp":
            ctx.go(self.name, Settings.EMPLOYEES)
            return [self.prompt(ctx) or Reply(text="")]
        return outdated(ctx)

    async def on_text(self, ctx: Ctx, text: str, parse: ParseResult) -> list[Reply]:
        profile = ctx.profile
        if profile is None:
            return await ctx.start(Flow.ONBOARDING)
        if ctx.state.step == Settings.PLACE:
            return place_search(ctx, text, self.name)
        if ctx.state.step == Settings.EMPLOYEES:
            error = employees_error(ctx, text)
            count = parse_count(text)
            if error or count is None:
                return [Reply(text=error or "")]
            if profile.regime == "self_employed" and count > 0:
                return [Reply(text=ctx.t("The self-employed regime allows no employees. Change the regime first."))]
            profile.employees = count
            await ctx.save_profile(profile)
            await ctx.store.audit(ctx.user.user_id, "profile.employees_changed", {"employees": count})
            ctx.go(self.name, Settings.MENU)
            return [self._overview(ctx, profile)]
        return await self.start(ctx, parse)
