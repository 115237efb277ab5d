"""Register an ИП from the chat, guided; later, the life events of an ИП (change regime, suspend, close).

The bot advises and prefills; the user files and signs the state form in eGov / eGov mobile themselves. «Я подал
заявку» creates one pending registration (an ``effects`` row, kind ``ipreg``, key per form) — a double tap or a
redelivered update never makes two; ``poll_registrations`` (or «Проверить») asks the taxpayer lookup and, once the
ИП is in the register, sets up the profile from the registration date. An onboarded user gets the life events.

```mermaid
stateDiagram-v2
    [*] --> life: already onboarded (change regime / suspend / close)
    [*] --> pending: a registration is pending
    [*] --> resident: «хочу открыть ИП» / /register
    resident --> iin: citizen or resident
    resident --> [*]: no → not in the chat
    iin --> [*]: under 18 / already an ИП (lookup)
    iin --> name: ИИН ok (name known → activity)
    name --> activity: ФИО
    activity --> more: ОКЭД picked from the search
    more --> more: another code
    more --> place: «Дальше»
    place --> income: КАТО place picked
    income --> employees
    employees --> regime: three regimes side by side (core.registration.regime)
    regime --> regime: «Как посчитано?»
    regime --> [*]: self-employed → no ИП needed
    regime --> reminders: simplified / general
    reminders --> form: prefilled data + eGov guide
    form --> pending: «Я подал заявку» (effect ipreg pending)
    pending --> [*]: lookup confirms → profile, calendar, reminders from the start date
```
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from core.calc import CalcInputError
from core.identity import iin_birth_date, is_valid_iin_bin
from core.registration import oked
from core.registration.regime import RegimeComparison, compare_regimes
from dialogs.contract import Button, Reply
from dialogs.effects.ports import EffectUnavailable, registration_ports
from dialogs.effects.registration_ports import RegistrationApplication, RegistrationPorts
from dialogs.effects.registration_ticks import KIND, confirm_registration, profile_from
from dialogs.effects.store import EffectRow, EffectStore
from dialogs.flows import menu
from dialogs.flows.base import Ctx, FlowHandler, new_token, outdated
from dialogs.flows.filing import NAME_MAX, name_is_valid
from dialogs.flows.onboarding import (
    employees_error,
    parse_count,
    place_chosen_text,
    place_search,
    regime_names,
    reminder_buttons,
    reminders_question,
    short_title,
)
from dialogs.flows.registration_life import LifeEvents
from dialogs.flows.registration_texts import (
    comparison_text,
    confirmed_text,
    explanation_text,
    form_lines,
    guide_lines,
    oked_name,
    param,
)
from dialogs.format import date
from dialogs.states import Flow, Registration
from nlu.types import ParseResult

R = Registration
EGOV = "eGov"
SALYQ = "E-Salyq Business"
COMMAND = "/register"
DONE_WORDS = frozenset({"дальше", "далее", "готово", "всё", "все", "хватит", "келесі", "болды", "жеткілікті"})
OKED_SHOWN = 5
EXTRA_MAX = 4
INCOME_MAX = Decimal(10) ** 12  # a sanity bound for typos, far above every regime's limit
_MULTIPLIERS = (
    ("млрд", 10**9),
    ("миллиард", 10**9),
    ("млн", 10**6),
    ("миллион", 10**6),
    ("тыс", 10**3),
    ("мың", 10**3),
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def parse_income(text: str) -> Decimal | None:
    """«24 000 000», «24 млн», «1,5 млрд тенге» → a whole amount; ``None`` when it is not one number."""
    cleaned = text.lower().replace("\u00a0", " ").replace("₸", " ").strip()
    multiplier = 1
    for word, factor in _MULTIPLIERS:
        if word in cleaned:
            multiplier = factor
            cleaned = cleaned.split(word)[0]
            break
    digits = re.sub(r"(?<=\d) (?=\d{3}\b)", "", cleaned)
    found = _NUMBER.findall(digits)
    if len(found) != 1:
        return None
    try:
        value = Decimal(found[0].replace(",", ".")) * multiplier
    except InvalidOperation:
        return None
    if re.search(r"-\s*\d", digits):
        value = -value
    return value.quantize(Decimal(1))


def age_on(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class RegistrationFlow(FlowHandler):
    name = Flow.REGISTRATION
    text_steps = frozenset({R.IIN, R.NAME, R.ACTIVITY, R.MORE, R.PLACE, R.INCOME, R.EMPLOYEES})

    def __init__(self) -> None:
        self.life = LifeEvents(self.name)

    # ---- entry ----
    async def start(self, ctx: Ctx, parse: ParseResult | None) -> list[Reply]:
        ctx.clear()
        if ctx.onboarded and ctx.profile is not None and ctx.profile.regime != "self_employed":
            return self.life.menu(ctx)
        effects = EffectStore.of(ctx.store)
        if effects is not None:
            pending = [r for r in await effects.of_user(ctx.user.user_id, KIND) if r.status == "pending"]
            if pending:
                ctx.go(self.name, R.PENDING, effect=pending[-1].id)
                return [self._pending_reply(ctx, pending[-1], ctx.t("Your application is already noted."))]
        ctx.go(self.name, R.RESIDENT, token=new_token())
        text = "\n".join(
            (
                ctx.t("Let's open your ИП together: I will advise the regime and prefill the state form."),
                ctx.t("You file and sign it yourself in {egov} — it is free and takes about 15 minutes.", egov=EGOV),
                ctx.t("First: are you a citizen of Kazakhstan or a resident with a residence permit?"),
            )
        )
        return [Reply(text=text, buttons=self._yes_no(ctx, "res"))]

    def _yes_no(self, ctx: Ctx, action: str) -> tuple[tuple[Button, ...], ...]:
        token = str(ctx.state.data.get("token", ""))
        return (
            (
                ctx.button(ctx.t("Yes, I am"), self.name, action, f"y{token}"),
                ctx.button(ctx.t("No, I am not"), self.name, action, f"n{token}"),
            ),
        )

    def _data(self, ctx: Ctx) -> dict[str, Any]:
        return ctx.state.data

    def _ask(self, ctx: Ctx, step: str, before: str | None = None) -> list[Reply]:
        ctx.state.step = step
        reply = self.prompt(ctx)
        assert reply is not None
        if before:
            reply = Reply(text=before + "\n\n" + reply.text, buttons=reply.buttons)
        return [reply]

    def prompt(self, ctx: Ctx) -> Reply | None:
        step = ctx.state.step
        if step == R.RESIDENT:
            return Reply(
                text=ctx.t("Are you a citizen of Kazakhstan or a resident?"), buttons=self._yes_no(ctx, "res")
            )
        if step == R.IIN:
            return Reply(text=ctx.t("Send your ИИН: 12 digits. I need it only for calculations and declarations."))
        if step == R.NAME:
            return Reply(text=ctx.t("Your surname, name and patronymic as in your ID? The state form needs them."))
        if step == R.ACTIVITY:
            return Reply(
                text=ctx.t("What will you do? Describe it in your own words, for example: «ремонт телефонов».")
            )
        if step == R.MORE:
            return self._more_prompt(ctx)
        if step == R.PLACE:
            return Reply(text=ctx.t("Where will you work? Write the city or district, for example: Астана."))
        if step == R.INCOME:
            return Reply(text=ctx.t("What income do you expect per year? For example: 12 000 000 or «12 млн»."))
        if step == R.EMPLOYEES:
            return Reply(
                text=ctx.t("How many employees will you have? Send a number, 0 if none."),
                buttons=((ctx.button(ctx.t("No employees"), self.name, "emp", "0"),),),
            )
        if step == R.REGIME:
            comparison = self._comparison(ctx)
            return self._regime_reply(ctx, comparison) if comparison is not None else None
        if step == R.REMINDERS:
            return Reply(text=reminders_question(ctx), buttons=reminder_buttons(ctx, self.name))
        if step == R.FORM:
            return self._form_reply(ctx)
        return None

    # ---- text ----
    async def on_text(self, ctx: Ctx, text: str, parse: ParseResult) -> list[Reply]:
        if ctx.state.flow != self.name:
            return await self.start(ctx, parse)
        step = ctx.state.step
        if step == R.IIN:
            return await self._iin(ctx, text)
        if step == R.NAME:
            return await self._name(ctx, text)
        if step == R.MORE and text.strip(" .!").lower() in {ctx.t("Next step").lower(), *DONE_WORDS}:
            return self._ask(ctx, R.PLACE)
        if step in (R.ACTIVITY, R.MORE):
            return self._oked_search(ctx, text)
        if step == R.PLACE:
            return place_search(ctx, text, self.name)
        if step == R.INCOME:
            return self._income(ctx, text)
        if step == R.EMPLOYEES:
            return self._employees(ctx, text)
        reply = self.prompt(ctx)
        return [reply] if reply else []

    async def _iin(self, ctx: Ctx, text: str) -> list[Reply]:
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
        return await self._eligible(ctx, digits)

    async def _eligible(self, ctx: Ctx, iin: str) -> list[Reply]:
        born = iin_birth_date(iin)
        minimum = int(param("min_age", ctx.today))
        if born is None:
            return [Reply(text=ctx.t("I cannot read the birth date from this ИИН. Please check it and resend."))]
        if age_on(born, ctx.today) < minimum:
            ctx.clear()
            text = ctx.t(
                "An ИП can be registered in the chat from {age} years: by your ИИН you are younger. "
                "From 16 it is possible with your parents' consent — at a Public Service Center (ЦОН).",
                age=minimum,
            )
            return [Reply(text=text, buttons=menu.main_buttons(ctx))]
        ports = registration_ports(ctx.services)
        note = ""
        if ports is not None:
            try:
                found = await ports.lookup.find(iin)
            except EffectUnavailable:
                found = None
                note = ctx.t("The state register is not answering now; I will check your ИИН there later.")
            if found is not None and found.status != "closed":
                ctx.clear()
                await ctx.store.audit(ctx.user.user_id, "registration.already_ip", {})
                text = "\n".join(
                    (
                        ctx.t(
                            "By the state register you are already an ИП since {date}.", date=date(found.registered_on)
                        ),
                        ctx.t("A second ИП cannot be opened. Let's set up your profile for the one you have."),
                    )
                )
                button = ctx.button(ctx.t("Set up profile"), self.name, "ob", "")
                return [Reply(text=text, buttons=((button,),))]
        data = self._data(ctx)
        data["iin"], data["birth_year"] = iin, born.year
        effects = EffectStore.of(ctx.store)
        known = await effects.full_name(ctx.user.user_id) if effects is not None else None
        before = "\n".join(x for x in (ctx.t("Thank you, the ИИН is correct."), note) if x)
        if known:
            data["name"] = known
            return self._ask(ctx, R.ACTIVITY, before=before)
        return self._ask(ctx, R.NAME, before=before)

    async def _name(self, ctx: Ctx, text: str) -> list[Reply]:
        name = " ".join(text.split())
        if len(name) > NAME_MAX or not name_is_valid(name):
            return [Reply(text=ctx.t("Please write the name in letters only, for example: Иванов Иван Иванович."))]
        self._data(ctx)["name"] = name.upper()
        return self._ask(ctx, R.ACTIVITY)

    def _oked_search(self, ctx: Ctx, text: str) -> list[Reply]:
        query = text.strip()
        if len(query) < 3:
            return [Reply(text=ctx.t("Please describe the activity in a few words, for example: «продажа одежды»."))]
        found = oked.search(query, limit=OKED_SHOWN)
        if not found:
            return [
                Reply(
                    text=ctx.t(
                        "I found no activity for «{query}». Try other words, for example: «кофейня», «такси».",
                        query=query[:60],
                    )
                )
            ]
        lines = [ctx.t("These activity codes (ОКЭД) fit best — choose one:")]
        lines.extend(f"• {m.entry.code} — {m.entry.name(ctx.lang)}" for m in found)
        buttons = tuple(
            (ctx.button(short_title(f"{m.entry.code} {m.entry.name(ctx.lang)}"), self.name, "oked", m.entry.code),)
            for m in found
        )
        self._data(ctx)["found"] = [m.entry.code for m in found]
        return [Reply(text="\n".join(lines), buttons=buttons)]

    def _more_prompt(self, ctx: Ctx) -> Reply:
        data = self._data(ctx)
        codes = [str(data.get("oked", "")), *[str(c) for c in data.get("extra") or []]]
        lines = [ctx.t("Activities in the form:")]
        lines.extend(f"• {c} — {oked_name(c, ctx.lang)}" for c in codes)
        lines.append(ctx.t("Another activity? Describe it, or press «Next step»."))
        return Reply(text="\n".join(lines), buttons=((ctx.button(ctx.t("Next step"), self.name, "next", "place"),),))

    def _income(self, ctx: Ctx, text: str) -> list[Reply]:
        amount = parse_income(text)
        if amount is None:
            return [Reply(text=ctx.t("Please send the yearly income as a number, for example: 12 000 000."))]
        if amount <= 0:
            return [Reply(text=ctx.t("The income must be more than zero. A rough estimate is enough."))]
        if amount > INCOME_MAX:
            return [Reply(text=ctx.t("That looks like a typo. Please check the amount."))]
        self._data(ctx)["income"] = str(amount)
        return self._ask(ctx, R.EMPLOYEES)

    def _employees(self, ctx: Ctx, text: str) -> list[Reply]:
        error = employees_error(ctx, text)
        if error:
            return [Reply(text=error)]
        self._data(ctx)["employees"] = parse_count(text)
        ctx.state.step = R.REGIME
        comparison = self._comparison(ctx)
        if comparison is None:
            ctx.clear()
            return [
                Reply(
                    text=ctx.t(
                        "I cannot compare the regimes for these figures. Please start again: {command}",
                        command=COMMAND,
                    )
                )
            ]
        return [self._regime_reply(ctx, comparison)]

    # ---- regime advice ----
    def _comparison(self, ctx: Ctx) -> RegimeComparison | None:
        data = self._data(ctx)
        try:
            return compare_regimes(
                Decimal(str(data.get("income", "0"))),
                str(data.get("place")) if data.get("place") else None,
                int(data.get("employees") or 0),
                str(data.get("oked")) if data.get("oked") else None,
                ctx.today,
            )
        except (CalcInputError, ValueError, InvalidOperation):
            return None

    def _regime_reply(self, ctx: Ctx, comparison: RegimeComparison) -> Reply:
        names = {str(k): v for k, v in regime_names(ctx).items()}
        token = str(self._data(ctx).get("token", ""))
        picks = [
            ctx.button(("✓ " if o.cheapest else "") + names[o.regime], self.name, "regime", o.regime)
            for o in comparison.options
            if o.eligible
        ]
        rows: list[tuple[Button, ...]] = [(b,) for b in picks]
        rows.append((ctx.button(ctx.t("How is it calculated?"), self.name, "why", token),))
        return Reply(text=comparison_text(ctx.t, ctx.lang, comparison), buttons=tuple(rows))

    # ---- buttons ----
    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        if action in self.life.actions:
            return await self.life.on_button(ctx, action, arg)
        if action == "chk":
            return await self._check(ctx, arg)
        if action == "ob" and not ctx.onboarded:
            return await ctx.start(Flow.ONBOARDING)
        if ctx.state.flow != self.name:
            return outdated(ctx)
        data, step = self._data(ctx), ctx.state.step
        token = str(data.get("token", ""))
        if action == "res" and step == R.RESIDENT and arg[1:] == token:
            return await self._resident(ctx, arg[0] == "y")
        if action == "oked" and step in (R.ACTIVITY, R.MORE) and arg in (data.get("found") or []):
            return self._oked_chosen(ctx, arg)
        if action == "next" and step == R.MORE:
            return self._ask(ctx, R.PLACE)
        if action == "place" and step == R.PLACE:
            place = ctx.services.places.get(arg) if ctx.services.places else None
            if place is None:
                return outdated(ctx)
            data["place"] = place.id
            return self._ask(ctx, R.INCOME, before=place_chosen_text(ctx, place))
        if action == "emp" and step == R.EMPLOYEES:
            return self._employees(ctx, arg)
        if action == "why" and step == R.REGIME and arg == token:
            comparison = self._comparison(ctx)
            if comparison is None:
                return outdated(ctx)
            reply = self._regime_reply(ctx, comparison)
            return [Reply(text=explanation_text(ctx.t, ctx.lang, comparison)), reply]
        if action == "regime" and step == R.REGIME:
            return self._regime_chosen(ctx, arg)
        if action == "remind" and step == R.REMINDERS and arg in ("yes", "no"):
            data["reminders"] = arg == "yes"
            return self._ask(ctx, R.FORM)
        if action == "sub" and step in (R.FORM, R.PENDING) and arg == token:
            return await self._submitted(ctx)
        if action == "no" and arg == token:
            ctx.clear()
            return [Reply(text=ctx.t("Cancelled. Nothing was sent."), buttons=menu.main_buttons(ctx), edit=True)]
        return outdated(ctx)

    async def _resident(self, ctx: Ctx, yes: bool) -> list[Reply]:
        if not yes:
            ctx.clear()
            text = ctx.t(
                "A foreigner without a residence permit registers an ИП only in person, at the tax office or a "
                "Public Service Center (ЦОН) — I cannot guide that in the chat."
            )
            return [Reply(text=text, buttons=menu.main_buttons(ctx))]
        iin = ctx.profile.iin if ctx.profile is not None else None
        if iin:
            return await self._eligible(ctx, iin)
        return self._ask(ctx, R.IIN)

    def _oked_chosen(self, ctx: Ctx, code: str) -> list[Reply]:
        data = self._data(ctx)
        if ctx.state.step == R.ACTIVITY:
            data["oked"] = code
        else:
            extra = [str(c) for c in data.get("extra") or []]
            if code != data.get("oked") and code not in extra:
                extra.append(code)
            data["extra"] = extra
        data["found"] = []
        if len(data.get("extra") or []) >= EXTRA_MAX:
            return self._ask(ctx, R.PLACE)
        return self._ask(ctx, R.MORE)

    def _regime_chosen(self, ctx: Ctx, regime: str) -> list[Reply]:
        comparison = self._comparison(ctx)
        if comparison is None or regime not in [o.regime for o in comparison.options if o.eligible]:
            return outdated(ctx)
        if regime == "self_employed":
            ctx.clear()
            text = "\n".join(
                (
                    ctx.t("The self-employed regime is for people who are not an ИП: you do not need to register."),
                    ctx.t("Install the {app} app and issue receipts there; no declarations.", app=SALYQ),
                    ctx.t("If you later want an ИП after all, write {command}.", command=COMMAND),
                )
            )
            return [Reply(text=text, buttons=menu.main_buttons(ctx))]
        self._data(ctx)["regime"] = regime
        return self._ask(ctx, R.REMINDERS)

    def _form_reply(self, ctx: Ctx) -> Reply:
        token = str(self._data(ctx).get("token", ""))
        lines = [*form_lines(ctx.t, ctx.lang, self._data(ctx), ctx.today), "", *guide_lines(ctx.t, ctx.today)]
        buttons = (
            (
                ctx.button(ctx.t("I have applied"), self.name, "sub", token),
                ctx.button(ctx.t("Cancel"), self.name, "no", token),
            ),
        )
        meta = {"kind": "registration_form", "deep_link": str(param("service_url", ctx.today))}
        return Reply(text="\n".join(lines), buttons=buttons, meta=meta)

    # ---- the pending registration ----
    def _application(self, ctx: Ctx) -> RegistrationApplication:
        from dialogs.flows.registration_texts import kato_of

        data = self._data(ctx)
        codes = (str(data.get("oked", "")), *[str(c) for c in data.get("extra") or []])
        return RegistrationApplication(
            str(data["iin"]), str(data.get("name", "")), ctx.today, codes, kato_of(str(data.get("place", "")))
        )

    async def _submitted(self, ctx: Ctx) -> list[Reply]:
        effects, ports = EffectStore.of(ctx.store), registration_ports(ctx.services)
        data = self._data(ctx)
        if effects is None or ports is None:
            ctx.clear()
            text = ctx.t(
                "Good luck! When the registration is done, write {command} and I will set up your profile.",
                command="/start",
            )
            return [Reply(text=text, buttons=menu.main_buttons(ctx))]
        application = self._application(ctx)
        request = {
            "iin": application.iin,
            "name": application.name,
            "start": application.start.isoformat(),
            "oked": list(application.oked),
            "kato": application.kato,
            "place": data.get("place"),
            "regime": data.get("regime"),
            "employees": int(data.get("employees") or 0),
            "income": data.get("income"),
            "birth_year": data.get("birth_year"),
            "reminders": bool(data.get("reminders", True)),
        }
        key = f"ipreg:{ctx.user.user_id}:{data.get('token')}"
        row, created = await effects.begin(key, ctx.user.user_id, KIND, request, "pending")
        ctx.go(self.name, R.PENDING, **{**data, "effect": row.id})
        if not created:
            return [self._pending_reply(ctx, row, ctx.t("Already being done."))]
        details = {"regime": request["regime"], "oked": request["oked"], "kato": request["kato"]}
        await effects.audit(ctx.user.user_id, "registration.applied", row, details)
        if ports.registrar is not None:  # local mode only: the sandbox plays the state registering the applicant
            await ports.registrar.submitted(application)
        return [self._pending_reply(ctx, row)]

    def _pending_reply(self, ctx: Ctx, row: EffectRow, notice: str | None = None) -> Reply:
        text = "\n".join(
            (
                ctx.t("Noted. I will check the state register by your ИИН and write here when your ИП appears."),
                ctx.t("Until then nothing changes in your profile."),
            )
        )
        check = ctx.button(ctx.t("Check now"), self.name, "chk", str(row.id))
        return Reply(text=text, buttons=((check,),), notice=notice)

    async def _check(self, ctx: Ctx, effect_id: str) -> list[Reply]:
        effects, ports = EffectStore.of(ctx.store), registration_ports(ctx.services)
        if effects is None or ports is None:
            return outdated(ctx)
        row = await effects.owned(ctx.user.user_id, effect_id, KIND)
        if row is None:
            return outdated(ctx)
        return await self.check_row(ctx, effects, ports, row)

    async def check_row(self, ctx: Ctx, effects: EffectStore, ports: RegistrationPorts, row: EffectRow) -> list[Reply]:
        moved, what, soon = await confirm_registration(ctx.store, effects, ports, ctx.services.calendar, row, ctx.now)
        if what == "unavailable":
            return [Reply(text=ctx.t("The state register is not answering now. I will check it myself later."))]
        if what == "pending":
            text = ctx.t("Your ИП is not in the register yet. It usually takes up to a working day; I keep checking.")
            return [Reply(text=text, buttons=self._pending_reply(ctx, row).buttons)]
        if moved.status != "confirmed":
            return outdated(ctx)
        registered_on = dt.date.fromisoformat(str(moved.result["registered_on"]))
        if what == "confirmed":
            ctx.profile = profile_from(moved.request, registered_on)
        if ctx.state.flow == self.name:
            ctx.clear()
        text = confirmed_text(ctx.t, ctx.lang, moved.request, registered_on, soon)
        return [Reply(text=text, buttons=menu.main_buttons(ctx))]
