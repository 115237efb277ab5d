"""Later life events of an ИП, from the same flow (/register when already onboarded): change the regime, suspend
activity, close the ИП. The bot explains and changes only its own calendar; every state notice is the user's act
(signed by them in the tax cabinet or eGov), so nothing here is sent anywhere.

```mermaid
flowchart LR
    M[life menu] --> C[change regime: conditions + the new calendar]
    C -->|«Да, сменить»| P[profile.regime, obligations from today]
    M --> S[suspend: ВОСМС only, no pension/social accrual, where to file]
    M --> X[close: checklist from the user's own obligations, then the eGov notice]
```
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from dialogs.contract import Reply
from dialogs.flows import menu
from dialogs.flows.base import Ctx, new_token, outdated
from dialogs.flows.deadlines import obligation_text
from dialogs.flows.onboarding import regime_names
from dialogs.flows.registration_texts import param, suspension_monthly
from dialogs.format import date, money
from dialogs.ports import ObligationDue, Regime
from dialogs.states import Registration

AHEAD_DAYS = 92
SHOWN = 3
TARGETS: dict[str, Regime] = {"simplified": "general", "general": "simplified", "self_employed": "simplified"}


class LifeEvents:
    """The life-events part of ``RegistrationFlow`` (its buttons: ``chg``, ``chgok``, ``sus``, ``cls``)."""

    actions = frozenset({"chg", "chgok", "sus", "cls"})

    def __init__(self, flow: str) -> None:
        self.flow = flow

    def menu(self, ctx: Ctx) -> list[Reply]:
        assert ctx.profile is not None
        token = new_token()
        ctx.go(self.flow, Registration.LIFE, token=token)
        names = regime_names(ctx)
        current = names[ctx.profile.regime] if ctx.profile.regime else "—"
        text = "\n".join(
            (
                ctx.t("Your ИП is already set up: regime {regime}.", regime=current),
                ctx.t("What has changed? I will explain what to file and what happens to your calendar."),
            )
        )
        buttons = (
            (ctx.button(ctx.t("Change regime"), self.flow, "chg", token),),
            (ctx.button(ctx.t("Suspend activity"), self.flow, "sus", token),),
            (ctx.button(ctx.t("Close the ИП"), self.flow, "cls", token),),
        )
        return [Reply(text=text, buttons=buttons)]

    async def on_button(self, ctx: Ctx, action: str, arg: str) -> list[Reply]:
        data = ctx.state.data
        if not ctx.onboarded or ctx.profile is None or ctx.state.flow != self.flow or data.get("token") != arg:
            return outdated(ctx)
        if action == "chg" and ctx.state.step == Registration.LIFE:
            return self._change(ctx)
        if action == "chgok" and ctx.state.step == Registration.CHANGE:
            return await self._changed(ctx)
        if action == "sus" and ctx.state.step == Registration.LIFE:
            return self._suspend(ctx)
        if action == "cls" and ctx.state.step == Registration.LIFE:
            return self._close(ctx)
        return outdated(ctx)

    def _upcoming(self, ctx: Ctx, regime: Regime) -> list[ObligationDue]:
        calendar = ctx.services.calendar
        if calendar is None or ctx.profile is None:
            return []
        profile = replace(ctx.profile, regime=regime)
        return calendar.obligations(profile, ctx.today, ctx.today + dt.timedelta(days=AHEAD_DAYS))

    def _change(self, ctx: Ctx) -> list[Reply]:
        assert ctx.profile is not None
        current = ctx.profile.regime or "simplified"
        target = TARGETS[current]
        names = regime_names(ctx)
        lines = [ctx.t("Change from {old} to {new}:", old=names[current], new=names[target])]
        if target == "general":
            lines.append(
                ctx.t(
                    "Moving to the general regime is possible by a notification of the applied regime in the tax "
                    "cabinet: then ИПН on profit and declaration 220.00 once a year instead of 910.00."
                )
            )
        else:
            years = int(param("ordinary_to_simplified_min_years", ctx.today))
            lines.append(
                ctx.t(
                    "Back to the simplified declaration only after at least {years} full calendar year on the "
                    "general regime, and with that year's income within the simplified limit.",
                    years=years,
                )
            )
        soon = self._upcoming(ctx, target)
        if soon:
            lines.append(ctx.t("Your calendar would then be:"))
            lines.extend(f"• {date(o.due)} — {obligation_text(ctx.t, o)}" for o in soon[:SHOWN])
        lines.append(ctx.t("File the notification yourself; I will only change your calendar and reminders."))
        ctx.state.step = Registration.CHANGE
        ctx.state.data["target"] = target
        token = str(ctx.state.data["token"])
        buttons = (
            (
                ctx.button(ctx.t("Yes, change"), self.flow, "chgok", token),
                ctx.button(ctx.t("Cancel"), self.flow, "no", token),
            ),
        )
        return [Reply(text="\n".join(lines), buttons=buttons)]

    async def _changed(self, ctx: Ctx) -> list[Reply]:
        assert ctx.profile is not None
        old = ctx.profile.regime
        wanted = str(ctx.state.data.get("target"))
        if wanted not in ("simplified", "general"):
            return outdated(ctx)
        regime: Regime = "general" if wanted == "general" else "simplified"
        await ctx.save_profile(replace(ctx.profile, regime=regime))
        soon = self._upcoming(ctx, regime)
        await ctx.store.save_obligations(ctx.user.user_id, soon)
        await ctx.store.audit(ctx.user.user_id, "profile.regime_changed", {"from": old, "to": regime})
        ctx.clear()
        text = ctx.t(
            "Done: your calendar and reminders now follow the {regime} regime.", regime=regime_names(ctx)[regime]
        )
        return [Reply(text=text, buttons=menu.main_buttons(ctx))]

    def _suspend(self, ctx: Ctx) -> list[Reply]:
        months = int(param("suspend_max_months", ctx.today))
        url = str(param("suspend_url", ctx.today))
        text = "\n".join(
            (
                ctx.t("Suspending activity (приостановление) — what it means:"),
                ctx.t("• Declarations are not filed for the suspended period; no income may be earned."),
                ctx.t("• Pension and social contributions for yourself (ОПВ, ОПВР, СО) are not paid:"),
                ctx.t("  those months do not count towards your pension and social insurance."),
                ctx.t(
                    "• Medical insurance (ВОСМС) continues: {amount} a month, or you lose the insurance.",
                    amount=money(suspension_monthly(ctx.today)),
                ),
                ctx.t(
                    "• The period is stated in the notice, up to {months} months, and can be extended.", months=months
                ),
                ctx.t("File the notice of suspension yourself in the tax cabinet: {url}", url=url),
                ctx.t("Before it: file and pay everything due for the time you worked."),
            )
        )
        ctx.clear()
        return [Reply(text=text, buttons=menu.main_buttons(ctx))]

    def _close(self, ctx: Ctx) -> list[Reply]:
        assert ctx.profile is not None
        due = self._upcoming(ctx, ctx.profile.regime or "simplified")
        lines = [ctx.t("Closing the ИП — first file and pay everything for the time you worked:")]
        if ctx.profile.regime == "simplified":
            lines.append(
                ctx.t("• The final declaration 910.00 for the current half-year up to the closing date, and its tax.")
            )
        elif ctx.profile.regime == "general":
            lines.append(ctx.t("• The final declaration 220.00 for this year up to the closing date, and its ИПН."))
        lines.append(ctx.t("• Social payments for yourself for every month up to the closing date."))
        if ctx.profile.employees:
            lines.append(ctx.t("• Employees: dismiss them, pay their contributions and file 200.00."))
        if due:
            lines.append(ctx.t("From your calendar, still open:"))
            lines.extend(f"• {date(o.due)} — {obligation_text(ctx.t, o)}" for o in due[:SHOWN])
        lines.append(ctx.t("• Close the business bank account and deregister the cash register, if any."))
        url = str(param("close_url", ctx.today))
        lines.append(
            ctx.t("Then file the notice of termination in {egov} and sign it yourself: {url}", egov="eGov", url=url)
        )
        ctx.clear()
        return [Reply(text="\n".join(lines), buttons=menu.main_buttons(ctx))]
