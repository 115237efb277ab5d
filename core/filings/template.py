"""The field table of form 910.00 (СОНО template v27 r133), derived from the official template into ``data/``.

The table is produced by ``core/filings/derive_template.py`` from ``form_910_00_v27_r133.xml`` + ``_loc.xml`` (source
noted in the file); this module only reads it. A field is identified by (sheet, name): header fields such as ``iin``
and ``period_year`` repeat on every sheet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")


@dataclass(frozen=True, slots=True)
class TemplateField:
    """One field of a template sheet: its type (numeric, text, checkbox, radio, date) and limits."""

    sheet: str
    name: str
    type: str
    length: int | None
    fixed_length: bool
    mandatory: bool
    min: int | None
    max: int | None
    fraction: int | None
    group: str | None
    label_ru: str
    rows: int


@dataclass(frozen=True, slots=True)
class TemplateSheet:
    name: str
    form: str
    fields: dict[str, TemplateField]


@dataclass(frozen=True, slots=True)
class FormTemplate:
    """A template version: code, version, revision, validity and its forms → sheets → fields."""

    code: str
    version: str
    revision: str
    start: str
    end: str
    forms: dict[str, tuple[str, ...]]
    sheets: dict[str, TemplateSheet]
    source: dict[str, str]

    @property
    def main_form(self) -> str:
        return next(iter(self.forms))

    def field(self, sheet: str, name: str) -> TemplateField | None:
        page = self.sheets.get(sheet)
        return page.fields.get(name) if page else None


def _field(sheet: str, name: str, raw: dict[str, Any]) -> TemplateField:
    return TemplateField(
        sheet=sheet,
        name=name,
        type=str(raw["type"]),
        length=raw["length"],
        fixed_length=bool(raw["fixed_length"]),
        mandatory=bool(raw["mandatory"]),
        min=raw["min"],
        max=raw["max"],
        fraction=raw["fraction"],
        group=raw["group"],
        label_ru=str(raw["label_ru"]),
        rows=int(raw["rows"]),
    )


@cache
def load_template(name: str = "form_910_00_v27_r133") -> FormTemplate:
    """Read ``data/<name>.fields.json`` (cached)."""
    raw = json.loads((DATA / f"{name}.fields.json").read_text(encoding="utf-8"))
    forms: dict[str, tuple[str, ...]] = {}
    sheets: dict[str, TemplateSheet] = {}
    for form in raw["forms"]:
        names = []
        for sheet in form["sheets"]:
            fields = {n: _field(sheet["name"], n, f) for n, f in sheet["fields"].items()}
            sheets[sheet["name"]] = TemplateSheet(sheet["name"], form["name"], fields)
            names.append(sheet["name"])
        forms[form["name"]] = tuple(names)
    meta = raw["template"]
    return FormTemplate(
        code=meta["code"],
        version=meta["version"],
        revision=meta["revisionNumber"],
        start=meta["startDate"],
        end=meta["endDate"],
        forms=forms,
        sheets=sheets,
        source=raw["source"],
    )
