"""A candidate entity span and the greedy resolution of overlapping candidates."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from nlu.types import Entity

# Which extractor wins when spans overlap: identifiers and forms are the most specific, counterparties the least.
PRIORITY: dict[str, int] = {
    "iin_bin": 0,
    "form": 1,
    "date": 2,
    "period": 3,
    "amount": 4,
    "tax_type": 5,
    "document_type": 5,
    "language": 6,
    "counterparty": 7,
}


@dataclass(frozen=True, slots=True)
class Span:
    """A candidate entity; ``value`` already normalised; ``None`` value blocks the span without emitting it."""

    entity: str
    value: str | None
    start: int
    end: int
    extractor: str

    def as_entity(self) -> Entity:
        assert self.value is not None
        return Entity(entity=self.entity, value=self.value, start=self.start, end=self.end, extractor=self.extractor)


def resolve(spans: list[Span]) -> list[Entity]:
    """Keep non-overlapping spans: higher priority first, then longer; output in text order."""
    chosen: list[Span] = []
    taken = bytearray()
    for span in sorted(spans, key=lambda s: (PRIORITY.get(s.entity, 9), s.start - s.end, s.start)):
        if len(taken) < span.end:
            taken.extend(b"\0" * (span.end - len(taken)))
        if any(taken[span.start : span.end]):
            continue
        taken[span.start : span.end] = b"\1" * (span.end - span.start)
        chosen.append(span)
    return [s.as_entity() for s in sorted(chosen, key=lambda s: s.start) if s.value is not None]


def decimal_string(value: Decimal) -> str:
    """A plain decimal string: no exponent, no trailing zeros after the point (``1500000``, ``150.5``)."""
    if value == value.to_integral_value():
        return str(int(value))
    text = format(value.normalize(), "f")
    return text
