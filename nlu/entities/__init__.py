"""Rule-based entity extraction: every extractor proposes spans; ``base.resolve`` keeps the non-overlapping best."""

from __future__ import annotations

import datetime as dt

from nlu.entities import amount, calendar, counterparty, identity, lexicon
from nlu.entities.base import Span, resolve
from nlu.text import normalise
from nlu.types import Entity

__all__ = ["extract_entities"]


def extract_entities(text: str, today: dt.date) -> list[Entity]:
    """All entities of ``text`` with offsets into ``text`` itself and normalised values."""
    low = normalise(text)
    spans: list[Span] = []
    spans.extend(identity.extract(low))
    spans.extend(lexicon.extract(text, low))
    spans.extend(calendar.extract(low, today))
    spans.extend(amount.extract(low))
    spans.extend(counterparty.extract(text))
    return resolve(spans)
