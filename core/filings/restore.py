"""A declaration read back from its XML (signed or not) — e.g. the original an additional declaration corrects."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.filings.check import Parsed910, check_910, parse_910
from core.filings.f910 import NAME_FIELDS
from core.filings.mapping import mapping_910
from core.filings.model import ZERO, Declaration910, DeclarationKind, FilingInputError, PlaceLine, Taxpayer
from core.rules.places import get_place


def _places(parsed: Parsed910) -> tuple[PlaceLine, ...]:
    return tuple(
        PlaceLine(r.place, get_place(r.place).kato if r.place else None, r.income, r.reduction, r.base, r.rate, r.tax)
        for r in parsed.places
    )


def declaration_from_xml(xml: bytes, *, allow_test_iin: bool = False) -> Declaration910:
    """The ``Declaration910`` a regular (or first) 910.00 XML states; ``FilingInputError`` if it does not pass
    ``check_910`` or is itself an additional declaration (its lines are differences, not a period's state)."""
    issues = check_910(xml, allow_test_iin=allow_test_iin)
    parsed, _ = parse_910(xml)
    if issues or parsed is None:
        raise FilingInputError(f"the declaration does not pass its checks: {issues[0] if issues else 'unreadable'}")
    kind = parsed.kind()
    if kind not in (DeclarationKind.REGULAR.value, DeclarationKind.MAIN.value):
        raise FilingInputError("give the period's regular declaration, not an additional one")
    m = mapping_910()

    def amount(key: str) -> Decimal:
        spot = m.inputs[key]
        return parsed.amount(spot.field, spot.sheet) or ZERO

    def text(key: str) -> str | None:
        spot = m.inputs[key]
        return parsed.text(spot.field, spot.sheet)

    name = " ".join(p for p in (parsed.text(f) for f in NAME_FIELDS) if p)
    head = text("head_name")
    taxpayer = Taxpayer(
        iin=parsed.iin or "",
        name=name,
        head_name=head if head != name else None,  # the builder's default signatory is the ИП
        resident=parsed.text(m.resident_field) == m.checkbox_true,
        tax_office=text("tax_office"),
        tax_office_residence=text("tax_office_residence"),
    )
    return Declaration910(
        year=parsed.year or 0,
        half=parsed.half or 0,
        taxpayer=taxpayer,
        lines={key: parsed.amount(f) or ZERO for key, f in m.lines.items()},
        submit_date=dt.datetime.strptime(text("submit_date") or "", m.date_format).date(),
        places=_places(parsed),
        so_paid=amount("so_paid"),
        employees=int(amount("employees")),
        kind=DeclarationKind(kind),
    )
