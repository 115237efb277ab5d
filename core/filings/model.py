"""The declaration model: who files (``Taxpayer``), what kind, and the engine's lines with the per-place breakdown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from core.identity import is_valid_iin_bin

ZERO = Decimal(0)


class FilingInputError(ValueError):
    """Bad input for a declaration (invalid ИИН, a name too long for the form, a period the template lacks…)."""


class DeclarationKind(StrEnum):
    """Вид декларации (radio group 1 of page 1)."""

    MAIN = "main"  # первоначальная — the first one after registration
    REGULAR = "regular"  # очередная
    ADDITIONAL = "additional"  # дополнительная — changes a submitted period


@dataclass(frozen=True, slots=True)
class Taxpayer:
    """The ИП: ИИН, name (ФИО), signatory (default: the ИП), residency, tax office codes (4 digits) if known."""

    iin: str
    name: str
    head_name: str | None = None
    resident: bool = True
    tax_office: str | None = None
    tax_office_residence: str | None = None

    def check(self, *, test_iins: frozenset[str] = frozenset()) -> None:
        """Raise ``FilingInputError`` for an ИИН that fails its check digit (unless a listed test ИИН)."""
        if not is_valid_iin_bin(self.iin) and self.iin not in test_iins:
            raise FilingInputError(f"invalid ИИН {self.iin!r}: 12 digits with a correct check digit expected")
        if not " ".join(self.name.split()):
            raise FilingInputError("the taxpayer's name is empty")
        for code in (self.tax_office, self.tax_office_residence):
            if code is not None and not (len(code) == 4 and code.isascii() and code.isdigit()):
                raise FilingInputError(f"tax office code must be 4 digits, got {code!r}")


@dataclass(frozen=True, slots=True)
class PlaceLine:
    """One place of activity (2026): income, payroll reduction, base, rate, tax — from ``core.calc.PlaceShare``."""

    place: str | None
    kato: str | None
    income: Decimal
    reduction: Decimal
    base: Decimal
    rate: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class Declaration910:
    """Form 910.00 for a half-year with the engine's full lines (``"910.00.001"`` → amount).

    For an additional declaration ``original`` is the submitted one and ``original_registration`` its registration
    number; the wire values are then the differences (mapping ``additional.values``).
    """

    year: int
    half: int
    taxpayer: Taxpayer
    lines: dict[str, Decimal]
    submit_date: dt.date
    places: tuple[PlaceLine, ...] = ()
    so_paid: Decimal = ZERO
    employees: int = 0
    kind: DeclarationKind = DeclarationKind.REGULAR
    original: Declaration910 | None = None
    original_registration: str | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def period(self) -> str:
        return f"{self.year:04d}-H{self.half}"
