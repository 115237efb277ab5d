"""The places file: regions, cities, districts, rates only with a maslikhat decision."""

from __future__ import annotations

import datetime as dt

import pytest

from core.rules import parameters
from core.rules.places import UnknownPlaceError, get_place, places

KNOWN_2026 = {
    "astana": "0.03",
    "almaty": "0.03",
    "osakarovsky": "0.02",
    "tselinograd": "0.02",
    "tayynsha": "0.03",
    "oiyl": "0.02",
    "karasai": "0.02",
}
JAN_2026 = dt.date(2026, 1, 1)


def test_seventeen_regions_and_three_cities() -> None:
    kinds = [p.kind for p in places().values()]
    assert kinds.count("region") == 17
    assert {p.id for p in places().values() if p.kind == "city"} == {"astana", "almaty", "shymkent"}


def test_known_rates_and_nothing_else() -> None:
    with_rates = {p.id: str(p.rate_at(JAN_2026).value) for p in places().values() if p.rate_at(JAN_2026)}  # type: ignore[union-attr]
    assert with_rates == KNOWN_2026
    assert get_place("astana").rate_at(dt.date(2025, 12, 31)) is None


def test_rates_within_maslikhat_bounds_and_sourced() -> None:
    low = parameters().decimal("simplified.rate_min", JAN_2026)
    high = parameters().decimal("simplified.rate_max", JAN_2026)
    for place in places().values():
        for rate in place.rates:
            assert low <= rate.value <= high
            assert rate.reference.title
            assert rate.reference.href or rate.reference.article


def test_kato_codes_unique_and_districts_inside_their_region() -> None:
    all_places = list(places().values())
    assert len({p.kato for p in all_places}) == len(all_places)
    for place in all_places:
        if place.parent:
            assert place.kato[:2] == get_place(place.parent).kato[:2], place.id
        assert place.name_ru
        assert place.name_kk


def test_unknown_place() -> None:
    with pytest.raises(UnknownPlaceError):
        get_place("nowhere")
    assert get_place(" Astana ").id == "astana"
