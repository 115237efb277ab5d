"""Onboarding on /start: language → ИИН → regime → place of activity → employees → birth year → obligations set up.

Each answer is checked with a kind, specific message; the step is kept until the answer fits. Only what the
calculations need is kept: the ИИН (declarations), the regime, the place (maslikhat rate), employees,
birth year (ОПВР).
"""

from __future__ import annotations

import datetime as dt
import re

from core.identity import iin_birth_date, is_valid_iin_bin
from dialogs.contract import Button, Reply
from dialogs.flows import menu
from dialogs.flows.base import Ctx, FlowHandler, outdated
from dialogs.flows.deadlines import obligation_title
from dialogs.flows.language import language_buttons, switch
from dialogs.format import date, percent
from dialogs.i18n import LANGUAGES
from dialogs.ports import REGIMES, ObligationDue, PlaceInfo, ProfileData, Regime
from dialogs.states import Flow, Onboarding
from nlu.types import ParseResult

MAX_EMPLOYEES = 100_000  # a sanity bound for typos, not a legal limit
OLDEST_BIRTH_YEAR = 1900
YOUNGEST_AGE = 14  # an ИП may register from 16 (earlier with consent); 14 only guards against typos
BUTTON_TITLE = 20
OBLIGATIONS_AHEAD_DAYS = 92  # a quarter ahead: the scheduler keeps extending it  # WhatsApp's reply-button title limit


def regime_names(ctx: Ctx) -> dict[Regime, str]:
    return {
        "simplified": ctx.t("Simplified (910)"),
        "general": ctx.t("General"),
        "self_employed": ctx.t("Self-employed"),
    }


def regime_explanations(ctx: Ctx) -> str:
    return "\n".join(
        (
            ctx.t("Which tax regime are you on?"),
            ctx.t("• Simplified — declaration 910.00 twice a year, tax as a share of income."),
            ctx.t("• General — income tax on profit, declaration 220.00 once a year."),
            ctx.t("• Self-employed — no declarations, one payment from income through the app, no employees."),
        )
    )


def regime_buttons(ctx: Ctx, flow: str) -> tuple[tuple[Button, ...], ...]:
    names = regime_names(ctx)
    return (tuple(ctx.button(names[r], flow, "regime", r) for r in REGIMES),)


def short_title(text: str) -> str:
    """A place name fitted to a button title, cut at a word boundary."""
    if len(text) <= BUTTON_TITLE:
        return text
    cut = text[: BUTTON_TITLE - 1].rsplit(" ", 1)[0]
    return cut + "…"


def place_buttons(ctx: Ctx, flow: str, found: list[PlaceInfo]) -> tuple[tuple[Button, ...], ...]:
    return tuple((ctx.button(short_title(p.name(ctx.lang)), flow, "place", p.id),) for p in found[:3])


def place_search(ctx: Ctx, text: str, flow: str) -> list[Reply]:
    """Search places by name: buttons for the top matches, or a kind retry message."""
    places = ctx.services.places
    query = text.strip()
    if places is None:
        return [Reply(text=ctx.t("The list of places is unavailable right now. Please try again later."))]
    if len(query) < 2:
        return [Reply(text=ctx.t("Please write at least two letters of the city or district name."))]
    found = places.search(query, limit=3)
    if not found:
        return [
            Reply(
                text=ctx.t(
                    "I could not find «{query}». Try another spelling or the name of the nearest city or district.",
                    query=query[:60],
                )
            )
        ]
    return [Reply(text=ctx.t("Choose your place of activity:"), buttons=place_buttons(ctx, flow, found))]


def place_chosen_text(ctx: Ctx, place: PlaceInfo) -> str:
    lines = [ctx.t("Place of activity: {place}.", place=place.name(ctx.lang))]
    if place.rate is not None:
        lines.append(ctx.t("Rate of the simplified declaration there: {rate}.", rate=percent(place.rate)))
    if place.default_rate_used:
        lines.append(
            ctx.t("The maslikhat's own rate is not known to me, so I use the base rate; you can change it later.")
        )
    return "\n".join(lines)


def parse_count(text: str) -> int | None:
    cleaned = text.strip().replace(" ", "")
    if re.fullmatch(r"-?\d{1,9}", cleaned):
        return int(cleaned)
    return None


def employees_error(ctx: Ctx, text: str) -> str | None:
    count = parse_count(text)
    if count is None:
        return ctx.t("Please send the number of employees as digits, for example 0 or 3.")
    if count < 0:
        return ctx.t("The number of employees cannot be negative. Send 0 if you work alone.")
    if count > MAX_EMPLOYEES:
        return ctx.t("That looks like a typo: {count} employees. Please check the number.", count=count)
    return None


def reminders_question(ctx: Ctx) -> str:
    return ctx.t("Shall I remind you of deadlines: 7 days before, the day before and on the day?")


def reminder_buttons(ctx: Ctx, flow: str) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            ctx.button(ctx.t("Yes, remind me"), flow, "remind", "yes"),
            ctx.button(ctx.t("No, thanks"), flow, "remind", "no"),
        ),
    )


def upcoming(ctx: Ctx, profile: ProfileData, days: int) -> list[ObligationDue]:
    calendar = ctx.services.calendar
    if calendar is None or profile.regime is None:
        return []
    return calendar.obligations(profile, ctx.today, ctx.today + dt.timedelta(days=days))


class OnboardingFlow(FlowHandler):
    name = Flow.ONBOARDING
    text_steps = frozenset(
        {Onboarding.IIN, Onboarding.PLACE, Onboarding.EMPLOYEES, Onboarding.BIRTH_YEAR, Onboarding.REMINDERS}
    )
    yes_no_steps = frozenset({Onboarding.REMINDERS})

    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        ctx.go(self.name, Onboarding.LANGUAGE, profile={})
        text = "\n".join(
            (
                ctx.t("Hello! I am asistent, an accountant for individual entrepreneurs, right in the chat."),
                ctx.t("Let's set up your profile: a few short questions. First, choose a language:"),
            )
        )
        return [Reply(text=text, buttons=language_buttons(ctx, self.name))]

    def prompt(self, ctx: Ctx) -> Reply | None:
        step = ctx.state.step
        if step == Onboarding.LANGUAGE:
            return Reply(text=ctx.t("Choose a language:"), buttons=language_buttons(ctx, self.name))
        if step == Onboarding.IIN:
            return Reply(text=ctx.t("Send your ИИН: 12 digits. I need it only for calculations and declarations."))
        if step == Onboarding.REGIME:
            return Reply(text=regime_explanations(ctx), buttons=regime_buttons(ctx, self.name))
        if step == Onboarding.PLACE:
            return Reply(text=ctx.t("Where do you work? Write the city or district, for example: Астана."))
        if step == Onboarding.EMPLOYEES:
            return Reply(
                text=ctx.t("How many employees do you have? Send a number, 0 if none."),
                buttons=((ctx.button(ctx.t("No employees"), self.name, "emp", "0"),),),
            )
        if step == Onboarding.BIRTH_YEAR:
            return self._birth_year_prompt(ctx)
        if step == Onboarding.REMINDERS:
            return Reply(text=reminders_question(ctx), buttons=reminder_buttons(ctx, self.name))
        return None

    def _birth_year_prompt(self, ctx: Ctx) -> Reply:
        text = ctx.t("Your year of birth? It decides whether ОПВР is paid for you.")
        known = ctx.state.data.get("iin_year")
        if isinstance(known, int):
            text += "\n" + ctx.t("By your ИИН it is {year}: tap to confirm or send another year.", year=known)
            return Reply(text=text, buttons=((ctx.button(str(known), self.name, "year", str(known)),),))
        return Reply(text=text)

    def _profile(self, ctx: Ctx) -> dict[str, object]:
        raw = ctx.state.data.setdefault("profile", {})
        assert isinstance(raw, dict)
        return raw

    def _ask(self, ctx: Ctx, step: str, before: str | None = None) -> list[Reply]:
        ctx.state.step = step
        reply = self.prompt(ctx)
        assert reply is not None
        if before:
            reply = Reply(text=before + "\n\n" + reply.text, buttons=reply.buttons)
        return [reply]

    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        if ctx.state.flow != self.name:
            return outdated(ctx)
        step = ctx.state.step
        if action == "lang" and step == Onboarding.LANGUAGE and arg in LANGUAGES:
            await switch(ctx, "kk" if arg == "kk" else "ru")
            return self._ask(ctx, Onboarding.IIN)
        if action == "regime" and step == Onboarding.REGIME and arg in REGIMES:
            self._profile(ctx)["regime"] = arg
            if arg == "self_employed":
                self._profile(ctx)["employees"] = 0
                return self._ask(ctx, Onboarding.BIRTH_YEAR)
            return self._ask(ctx, Onboarding.PLACE)
        if action == "place" and step == Onboarding.PLACE:
            place = ctx.services.places.get(arg) if ctx.services.places else None
            if place is None:
                return outdated(ctx)
            self._profile(ctx)["place_id"] = place.id
            return self._ask(ctx, Onboarding.EMPLOYEES, before=place_chosen_text(ctx, place))
        if action == "emp" and step == Onboarding.EMPLOYEES:
            return await self.on_text(ctx, arg, _NO_PARSE)
        if action == "year" and step == Onboarding.BIRTH_YEAR:
            return await self.on_text(ctx, arg, _NO_PARSE)
        if action == "remind" and step == Onboarding.REMINDERS and arg in ("yes", "no"):
            return await self._finish(ctx, reminders=arg == "yes")
        return outdated(ctx)

    async def on_text(self, ctx: Ctx, text: str, parse: ParseResult) -> list[Reply]:
        step = ctx.state.step
        if step == Onboarding.IIN:
            return self._iin(ctx, text)
        if step == Onboarding.PLACE:
            return place_search(ctx, text, self.name)
        if step == Onboarding.EMPLOYEES:
            error = employees_error(ctx, text)
            if error:
                return [Reply(text=error)]
            self._profile(ctx)["employees"] = parse_count(text)
            return self._ask(ctx, Onboarding.BIRTH_YEAR)
        if step == Onboarding.BIRTH_YEAR:
            return await self._birth_year(ctx, text)
        if step == Onboarding.REMINDERS and parse["intent"]["name"] in ("affirm", "deny"):
            return await self._finish(ctx, reminders=parse["intent"]["name"] == "affirm")
        reply = self.prompt(ctx)
        return [reply] if reply else []

    def _iin(self, ctx: Ctx, text: str) -> list[Reply]:
        digits = re.sub(r"[\s\-]", "", text)
        if not digits.isdigit():
            return [Reply(text=ctx.t("An ИИН is 12 digits, without letters. Please send it again."))]
        if len(digits) != 12:
            return [
                Reply(text=ctx.t("An ИИН has 12 digits, this one has {count}. Please check it.", count=len(digits)))
            ]
        if not is_valid_iin_bin(digits):
            return [
                Reply(text=ctx.t("This ИИН does not pass the check digit — probably a typo. Please check and resend."))
            ]
        self._profile(ctx)["iin"] = digits
        born = iin_birth_date(digits)
        if born is not None:
            ctx.state.data["iin_year"] = born.year
        return self._ask(ctx, Onboarding.REGIME, before=ctx.t("Thank you, the ИИН is correct."))

    async def _birth_year(self, ctx: Ctx, text: str) -> list[Reply]:
        year = parse_count(text)
        latest = ctx.today.year - YOUNGEST_AGE
        if year is None or not (OLDEST_BIRTH_YEAR <= year <= latest):
            return [
                Reply(
                    text=ctx.t(
                        "Please send the year of birth as four digits, between {first} and {last}.",
                        first=OLDEST_BIRTH_YEAR,
                        last=latest,
                    )
                )
            ]
        self._profile(ctx)["birth_year"] = year
        return self._ask(ctx, Onboarding.REMINDERS)

    async def _finish(self, ctx: Ctx, reminders: bool) -> list[Reply]:
        data = self._profile(ctx)
        regime, employees, year = data.get("regime"), data.get("employees", 0), data.get("birth_year")
        profile = ProfileData(
            iin=str(data["iin"]) if data.get("iin") else None,
            regime=regime if regime in REGIMES else None,
            place_id=str(data["place_id"]) if data.get("place_id") else None,
            employees=employees if isinstance(employees, int) else 0,
            birth_year=year if isinstance(year, int) else None,
            onboarded=True,
            onboarded_on=ctx.today,
            reminders=reminders,
        )
        await ctx.save_profile(profile)
        await ctx.store.audit(ctx.user.user_id, "profile.onboarded", {"regime": profile.regime})
        soon = upcoming(ctx, profile, days=OBLIGATIONS_AHEAD_DAYS)
        await ctx.store.save_obligations(ctx.user.user_id, soon)
        ctx.clear()
        return [self._finished(ctx, soon, reminders)]

    def _finished(self, ctx: Ctx, soon: list[ObligationDue], reminders: bool) -> Reply:
        lines = [ctx.t("All set! Your profile is saved.")]
        if soon:
            lines.append(ctx.t("Your nearest deadlines:"))
            lines.extend(f"• {date(o.due)} — {obligation_title(ctx, o)}" for o in soon[:3])
            if reminders:
                lines.append(ctx.t("I will remind you 7 days before, the day before and on the day."))
        lines.append(ctx.t("Now just write to me, for example: «received 150 000 from TOO Alfa»."))
        return Reply(text="\n".join(lines), buttons=menu.main_buttons(ctx))


_NO_PARSE: ParseResult = {
    "text": "",
    "intent": {"name": "out_of_scope", "confidence": 0.0},
    "intent_ranking": [],
    "entities": [],
}
