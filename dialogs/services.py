"""The dialogs' services bound to the product: NLU (``nlu``), the tax engine (``core.calc``), the calendar
(``core.calendar``), places (``core.rules.places``) and the consultation (``nlu.consult``).

``default_services()`` is what the app passes to the engine. The NLU falls back to the keyword router when the
model cannot be imported or built.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from dialogs.i18n import Lang
from dialogs.keyword_nlu import KeywordInterpreter
from dialogs.ports import (
    ConsultAnswer,
    Interpreter,
    ObligationDue,
    PlaceInfo,
    ProfileData,
    Services,
    TaxFigures,
    TaxLine,
)

log = logging.getLogger("asistent.dialogs")
SEARCH_SPREAD = 8.0  # keep place matches within this many points of the best one


def default_interpreter() -> Interpreter:
    """The NLU model (``nlu.get_interpreter``), or the keyword router when it is unavailable."""
    try:
        from nlu import get_interpreter

        return get_interpreter()
    except Exception:
        log.exception("NLU model unavailable; using the keyword router")
        return KeywordInterpreter()


class CoreCalendar:
    """``core.calendar.obligations`` in the dialogs' terms."""

    def obligations(self, profile: ProfileData, start: dt.date, end: dt.date) -> list[ObligationDue]:
        from core.calendar import TaxProfile, obligations

        if profile.regime is None:
            return []
        found = obligations(TaxProfile(profile.regime, profile.employees), start, end)
        return [ObligationDue(o.obligation, o.action, o.period, o.due) for o in found]


class CorePlaces:
    """Places of activity from ``core/rules/places.yaml``: fuzzy search by Russian or Kazakh name."""

    def _info(self, place_id: str, on: dt.date | None = None) -> PlaceInfo | None:
        from core.rules import parameters
        from core.rules.places import places

        place = places().get(place_id)
        if place is None:
            return None
        day = on or dt.date.today()
        known = place.rate_at(day)
        if known is not None:
            return PlaceInfo(place.id, place.name_ru, place.name_kk, known.value, False)
        base = parameters().decimal("simplified.rate", day)
        return PlaceInfo(place.id, place.name_ru, place.name_kk, base, True)

    def get(self, place_id: str) -> PlaceInfo | None:
        return self._info(place_id)

    def search(self, query: str, limit: int = 3) -> list[PlaceInfo]:
        from rapidfuzz import fuzz, process

        from core.rules.places import places

        needle = query.strip().lower().replace("ё", "е")
        choices: dict[str, str] = {}
        for place in places().values():
            for name in (place.name_ru, place.name_kk):
                choices[f"{place.id}|{name}"] = _bare(name)
        hits = process.extract(needle, choices, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=70)
        found: list[PlaceInfo] = []
        seen: set[str] = set()
        best = max((h[1] for h in hits), default=0.0)
        close = [h for h in hits if h[1] >= best - SEARCH_SPREAD]
        for _name, _score, key in sorted(close, key=lambda h: (-h[1], len(h[0]))):
            place_id = str(key).split("|", 1)[0]
            if place_id in seen:
                continue
            seen.add(place_id)
            info = self._info(place_id)
            if info is not None:
                found.append(info)
            if len(found) == limit:
                break
        return found


def _bare(name: str) -> str:
    """Lower case, without "г." / "қ." / "область" noise, so "астана" matches "г. Астана"."""
    text = name.lower().replace("ё", "е")
    for noise in ("г. ", " қ.", "г.а."):
        text = text.replace(noise, " ")
    return " ".join(text.split())


class CoreTaxes:
    """The calculators of ``core.calc`` for a profile."""

    def month(self, profile: ProfileData, year: int, month: int, income: Decimal) -> TaxFigures:
        from core.calc import self_employed, self_payments

        period = f"{year}-{month:02d}"
        if profile.regime == "self_employed":
            return _figures(self_employed(period, income), income)
        born = dt.date(profile.birth_year, 1, 1) if profile.birth_year else None
        if profile.iin and profile.birth_year:
            from core.identity import iin_birth_date

            exact = iin_birth_date(profile.iin)
            born = exact if exact and exact.year == profile.birth_year else born
        return _figures(self_payments(period, income, born=born), income)

    def half_year(
        self, profile: ProfileData, year: int, half: int, income: Decimal, prior_income: Decimal = Decimal(0)
    ) -> TaxFigures:
        from core.calc import declaration_910

        result = declaration_910(
            year, half, income=income, place=profile.place_id, employees=profile.employees, prior_income=prior_income
        )
        return _figures(result, income, skip_lines=("910.00.001",))

    def explain(self, figures: TaxFigures, lang: Lang) -> str:
        from core.calc import CalcResult, render_explanation

        if not isinstance(figures.raw, CalcResult):
            raise TypeError("figures without the engine's result")
        return render_explanation(figures.raw, lang)

    def regime_limit(self, profile: ProfileData, year: int) -> Decimal | None:
        from core.calc import simplified_limit

        if profile.regime != "simplified":
            return None
        try:
            limit, period = simplified_limit(year)
        except ValueError:
            return None
        return limit if period == "year" else limit * 2


def _figures(result: object, income: Decimal, skip_lines: tuple[str, ...] = ()) -> TaxFigures:
    from core.calc import CalcResult
    from core.calc.labels import label

    assert isinstance(result, CalcResult)
    lines = tuple(
        TaxLine(code, amount, *label(code)) for code, amount in result.lines.items() if code not in skip_lines
    )
    warnings = tuple((w.text_ru, w.text_kk) for w in result.warnings)
    return TaxFigures(lines=lines, total=result.total, base=income, raw=result, warnings=warnings)


class CoreConsultant:
    """``nlu.consult.ask`` with sources as one line each."""

    def ask(self, question: str, lang: Lang, today: dt.date) -> ConsultAnswer:
        from nlu.consult import ask

        answer = ask(question, lang=lang, today=today)
        sources: list[str] = []
        for source in answer.sources:
            where = source.get("href") or source.get("article") or ""
            line = f"{source.get('title', '')} — {where}".strip(" —")
            if line and line not in sources:
                sources.append(line)
        return ConsultAnswer(answer.answer, answer.article_id, tuple(sources), answer.confidence, answer.route)


def default_services() -> Services:
    """Every service bound to the product's modules."""
    return Services(
        interpreter=default_interpreter(),
        taxes=CoreTaxes(),
        places=CorePlaces(),
        calendar=CoreCalendar(),
        consultant=CoreConsultant(),
    )
