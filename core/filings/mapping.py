"""The mapping of the tax engine's values onto the 910.00 template (``data/mapping_910.yaml``, documented there)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from core.filings.template import DATA, FormTemplate, load_template


@dataclass(frozen=True, slots=True)
class InputField:
    sheet: str
    field: str


@dataclass(frozen=True, slots=True)
class Mapping910:
    """Wire format, kinds, line → field map, inputs, the extension and the additional-declaration choice."""

    template: FormTemplate
    applies_from: dt.date
    applies_to: dt.date
    attributes: dict[str, str]
    checkbox_true: str
    date_format: str
    currency: str
    resident_field: str
    sheets: tuple[str, ...]
    repeated_header: tuple[str, ...]
    authority_fields: frozenset[str]
    required: tuple[str, ...]
    kinds: dict[str, str]
    lines: dict[str, str]
    inputs: dict[str, InputField]
    namespace: str
    element: str
    additional_values: str
    test_iins: frozenset[str]

    @property
    def main_sheet(self) -> str:
        return self.sheets[0]

    def covers(self, year: int, half: int) -> bool:
        """True when the template is in force for the half-year (by its first day)."""
        first = dt.date(year, 1 if half == 1 else 7, 1)
        return self.applies_from <= first <= self.applies_to


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@cache
def mapping_910() -> Mapping910:
    raw: dict[str, Any] = yaml.safe_load((DATA / "mapping_910.yaml").read_text(encoding="utf-8"))
    wire = raw["wire"]
    return Mapping910(
        template=load_template(raw["template"]),
        applies_from=_date(raw["applies"]["from"]),
        applies_to=_date(raw["applies"]["to"]),
        attributes={str(k): str(v) for k, v in wire["attributes"].items()},
        checkbox_true=str(wire["checkbox_true"]),
        date_format=str(wire["date_format"]),
        currency=str(wire["currency"]),
        resident_field=str(wire["resident_field"]),
        sheets=tuple(wire["sheets"]),
        repeated_header=tuple(wire["repeated_header"]),
        authority_fields=frozenset(raw["authority_fields"]),
        required=tuple(raw["required"]),
        kinds={str(k): str(v) for k, v in raw["kinds"].items()},
        lines={str(k): str(v) for k, v in raw["lines"].items()},
        inputs={str(k): InputField(str(v["sheet"]), str(v["field"])) for k, v in raw["inputs"].items()},
        namespace=str(raw["extension"]["namespace"]),
        element=str(raw["extension"]["element"]),
        additional_values=str(raw["additional"]["values"]),
        test_iins=frozenset(str(i) for i in raw["test_iins"]),
    )
