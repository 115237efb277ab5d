"""The taxpayer lookup (поиск налогоплательщика по ИИН, the state register of ИП): what a client of it returns.

The state answers "is this ИИН registered as an ИП, since when, at which tax office" — nothing else is needed to
confirm a registration. A person who is not an ИП is ``None``, never an error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol


class TaxpayerLookupError(Exception):
    """The lookup failed: ``code`` ``transport`` / ``server`` (retry later) or ``bad_request`` (a malformed ИИН)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class TaxpayerRecord:
    """An ИП in the register: ИИН, name, the registration (start) date, status and what was declared."""

    iin: str
    name: str
    registered_on: dt.date
    status: str = "active"  # active / suspended / closed
    tax_office: str = ""
    oked: tuple[str, ...] = field(default_factory=tuple)
    kato: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "iin": self.iin,
            "name": self.name,
            "registered_on": self.registered_on.isoformat(),
            "status": self.status,
            "tax_office": self.tax_office,
            "oked": list(self.oked),
            "kato": self.kato,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> TaxpayerRecord:
        return cls(
            iin=str(raw["iin"]),
            name=str(raw.get("name", "")),
            registered_on=dt.date.fromisoformat(str(raw["registered_on"])),
            status=str(raw.get("status", "active")),
            tax_office=str(raw.get("tax_office", "")),
            oked=tuple(str(c) for c in raw.get("oked", ())),
            kato=str(raw.get("kato", "")),
        )


class TaxpayerLookup(Protocol):
    """``find(iin)``: the ИП registered under this ИИН, or ``None``; ``TaxpayerLookupError`` when it cannot say."""

    async def find(self, iin: str) -> TaxpayerRecord | None: ...


def check_iin(iin: str) -> str:
    """Twelve digits, or ``TaxpayerLookupError("bad_request")`` — the lookup never sends anything else."""
    if len(iin) != 12 or not iin.isdigit():
        raise TaxpayerLookupError("bad_request", "ИИН — 12 цифр")
    return iin
