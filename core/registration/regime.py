"""Regime advice (выбор налогового режима): the year's cost of each regime for the user's figures, side by side.

``compare_regimes`` runs the tax engine (``core.calc``) for a whole year under:

* ``self_employed`` — СНР для самозанятых (2026): 12 months of ``core.calc.self_employed`` on income / 12. Only for a
  person who is *not* an ИП and has no employees; a monthly income above the limit makes it ineligible.
* ``simplified`` — the simplified declaration 910.00: two ``declaration_910`` half-years (income split evenly, the
  place's maslikhat rate) plus 12 months of social payments for himself (``self_payments``).
* ``general`` — ОУР: ИПН on (income − expenses) at ``ipn_ip_general.*`` (the 2026 higher rate above its threshold),
  social tax for himself and per employee (``social_tax.ip_general.*``) each month, plus the same social payments.

Every option carries its lines (whole tenge), a trace (rules and parameters of every line), eligibility and the
reasons (limits, employees, forbidden activities from ``restrictions.yaml``, VAT threshold). Options are sorted by
cost with the eligible ones first; the cheapest eligible is marked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.calc import CalcInputError, CalcResult, declaration_910, self_employed, self_payments
from core.calc._trace import Tracer
from core.calc.labels import label
from core.calc.limits import simplified_limit, vat_threshold
from core.calc.periods import check_year
from core.explain import Lang, ParamUse, TraceStep, format_amount, format_share, jsonable
from core.money import whole_tenge
from core.rules import parameters
from core.rules.loader import Reference, read_yaml
from core.rules.places import get_place

RESTRICTIONS_FILE = Path(__file__).with_name("restrictions.yaml")
MONTHS = 12
ZERO = Decimal(0)
REGIMES = ("self_employed", "simplified", "general")
NAMES: dict[str, tuple[str, str]] = {
    "self_employed": ("Самозанятый (без регистрации ИП)", "Өзін-өзі жұмыспен қамтыған (ЖК тіркелмей)"),
    "simplified": ("Упрощённая декларация (910.00)", "Оңайлатылған декларация (910.00)"),
    "general": ("Общеустановленный режим (220.00)", "Жалпыға бірдей белгіленген режим (220.00)"),
}
SOCIAL_LINES = ("opv", "opvr", "so", "vosms")


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a regime is (not) eligible or what to watch: a stable code and the text in both languages."""

    code: str
    text_ru: str
    text_kk: str
    blocking: bool = False

    def text(self, lang: Lang) -> str:
        return self.text_kk if lang == "kk" else self.text_ru

    def to_json(self, lang: Lang = "ru") -> dict[str, Any]:
        return {"code": self.code, "text": self.text(lang), "blocking": self.blocking}


@dataclass
class RegimeOption:
    """One regime's year: lines, total, trace, eligibility and reasons."""

    regime: str
    lines: dict[str, Decimal]
    trace: list[TraceStep]
    reasons: list[Reason] = field(default_factory=list)
    cheapest: bool = False

    @property
    def total(self) -> Decimal:
        return sum(self.lines.values(), ZERO)

    @property
    def eligible(self) -> bool:
        return not any(r.blocking for r in self.reasons)

    def name(self, lang: Lang) -> str:
        ru, kk = NAMES[self.regime]
        return kk if lang == "kk" else ru

    def to_json(self, lang: Lang = "ru") -> dict[str, Any]:
        return {
            "regime": self.regime,
            "name": self.name(lang),
            "eligible": self.eligible,
            "cheapest": self.cheapest,
            "total": jsonable(self.total),
            "lines": {k: jsonable(v) for k, v in self.lines.items()},
            "reasons": [r.to_json(lang) for r in self.reasons],
            "trace": [s.to_json(lang) for s in self.trace],
        }


@dataclass
class RegimeComparison:
    """The comparison: the inputs and the options, eligible ones first, each group by cost."""

    year: int
    income: Decimal
    expenses: Decimal
    place: str | None
    employees: int
    activity: str | None
    options: list[RegimeOption]

    @property
    def cheapest(self) -> RegimeOption | None:
        return next((o for o in self.options if o.cheapest), None)

    def option(self, regime: str) -> RegimeOption:
        for item in self.options:
            if item.regime == regime:
                return item
        raise KeyError(regime)

    def to_json(self, lang: Lang = "ru") -> dict[str, Any]:
        best = self.cheapest
        return {
            "year": self.year,
            "income": jsonable(self.income),
            "expenses": jsonable(self.expenses),
            "place": self.place,
            "employees": self.employees,
            "activity": self.activity,
            "cheapest": best.regime if best else None,
            "options": [o.to_json(lang) for o in self.options],
        }


def compare_regimes(
    income_year: Decimal,
    place: str | None,
    employees: int = 0,
    activity: str | None = None,
    on: dt.date | int | None = None,
    *,
    expenses: Decimal = ZERO,
    declared_monthly: Decimal | None = None,
) -> RegimeComparison:
    """Compare the year's cost of the regimes for ``income_year`` at ``place`` with ``employees`` (not counting the
    ИП) and an ОКЭД ``activity``. ``on`` — a date or a year (default: this year). ``expenses`` — documented expenses
    (ОУР only). ``declared_monthly`` — the income the ИП declares for his own social payments (default: the minimum
    base, 1 МЗП × ``social.opv.base_min_mzp``). Bad input raises ``CalcInputError``."""
    year = on if isinstance(on, int) else (on or dt.date.today()).year
    check_year(year)
    if not income_year.is_finite() or income_year < 0:
        raise CalcInputError(f"income must be a non-negative amount, got {income_year}")
    if not expenses.is_finite() or expenses < 0 or expenses > income_year:
        raise CalcInputError(f"expenses must be between 0 and the income, got {expenses}")
    if employees < 0:
        raise CalcInputError("employees must not be negative")
    place_id = get_place(place).id if place else None
    code = _activity(activity)
    jan1 = dt.date(year, 1, 1)
    declared = declared_monthly if declared_monthly is not None else _minimum_base(jan1)
    if not declared.is_finite() or declared < 0:
        raise CalcInputError(f"declared income must be a non-negative amount, got {declared}")
    own = [self_payments(f"{year:04d}-{m:02d}", declared) for m in range(1, MONTHS + 1)]
    options = [
        _self_employed(year, income_year, employees, code),
        _simplified(year, income_year, place_id, employees, code, own),
        _general(year, income_year, expenses, employees, own),
    ]
    options.sort(key=lambda o: (not o.eligible, o.total))
    if options[0].eligible:
        options[0].cheapest = True
    return RegimeComparison(year, income_year, expenses, place_id, employees, code, options)


def _activity(activity: str | None) -> str | None:
    if activity is None:
        return None
    code = activity.strip()
    parts = code.split(".")
    if not code or not all(p.isdigit() for p in parts) or len(parts[0]) != 2:
        raise CalcInputError(f"not an ОКЭД code: {activity!r} (expected like 95.12.0)")
    return code


def _minimum_base(on: dt.date) -> Decimal:
    tree = parameters()
    return tree.decimal("base.mzp", on) * tree.decimal("social.opv.base_min_mzp", on)


# ---------------------------------------------------------------------------------------------------------- summing


def _merge(line: str, steps: Sequence[TraceStep], total: Decimal, count_ru: str, count_kk: str) -> TraceStep:
    """One step for a line summed over months or half-years: the rules of distinct steps, all parameters used."""
    params: list[ParamUse] = []
    for step in steps:
        for use in step.params:
            if use not in params:
                params.append(use)
    rules_ru = list(dict.fromkeys(s.rule_ru for s in steps))
    rules_kk = list(dict.fromkeys(s.rule_kk for s in steps))
    label_ru, label_kk = label(line)
    return TraceStep(
        line,
        label_ru,
        label_kk,
        f"сумма за {count_ru}: " + "; ".join(rules_ru),
        f"{count_kk} сомасы: " + "; ".join(rules_kk),
        {"periods": len(steps)},
        tuple(params),
        total,
    )


def _add_sum(
    option: RegimeOption, line: str, results: Sequence[CalcResult], sources: str, count: tuple[str, str]
) -> None:
    """Line ``line`` = the sum of the last of ``sources`` (comma-separated line keys) over ``results``; the trace
    keeps the rules and parameters of all the sources (e.g. the 910.00 tax at the place's rate, then the ИПН share)."""
    keys = sources.split(",")
    steps = [r.step(key) for key in keys for r in results]
    total = sum((r.lines[keys[-1]] for r in results), ZERO)
    merged = replace(_merge(line, steps, total, *count), inputs={"periods": len(results)})
    option.lines[line] = merged.result
    option.trace.append(merged)


def _own_payments(option: RegimeOption, own: Sequence[CalcResult]) -> None:
    for key in SOCIAL_LINES:
        _add_sum(option, key, own, key, ("12 мес.", "12 айдың"))


# ------------------------------------------------------------------------------------------------------ the regimes


def _self_employed(year: int, income: Decimal, employees: int, activity: str | None) -> RegimeOption:
    option = RegimeOption("self_employed", {}, [])
    on = dt.date(year, 1, 1)
    tree = parameters()
    if not tree.value("self_employed.available", on):
        option.reasons.append(
            Reason(
                "regime_not_available",
                f"Режима самозанятых в {year} году нет (введён Налоговым кодексом 2026 года).",
                f"{year} жылы өзін-өзі жұмыспен қамтығандар режимі жоқ (2026 жылғы Салық кодексімен енгізілген).",
                blocking=True,
            )
        )
        return option
    monthly = income / MONTHS
    months = [self_employed(f"{year:04d}-{m:02d}", monthly) for m in range(1, MONTHS + 1)]
    for key in ("opv", "opvr", "so", "osms"):
        _add_sum(option, key, months, key, ("12 мес.", "12 айдың"))
    option.reasons.append(
        Reason(
            "not_for_ip",
            "Режим для физлиц без регистрации ИП: регистрировать ИП не нужно, доход учитывается в E-Salyq Business.",
            "Режим ЖК ретінде тіркелмеген жеке тұлғаларға арналған: табыс E-Salyq Business қосымшасында есептеледі.",
        )
    )
    if not months[0].extra["eligible"]:
        limit = months[0].extra["limit"]
        option.reasons.append(
            Reason(
                "limit_exceeded",
                f"Доход в месяц {format_amount(whole_tenge(monthly))} выше предела {format_amount(limit)}.",
                f"Айлық табыс {format_amount(whole_tenge(monthly))} шектен {format_amount(limit)} жоғары.",
                blocking=True,
            )
        )
    cap = tree.value("self_employed.max_employees", on)
    if cap is not None and employees > int(cap):
        option.reasons.append(
            Reason(
                "employees_not_allowed",
                "Самозанятый не вправе нанимать работников.",
                "Өзін-өзі жұмыспен қамтыған тұлға қызметкер жалдай алмайды.",
                blocking=True,
            )
        )
    if activity is not None:
        named = _match(activity, restrictions().self_employed_named, year)
        if named is None:
            option.reasons.append(
                Reason(
                    "activity_unknown",
                    f"Вид деятельности {activity} не найден среди известных нам видов из перечня ПП РК № 994 — "
                    "проверьте перечень.",
                    f"{activity} қызмет түрі ҚР Үкіметінің № 994 қаулысы тізбесінен бізге белгілі түрлер арасында "
                    "табылмады — тізбені тексеріңіз.",
                )
            )
        else:
            option.reasons.append(
                Reason(
                    "activity_allowed",
                    f"Вид деятельности есть в перечне самозанятых: {named.name_ru} ({named.reference.cite()}).",
                    f"Қызмет түрі өзін-өзі жұмыспен қамтығандар тізбесінде бар: {named.name_kk}.",
                )
            )
    return option


def _simplified(
    year: int, income: Decimal, place: str | None, employees: int, activity: str | None, own: Sequence[CalcResult]
) -> RegimeOption:
    option = RegimeOption("simplified", {}, [])
    half = income / 2
    first = declaration_910(year, 1, income=half, place=place, employees=employees + 1)
    second = declaration_910(year, 2, income=half, place=place, prior_income=half, employees=employees + 1)
    halves = (first, second)
    _add_sum(option, "ipn", halves, "910.00.005,910.00.008", ("2 полугодия", "2 жарты жылдың"))
    if parameters().value("simplified.social_tax_minus_so", dt.date(year, 1, 1)):
        # 2024–25: the social-tax half is reduced by the half-year's СО — the ИП's own СО of each half
        so_h1 = sum((r.lines["so"] for r in own[:6]), ZERO)
        so_h2 = sum((r.lines["so"] for r in own[6:]), ZERO)
        first = declaration_910(year, 1, income=half, place=place, so_paid=so_h1, employees=employees + 1)
        second = declaration_910(
            year, 2, income=half, place=place, prior_income=half, so_paid=so_h2, employees=employees + 1
        )
    _add_sum(option, "social_tax", (first, second), "910.00.009", ("2 полугодия", "2 жарты жылдың"))
    _own_payments(option, own)
    limit, per = simplified_limit(year)
    used = half if per == "half_year" else income
    if used > limit:
        option.reasons.append(
            Reason(
                "limit_exceeded",
                f"Доход {format_amount(whole_tenge(used))} выше предела режима {format_amount(limit)}.",
                f"Табыс {format_amount(whole_tenge(used))} режим шегінен {format_amount(limit)} жоғары.",
                blocking=True,
            )
        )
    for warning in (*first.warnings, *second.warnings):
        if warning.code == "employees_exceeded":
            option.reasons.append(Reason(warning.code, warning.text_ru, warning.text_kk, blocking=True))
        elif warning.code == "default_rate_used" and not any(r.code == warning.code for r in option.reasons):
            option.reasons.append(Reason(warning.code, warning.text_ru, warning.text_kk))
    _vat_reason(option, year, income, special=True)
    if activity is not None:
        banned = _match(activity, restrictions().simplified_forbidden, year)
        if banned is not None:
            option.reasons.append(
                Reason(
                    "activity_forbidden",
                    f"Вид деятельности {activity} запрещён на упрощённой декларации: {banned.name_ru} "
                    f"({banned.reference.cite()}).",
                    f"{activity} қызмет түріне оңайлатылған декларация қолданылмайды: {banned.name_kk}.",
                    blocking=True,
                )
            )
    return option


def _general(year: int, income: Decimal, expenses: Decimal, employees: int, own: Sequence[CalcResult]) -> RegimeOption:
    option = RegimeOption("general", {}, [])
    jan1 = dt.date(year, 1, 1)
    t = Tracer(jan1)
    base = income - expenses
    rate, high_rate = t.d("ipn_ip_general.rate"), t.d("ipn_ip_general.high_rate")
    threshold = t.mrp("ipn_ip_general.high_threshold_mrp_year")
    low_part = min(base, threshold) if threshold > 0 else base
    high_part = base - low_part
    rule_ru = f"{format_share(rate)} × (доход − расходы) = {format_share(rate)} × {format_amount(low_part)}"
    rule_kk = f"{format_share(rate)} × (табыс − шығыстар) = {format_share(rate)} × {format_amount(low_part)}"
    if high_part > 0:
        rule_ru += f" + {format_share(high_rate)} × {format_amount(high_part)} сверх {format_amount(threshold)}"
        rule_kk += f" + {format_amount(threshold)} асқан {format_amount(high_part)} × {format_share(high_rate)}"
    t.line(
        "ipn",
        low_part * rate + high_part * high_rate,
        rule_ru,
        rule_kk,
        {"income": income, "expenses": expenses, "base": base},
    )
    self_mrp = t.d("social_tax.ip_general.self_mrp")
    per_mrp = t.d("social_tax.ip_general.per_employee_mrp")
    mrp = t.d("base.mrp")
    monthly = (self_mrp + per_mrp * employees) * mrp
    minus_so = bool(t.v("social_tax.ip_general.minus_so"))
    own_so = sum((r.lines["so"] for r in own), ZERO)
    yearly = whole_tenge(monthly) * MONTHS
    value = max(ZERO, yearly - own_so) if minus_so else yearly
    tail_ru = f" − СО за себя {format_amount(own_so)}, не ниже 0" if minus_so else ""
    tail_kk = f" − өзі үшін ӘА {format_amount(own_so)}, 0-ден кем емес" if minus_so else ""
    t.line(
        "social_tax",
        value,
        f"12 мес. × ({self_mrp} МРП за себя + {per_mrp} МРП × {employees} работн.) × {format_amount(mrp)}{tail_ru}",
        f"12 ай × (өзі үшін {self_mrp} АЕК + {per_mrp} АЕК × {employees} қызм.) × {format_amount(mrp)}{tail_kk}",
        {"employees": employees, "so": own_so if minus_so else None},
    )
    option.lines.update(t.lines)
    option.trace.extend(t.trace)
    _own_payments(option, own)
    _vat_reason(option, year, income, special=False)
    return option


def _vat_reason(option: RegimeOption, year: int, income: Decimal, *, special: bool) -> None:
    threshold = vat_threshold(year)
    if income < threshold:
        return
    can_register = parameters().value("vat.special_regime_can_register", dt.date(year, 1, 1))
    if special and not can_register:
        option.reasons.append(
            Reason(
                "vat_threshold_special",
                f"Оборот выше порога НДС {format_amount(threshold)}: на упрощёнке НДС не платят, но покупатели на "
                "ОУР не смогут взять ваш НДС в зачёт.",
                f"Айналым ҚҚС шегінен {format_amount(threshold)} жоғары: оңайлатылған режимде ҚҚС төленбейді, бірақ "
                "ЖБТ-дағы сатып алушылар оны есепке ала алмайды.",
            )
        )
        return
    option.reasons.append(
        Reason(
            "vat_registration_required",
            f"Оборот выше порога НДС {format_amount(threshold)}: обязательна постановка на учёт по НДС "
            "(НДС в сравнение не включён — он добавляется к цене).",
            f"Айналым ҚҚС шегінен {format_amount(threshold)} жоғары: ҚҚС бойынша есепке тұру міндетті "
            "(ҚҚС салыстыруға кірмейді — ол бағаға қосылады).",
        )
    )


# ----------------------------------------------------------------------------------------------------- restrictions


@dataclass(frozen=True, slots=True)
class ActivityRule:
    """An ОКЭД prefix a regime forbids (or names as allowed), with its years and source."""

    prefix: str
    name_ru: str
    name_kk: str
    reference: Reference
    since: int | None = None
    until: int | None = None

    def matches(self, code: str, year: int) -> bool:
        in_years = (self.since is None or year >= self.since) and (self.until is None or year <= self.until)
        return in_years and code.startswith(self.prefix)


@dataclass(frozen=True, slots=True)
class Restrictions:
    simplified_forbidden: tuple[ActivityRule, ...]
    self_employed_named: tuple[ActivityRule, ...]


def _rules(raw: Any) -> tuple[ActivityRule, ...]:
    out = []
    for item in raw or []:
        ref = item["reference"]
        out.append(
            ActivityRule(
                prefix=str(item["prefix"]),
                name_ru=str(item["name_ru"]),
                name_kk=str(item["name_kk"]),
                reference=Reference(str(ref["title"]), ref.get("href"), ref.get("article")),
                since=item.get("since"),
                until=item.get("until"),
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def restrictions() -> Restrictions:
    """The activity restrictions data, loaded once."""
    raw = read_yaml(RESTRICTIONS_FILE)
    return Restrictions(_rules(raw.get("simplified_forbidden")), _rules(raw.get("self_employed_named")))


def _match(code: str, rules: Sequence[ActivityRule], year: int) -> ActivityRule | None:
    return next((r for r in rules if r.matches(code, year)), None)


def render_comparison(comparison: RegimeComparison, lang: Lang = "ru") -> str:
    """A short side-by-side text for the chat and the CLI."""
    head = (
        f"Сравнение режимов на {comparison.year} год, доход {format_amount(comparison.income)}:"
        if lang == "ru"
        else f"{comparison.year} жылға режимдерді салыстыру, табыс {format_amount(comparison.income)}:"
    )
    out = [head]
    for option in comparison.options:
        mark = " ✓" if option.cheapest else ""
        status = "" if option.eligible else (" — не подходит" if lang == "ru" else " — сәйкес емес")
        out.append(f"• {option.name(lang)}: {format_amount(option.total)}{status}{mark}")
        for step in option.trace:
            if step.result:
                out.append(f"  {step.label(lang)}: {format_amount(step.result)}")
        out.extend(f"  – {r.text(lang)}" for r in option.reasons)
    return "\n".join(out)
