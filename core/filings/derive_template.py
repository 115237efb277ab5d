"""Derive the committed field table of form 910.00 from the official СОНО template (run by hand, not at runtime).

    tar xjf ../shared/reference/sono-910/form_910_00_v27_r133.tar.bz2 -C /tmp/f910
    .venv/bin/python -m core.filings.derive_template /tmp/f910 > core/filings/data/form_910_00_v27_r133.fields.json

Reads ``form_910_00_v27_r133.xml`` (forms, sheets, fields: type, length, fixed length, mandatory flag, min/max,
fraction digits, radio group) and ``_loc.xml`` (the Russian label of each field). A field repeated in a table
(appendix rows) is listed once with ``rows`` = how many times the sheet holds it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from lxml import etree

STEM = "form_910_00_v27_r133"
SOURCE = {
    "file": "form_910_00_v27_r133.tar.bz2 (form_910_00_v27_r133.xml, form_910_00_v27_r133_loc.xml)",
    "href": "https://kgd.gov.kz/sites/default/files/ftpdata/SONO/install/forms/910.00/20251230/form_910_00_v27_r133.tar.bz2",
    "copy": "../shared/reference/sono-910/ (hasabasa/robo-buh@c3c4dd4f604aabe4679a3ce213b8eaf20cb60584)",
    "derived_by": "core/filings/derive_template.py",
}
_TYPES = {
    "numericField": "numeric",
    "textField": "text",
    "checkbox": "checkbox",
    "tcheckbox": "checkbox",
    "radioButton": "radio",
    "dateField": "date",
}
_FORMS = ("mainForm", "attachmentForm")


def _parse(path: Path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    return etree.parse(str(path), parser).getroot()


def _labels(loc: etree._Element) -> dict[str, str]:
    rus = loc.find("rus")
    items = rus.iter("rusItem") if rus is not None else iter(())
    return {str(e.get("messageCode")): str(e.get("message") or "") for e in items}


def _int(value: str | None) -> int | None:
    return int(float(value)) if value not in (None, "") else None


def _field(e: etree._Element, labels: dict[str, str]) -> dict[str, Any]:
    validators = sorted({str(v.get("validatorTypeName")) for v in e.iter("validateDescriptor")})
    return {
        "type": _TYPES[str(e.tag)],
        "length": _int(e.get("length")),
        "fixed_length": e.get("isLengthFixed") == "true",
        "mandatory": e.get("isMandatory") == "true",
        "min": _int(e.get("min")),
        "max": _int(e.get("max")),
        "fraction": _int(e.get("fractionalPart")),
        "group": e.get("groupId"),
        "reference": e.get("referenceKey"),
        "validators": validators,
        "label_ru": " ".join(labels.get(str(e.get("labelCode")), "").split())[:160],
        "rows": 1,
    }


def derive(folder: Path) -> dict[str, Any]:
    root = _parse(folder / f"{STEM}.xml")
    labels = _labels(_parse(folder / f"{STEM}_loc.xml"))
    forms: list[dict[str, Any]] = []
    for form in root.iter(*_FORMS):
        sheets = []
        group = form.find("sheetGroup")
        for sheet in group.iter("sheet") if group is not None else ():
            fields: dict[str, dict[str, Any]] = {}
            for e in sheet.iter(*_TYPES):
                name = str(e.get("fieldName"))
                if name in fields:
                    fields[name]["rows"] += 1
                else:
                    fields[name] = _field(e, labels)
            sheets.append({"name": sheet.get("pageName"), "fields": dict(sorted(fields.items()))})
        forms.append({"name": form.get("formName"), "code": form.get("code"), "sheets": sheets})
    meta = {k: root.get(k) for k in ("code", "version", "revisionNumber", "startDate", "endDate", "docDesc")}
    return {"source": SOURCE, "template": meta, "forms": forms}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write("usage: python -m core.filings.derive_template UNPACKED_TEMPLATE_DIR\n")
        return 2
    folder = Path(argv[1])
    sys.stdout.write(json.dumps(derive(folder), ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
