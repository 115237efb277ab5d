"""Places of activity (места осуществления деятельности) with their maslikhat rates for the 2026 simplified regime.

``places.yaml`` lists regions, cities of republican significance and districts (КАТО code, names ru/kk, a short id).
A place may carry dated rates, each with the maslikhat decision as its reference. Resolving the rate to use (a known
decision or the base ``simplified.rate`` with a warning) is the calculator's job (``core.calc.simplified``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.rules.loader import ParameterError, Reference, read_yaml

PLACES_FILE = Path(__file__).with_name("places.yaml")
KINDS = frozenset({"region", "city", "district", "town"})


class UnknownPlaceError(ValueError):
    """A place identifier that is not in ``places.yaml`` (bad input)."""

    def __init__(self, place_id: str) -> None:
        super().__init__(f"unknown place {place_id!r}")
        self.place_id = place_id


@dataclass(frozen=True, slots=True)
class PlaceRate:
    """A maslikhat rate in force from ``since``, with its decision as the reference."""

    value: Decimal
    since: dt.date
    reference: Reference
    confidence: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """A region, city or district (КАТО code, names, id) and its known maslikhat rates, oldest first."""

    id: str
    kato: str
    kind: str
    name_ru: str
    name_kk: str
    parent: str | None = None
    rates: tuple[PlaceRate, ...] = ()

    def name(self, lang: str) -> str:
        """The name in ``lang`` ("ru" or "kk")."""
        return self.name_kk if lang == "kk" else self.name_ru

    def rate_at(self, on: dt.date) -> PlaceRate | None:
        """The maslikhat rate in force on ``on``, or ``None`` when no decision is known."""
        found: PlaceRate | None = None
        for rate in self.rates:
            if rate.since <= on:
                found = rate
        return found


def _reference(raw: Any, where: str) -> Reference:
    if not isinstance(raw, Mapping) or not raw.get("title") or not (raw.get("href") or raw.get("article")):
        raise ParameterError(f"{where}: a rate needs reference {{title, href or article}}")
    return Reference(title=str(raw["title"]), href=raw.get("href"), article=raw.get("article"))


def _rates(raw: Any, where: str) -> tuple[PlaceRate, ...]:
    out: list[PlaceRate] = []
    for since, item in sorted((raw or {}).items()):
        if not isinstance(since, dt.date) or not isinstance(item, Mapping):
            raise ParameterError(f"{where}: rates must be {{YYYY-MM-DD: {{value, reference}}}}")
        value = item.get("value")
        if not isinstance(value, Decimal):
            raise ParameterError(f"{where} {since}: rate must be a decimal share")
        out.append(
            PlaceRate(value, since, _reference(item.get("reference"), f"{where} {since}"), item.get("confidence"))
        )
    return tuple(out)


def _place(raw: Mapping[str, Any]) -> Place:
    place_id = str(raw["id"])
    kato = str(raw["kato"])
    if raw["kind"] not in KINDS or len(kato) != 9 or not kato.isdigit():
        raise ParameterError(f"place {place_id}: bad kind or КАТО code")
    return Place(
        id=place_id,
        kato=kato,
        kind=str(raw["kind"]),
        name_ru=str(raw["name_ru"]),
        name_kk=str(raw["name_kk"]),
        parent=raw.get("parent"),
        rates=_rates(raw.get("rates"), f"place {place_id}"),
    )


def load_places(path: Path = PLACES_FILE) -> dict[str, Place]:
    """Read and validate the places file (ids unique, parents listed)."""
    out: dict[str, Place] = {}
    for raw in read_yaml(path)["places"]:
        place = _place(raw)
        if place.id in out:
            raise ParameterError(f"duplicate place id {place.id!r}")
        out[place.id] = place
    for place in out.values():
        if place.parent is not None and place.parent not in out:
            raise ParameterError(f"place {place.id}: unknown parent {place.parent!r}")
    return out


@lru_cache(maxsize=1)
def places() -> Mapping[str, Place]:
    """All places by id, loaded once per process."""
    return load_places()


def get_place(place_id: str) -> Place:
    """The place with this id; raises ``UnknownPlaceError`` (bad input) when it is not listed."""
    try:
        return places()[place_id.strip().lower()]
    except KeyError:
        raise UnknownPlaceError(place_id) from None
