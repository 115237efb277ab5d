"""Form 910.00 as wire XML (``<fno>``, integrations.md §2.3) from the tax engine's result for a half-year.

    result = declaration_910(2026, 1, income=Decimal(12_000_000), place="astana")
    decl = declaration_from_result(result, Taxpayer(iin, "ИВАНОВ ИВАН"), submit_date=dt.date(2026, 8, 1))
    xml = build_910(decl)            # bytes, UTF-8, ready to sign (enveloped XMLDSig)
    assert check_910(xml) == []

Field names, lengths and mandatory fields come from the template's field table; the line/field mapping and every
wire-format guess from ``data/mapping_910.yaml`` (docs/filings.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from lxml import etree

from core.calc import CalcInputError, CalcResult, declaration_910
from core.filings.mapping import Mapping910, mapping_910
from core.filings.model import ZERO, Declaration910, DeclarationKind, FilingInputError, PlaceLine, Taxpayer
from core.rules import parameters
from core.rules.places import get_place

NAME_FIELDS = ("payer_name1", "payer_name2", "payer_name3")


def uses_place_breakdown(year: int, half: int) -> bool:
    """True for years whose rules tax each place at its own rate (2026: the breakdown goes in the extension)."""
    first = dt.date(year, 1 if half == 1 else 7, 1)
    return bool(parameters().value("simplified.maslikhat_adjustable", first))


def _place_line(raw: dict[str, Any]) -> PlaceLine:
    pid = raw["place"]
    return PlaceLine(
        place=pid,
        kato=get_place(pid).kato if pid else None,
        income=Decimal(raw["income"]),
        reduction=Decimal(raw["reduction"]),
        base=Decimal(raw["base"]),
        rate=Decimal(raw["rate"]),
        tax=Decimal(raw["ipn"]),
    )


def declaration_from_result(
    result: CalcResult,
    taxpayer: Taxpayer,
    *,
    submit_date: dt.date,
    employees: int = 0,
    kind: DeclarationKind = DeclarationKind.REGULAR,
    allow_test_iin: bool = False,
) -> Declaration910:
    """A declaration from ``core.calc.declaration_910``'s result; ``FilingInputError`` for bad input."""
    if result.kind != "910":
        raise FilingInputError(f"not a 910.00 calculation: {result.kind!r}")
    if kind is DeclarationKind.ADDITIONAL:
        raise FilingInputError("an additional declaration is made with additional_910(original, …)")
    m = mapping_910()
    year, half = int(result.extra["year"]), int(result.extra["half"])
    if not m.covers(year, half):
        raise FilingInputError(f"no 910.00 template covers {year} half {half} ({m.template.start}–{m.template.end})")
    taxpayer.check(test_iins=m.test_iins if allow_test_iin else frozenset())
    split_name(taxpayer.name, m)  # a name too long for the form is bad input now, not at build time
    if employees < 0:
        raise FilingInputError("employees must not be negative")
    return Declaration910(
        year=year,
        half=half,
        taxpayer=taxpayer,
        lines={k: result.lines[k] for k in m.lines},
        submit_date=submit_date,
        places=tuple(_place_line(p) for p in result.extra["places"]),
        so_paid=Decimal(result.extra["so_paid"]),
        employees=employees,
        kind=kind,
        warnings=tuple(w.code for w in result.warnings),
    )


def prepare_910(
    year: int,
    half: int,
    taxpayer: Taxpayer,
    *,
    submit_date: dt.date,
    income: Decimal | None = None,
    place: str | None = None,
    rate: Decimal | None = None,
    places: dict[str, Decimal] | None = None,
    so_paid: Decimal = ZERO,
    prior_income: Decimal = ZERO,
    employees: int = 0,
    reduction: Decimal = ZERO,
    kind: DeclarationKind = DeclarationKind.REGULAR,
    allow_test_iin: bool = False,
) -> Declaration910:
    """Run the tax engine and make the declaration (bad input of either → ``ValueError`` subclasses)."""
    result = declaration_910(
        year,
        half,
        income=income,
        place=place,
        rate=rate,
        places=places,
        so_paid=so_paid,
        prior_income=prior_income,
        employees=employees,
        reduction=reduction,
    )
    return declaration_from_result(
        result, taxpayer, submit_date=submit_date, employees=employees, kind=kind, allow_test_iin=allow_test_iin
    )


def split_name(name: str, m: Mapping910 | None = None) -> list[str]:
    """The name over the three comb lines of page 1 (27/35/36 characters), word by word."""
    m = m or mapping_910()
    specs = [m.template.field(m.main_sheet, f) for f in NAME_FIELDS]
    sizes = [(spec.length or 0) if spec else 0 for spec in specs]
    words, out = name.split(), [""] * len(sizes)
    index = 0
    for word in words:
        while index < len(sizes):
            candidate = f"{out[index]} {word}".strip()
            if len(candidate) <= sizes[index]:
                out[index] = candidate
                break
            index += 1
        else:
            raise FilingInputError(f"the name does not fit the form ({sum(sizes)} characters over three lines)")
    return [part for part in out if part] or [""]


def _wire_amounts(decl: Declaration910, m: Mapping910) -> tuple[dict[str, Decimal], Decimal]:
    """Line values and СО as sent: full values, or the differences for an additional declaration."""
    lines, so_paid = dict(decl.lines), decl.so_paid
    if decl.kind is DeclarationKind.ADDITIONAL and m.additional_values == "difference" and decl.original:
        lines = {k: v - decl.original.lines.get(k, ZERO) for k, v in lines.items()}
        so_paid -= decl.original.so_paid
    return lines, so_paid


def wire_fields(decl: Declaration910) -> dict[tuple[str, str], str]:
    """(sheet, field) → text of every field asistent fills, in form order."""
    m = mapping_910()
    header = {"iin": decl.taxpayer.iin, "period_year": str(decl.year), "period_half_year": str(decl.half)}
    out: dict[tuple[str, str], str] = {}
    for sheet in m.sheets:
        for name in m.repeated_header:
            out[sheet, name] = header[name]
    page1 = m.main_sheet
    for name, part in zip(NAME_FIELDS, split_name(decl.taxpayer.name, m), strict=False):
        out[page1, name] = part
    out[page1, "currency_code"] = m.currency
    out[page1, m.kinds[decl.kind.value]] = m.checkbox_true
    if decl.taxpayer.resident:
        out[page1, m.resident_field] = m.checkbox_true
    lines, so_paid = _wire_amounts(decl, m)
    for key, field in m.lines.items():
        out[page1, field] = str(int(lines[key]))
    if so_paid:
        so = m.inputs["so_paid"]
        out[so.sheet, so.field] = str(int(so_paid))
    optional = {
        "employees": str(decl.employees) if decl.employees else None,
        "tax_office": decl.taxpayer.tax_office,
        "tax_office_residence": decl.taxpayer.tax_office_residence,
        "head_name": " ".join((decl.taxpayer.head_name or decl.taxpayer.name).split()),
        "submit_date": decl.submit_date.strftime(m.date_format),
    }
    for key, value in optional.items():
        if value is not None:
            spot = m.inputs[key]
            out[spot.sheet, spot.field] = value
    return out


def _extension(root: etree._Element, decl: Declaration910, m: Mapping910) -> None:
    breakdown = uses_place_breakdown(decl.year, decl.half)
    if not breakdown and decl.kind is not DeclarationKind.ADDITIONAL:
        return
    ext = etree.SubElement(root, f"{{{m.namespace}}}{m.element}", nsmap={"asistent": m.namespace})
    ext.set("mapping", f"{m.template.code}.v{m.template.version}.{decl.year}")
    if decl.kind is DeclarationKind.ADDITIONAL:
        ext.set("original", decl.original_registration or "")
        ext.set("values", m.additional_values)
    if not breakdown:
        return
    for row in decl.places:
        el = etree.SubElement(ext, f"{{{m.namespace}}}place")
        if row.place:
            el.set("id", row.place)
        if row.kato:
            el.set("kato", row.kato)
        for attr in ("income", "reduction", "base", "tax"):
            el.set(attr, str(int(getattr(row, attr))))
        el.set("rate", str(row.rate))


def build_910(decl: Declaration910) -> bytes:
    """The ``<fno>`` document (UTF-8 bytes with an XML declaration), unsigned."""
    m = mapping_910()
    root = etree.Element("fno", {k: m.attributes[k] for k in ("code", "version", "formatVersion")})
    form = etree.SubElement(root, "form", name=m.template.main_form)
    group = etree.SubElement(form, "sheetGroup")
    sheets = {name: etree.SubElement(group, "sheet", name=name) for name in m.sheets}
    for (sheet, name), text in wire_fields(decl).items():
        if m.template.field(sheet, name) is None:
            raise FilingInputError(f"mapping names a field the template lacks: {sheet}.{name}")
        etree.SubElement(sheets[sheet], "field", name=name).text = text
    _extension(root, decl, m)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def submission_key(user_id: str, decl: Declaration910, attempt: int = 1) -> str:
    """A stable idempotency key for submitting ``decl``: the same user, period, kind, figures and ``attempt`` give the
    same key whatever the day it is rebuilt (the submission date is left out), so a retry never files twice. After a
    rejection (a wrong key, say) the flow counts ``attempt`` up: a reused key gets the old answer."""
    if attempt < 1:
        raise FilingInputError("attempt counts from 1")
    figures = sorted((k, str(v)) for k, v in decl.lines.items())
    places = [(p.place, str(p.income), str(p.reduction), str(p.rate)) for p in decl.places]
    content = repr((decl.taxpayer.iin, figures, str(decl.so_paid), places, decl.original_registration))
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:24]
    return f"910:{user_id}:{decl.period}:{decl.kind.value}:{digest}:{attempt}"


__all__ = [
    "CalcInputError",
    "build_910",
    "declaration_from_result",
    "prepare_910",
    "split_name",
    "submission_key",
    "uses_place_breakdown",
    "wire_fields",
]
