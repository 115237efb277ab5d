"""What the registration conversation shows: the regimes side by side, «Как посчитано?», the prefilled state form,
the eGov guide, the confirmation. Figures and reasons come from ``core.registration.regime`` in both languages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from core.registration.oked import lookup as oked_lookup
from core.registration.regime import RegimeComparison, RegimeOption
from core.rules import parameters
from core.rules.places import places
from dialogs.flows.deadlines import obligation_text
from dialogs.format import date, money
from dialogs.i18n import Lang
from dialogs.ports import ObligationDue

T = Callable[..., str]
SHOWN_OBLIGATIONS = 3
EGOV = "eGov"
APP = "eGov mobile"


def param(path: str, on: dt.date) -> Any:
    return parameters().value(f"registration.{path}", on)


def oked_name(code: str, lang: Lang) -> str:
    found = oked_lookup(code)
    return found.name(lang) if found is not None else code


def kato_of(place_id: str) -> str:
    place = places().get(place_id)
    return place.kato if place is not None else ""


def place_name(place_id: str, lang: Lang) -> str:
    place = places().get(place_id)
    if place is None:
        return place_id
    return place.name_kk if lang == "kk" else place.name_ru


def option_block(t: T, lang: Lang, option: RegimeOption) -> list[str]:
    if not option.eligible:
        head = t("• {name}: {total} a year — does not fit", name=option.name(lang), total=money(option.total))
    elif option.cheapest:
        head = t("• {name}: {total} a year ✓ recommended", name=option.name(lang), total=money(option.total))
    else:
        head = t("• {name}: {total} a year", name=option.name(lang), total=money(option.total))
    out = [head]
    out.extend(f"   {step.label(lang)}: {money(step.result)}" for step in option.trace if step.result)
    out.extend(f"   – {reason.text(lang)}" for reason in option.reasons)
    return out


def comparison_text(t: T, lang: Lang, comparison: RegimeComparison) -> str:
    lines = [
        t(
            "The regimes for {year}, income {income} a year, employees: {employees}:",
            year=comparison.year,
            income=money(comparison.income),
            employees=comparison.employees,
        )
    ]
    for option in comparison.options:
        lines.extend(option_block(t, lang, option))
    best = comparison.cheapest
    if best is not None:
        lines.append(t("I recommend: {name} — the cheapest of those that fit.", name=best.name(lang)))
    lines.append(t("VAT is not in these figures: it is added to your prices when it applies."))
    lines.append(t("Which regime shall we put in the form?"))
    return "\n".join(lines)


def explanation_text(t: T, lang: Lang, comparison: RegimeComparison) -> str:
    lines = [t("How each figure is calculated:")]
    for option in comparison.options:
        lines.append(f"\n{option.name(lang)} — {money(option.total)}")
        for step in option.trace:
            lines.append(f"• {step.label(lang)}: {money(step.result)} = {step.rule(lang)}")
            rates = [u for u in step.params if isinstance(u.value, Decimal | int) and not isinstance(u.value, bool)]
            lines.extend(f"  ({use.path} = {use.value}: {use.cite})" for use in rates[:1])
    lines.append(
        t("Income is spread evenly over the year; social payments for yourself are on the minimum declared base.")
    )
    return "\n".join(lines)


def form_lines(t: T, lang: Lang, data: dict[str, Any], start: dt.date) -> list[str]:
    extra = [str(c) for c in data.get("extra") or []]
    main = str(data.get("oked", ""))
    place = str(data.get("place", ""))
    regime_names = {
        "simplified": t("Simplified (910)"),
        "general": t("General"),
        "self_employed": t("Self-employed"),
    }
    lines = [
        t("Data for the state form (check them and copy into the form):"),
        t("• Full name: {name}", name=data.get("name", "")),
        t("• ИИН: {iin}", iin=data.get("iin", "")),
        t("• Place of activity: {place}, КАТО {kato}", place=place_name(place, lang), kato=kato_of(place)),
        t("• Main activity (ОКЭД): {code} {name}", code=main, name=oked_name(main, lang)),
    ]
    lines.extend(t("• Other activity: {code} {name}", code=c, name=oked_name(c, lang)) for c in extra)
    lines.append(t("• Tax regime: {regime}", regime=regime_names.get(str(data.get("regime")), "")))
    lines.append(t("• Start of activity: {date}", date=date(start)))
    return lines


def guide_lines(t: T, start: dt.date) -> list[str]:
    url = str(param("service_url", start))
    days = int(param("processing_days", start))
    return [
        t("How to register, step by step:"),
        t("1. Open the {egov} service «Registration of an individual entrepreneur»: {url}", egov=EGOV, url=url),
        t("2. Sign in with {app} (or your ЭЦП) and choose «Notification of the start of activity as an ИП».", app=APP),
        t("3. Enter the data above: the place (КАТО), the ОКЭД codes, the regime and the start date."),
        t("4. Sign the form yourself in {app}: I never sign or send it for you.", app=APP),
        t("5. The registration usually appears within {days} working day. Then press «I have applied».", days=days),
    ]


def confirmed_text(t: T, lang: Lang, request: dict[str, Any], registered_on: dt.date, soon: Sequence[Any]) -> str:
    regime_names = {"simplified": t("Simplified (910)"), "general": t("General")}
    lines = [
        t("Your ИП is registered since {date}.", date=date(registered_on)),
        t(
            "Profile set up: regime {regime}, place {place}.",
            regime=regime_names.get(str(request.get("regime")), str(request.get("regime"))),
            place=place_name(str(request.get("place", "")), lang),
        ),
    ]
    due: list[ObligationDue] = [o for o in soon if isinstance(o, ObligationDue)]
    if due:
        lines.append(t("Your nearest deadlines:"))
        lines.extend(f"• {date(o.due)} — {obligation_text(t, o)}" for o in due[:SHOWN_OBLIGATIONS])
    if request.get("reminders"):
        lines.append(t("I will remind you 7 days before, the day before and on the day."))
    return "\n".join(lines)


def suspension_monthly(on: dt.date) -> Decimal:
    """ВОСМС for himself while activity is suspended: rate × base (МЗП) × МЗП, whole tenge."""
    from core.money import whole_tenge

    tree = parameters()
    rate = tree.decimal("social.vosms_self.rate", on)
    base = tree.decimal("social.vosms_self.suspended_base_mzp", on) * tree.decimal("base.mzp", on)
    return whole_tenge(rate * base)
