"""``check_910(xml)``: format, template fields, mandatory fields and the recomputed tax lines of a 910.00 XML.

Every problem is an ``Issue`` (code, Russian message, where); an empty list means the document passes. The
signature (``ds:Signature``) is ignored here — the tax cabinet verifies it apart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from lxml import etree

from core.calc import CalcInputError, CalcResult, declaration_910
from core.filings.f910 import uses_place_breakdown
from core.filings.mapping import Mapping910, mapping_910
from core.filings.template import TemplateField
from core.identity import is_valid_iin_bin

DS = "http://www.w3.org/2000/09/xmldsig#"
ZERO = Decimal(0)
_NUMBER = re.compile(r"^(-?)(\d+)(?:\.(\d+))?$")


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem: ``code`` (stable, machine-readable), ``message`` (ru), the sheet and field when known."""

    code: str
    message: str
    sheet: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = ".".join(p for p in (self.sheet, self.field) if p)
        return f"{self.code}: {where + ': ' if where else ''}{self.message}"


@dataclass(frozen=True, slots=True)
class PlaceRow:
    place: str | None
    income: Decimal
    reduction: Decimal
    base: Decimal
    rate: Decimal
    tax: Decimal


@dataclass
class Parsed910:
    """The fields of a parsed ``<fno>`` by (sheet, name), the sheets present, and the asistent extension."""

    values: dict[tuple[str, str], str] = field(default_factory=dict)
    sheets: list[str] = field(default_factory=list)
    places: list[PlaceRow] = field(default_factory=list)
    has_extension: bool = False
    original: str | None = None

    def text(self, name: str, sheet: str | None = None) -> str | None:
        return self.values.get((sheet or mapping_910().main_sheet, name))

    def amount(self, name: str, sheet: str | None = None) -> Decimal | None:
        raw = self.text(name, sheet)
        match = _NUMBER.match(raw or "")
        return Decimal(raw) if raw and match else None

    @property
    def iin(self) -> str | None:
        return self.text("iin")

    @property
    def year(self) -> int | None:
        raw = self.text("period_year")
        return int(raw) if raw and raw.isdigit() else None

    @property
    def half(self) -> int | None:
        raw = self.text("period_half_year")
        return int(raw) if raw and raw.isdigit() else None

    def kind(self) -> str | None:
        """The declaration kind key of the mapping (``regular``, ``additional``…) whose radio is set."""
        m = mapping_910()
        chosen = [k for k, f in m.kinds.items() if k != "final" and self.text(f) == m.checkbox_true]
        return chosen[0] if len(chosen) == 1 else None


def _parse_xml(xml: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(xml, parser)


def _decimal(raw: str | None) -> Decimal:
    try:
        return Decimal(raw or "")
    except ArithmeticError:
        raise ValueError(f"not a number: {raw!r}") from None


def _read_extension(el: etree._Element, m: Mapping910, out: Parsed910, issues: list[Issue]) -> None:
    out.has_extension = True
    out.original = el.get("original") or None
    for row in el:
        if not isinstance(row.tag, str) or etree.QName(row).localname != "place":
            continue
        try:
            out.places.append(
                PlaceRow(
                    row.get("id") or None,
                    *(_decimal(row.get(a)) for a in ("income", "reduction", "base", "rate", "tax")),
                )
            )
        except ValueError as exc:
            issues.append(Issue("extension", f"строка места деятельности: {exc}"))


def parse_910(xml: bytes) -> tuple[Parsed910 | None, list[Issue]]:
    """Parse the document's structure; unknown forms, sheets and fields are issues, the rest is collected."""
    m = mapping_910()
    try:
        root = _parse_xml(xml)
    except etree.XMLSyntaxError as exc:
        return None, [Issue("format", f"это не XML: {str(exc).splitlines()[0]}")]
    issues: list[Issue] = []
    if root.tag != "fno":
        return None, [Issue("format", f"корневой элемент должен быть <fno>, а не <{root.tag}>")]
    for key, value in m.attributes.items():
        if root.get(key) != value:
            issues.append(Issue("format", f"атрибут {key} должен быть {value!r}, а не {root.get(key)!r}"))
    out = Parsed910()
    for child in root:
        if not isinstance(child.tag, str):
            continue
        qname = etree.QName(child)
        if qname.namespace == DS:
            continue
        if qname.namespace == m.namespace and qname.localname == m.element:
            _read_extension(child, m, out, issues)
        elif child.tag == "form":
            _read_form(child, m, out, issues)
        else:
            issues.append(Issue("format", f"лишний элемент <{child.tag}>"))
    return out, issues


def _read_form(form: etree._Element, m: Mapping910, out: Parsed910, issues: list[Issue]) -> None:
    name = form.get("name") or ""
    if name not in m.template.forms:
        issues.append(Issue("unknown_form", f"в шаблоне нет формы {name!r}"))
        return
    for sheet in form.iterfind("sheetGroup/sheet"):
        page = sheet.get("name") or ""
        if page not in m.template.forms[name]:
            issues.append(Issue("unknown_sheet", f"в форме {name} нет листа {page!r}"))
            continue
        if page in out.sheets:
            issues.append(Issue("duplicate_sheet", "лист повторяется", page))
            continue
        out.sheets.append(page)
        for other in sheet:
            if isinstance(other.tag, str) and other.tag != "field":
                issues.append(Issue("format", f"лишний элемент <{other.tag}> в листе", page))
        for el in sheet.iterfind("field"):
            fname = el.get("name") or ""
            if m.template.field(page, fname) is None:
                issues.append(Issue("unknown_field", "такого поля нет в шаблоне", page, fname))
            elif (page, fname) in out.values:
                issues.append(Issue("duplicate_field", "поле повторяется", page, fname))
            else:
                out.values[page, fname] = (el.text or "").strip()


def _value_issues(spec: TemplateField, text: str, m: Mapping910, additional: bool) -> Iterator[str]:
    if spec.type == "numeric":
        match = _NUMBER.match(text)
        if not match or (match.group(3) and not spec.fraction):
            yield f"не число: {text!r}"
            return
        if match.group(1) and not additional:
            yield "отрицательное значение допускается только в дополнительной декларации"
        digits = len(match.group(2))
        if spec.length is not None and (digits != spec.length if spec.fixed_length else digits > spec.length):
            yield f"длина {digits} знаков, шаблон: {'ровно' if spec.fixed_length else 'не больше'} {spec.length}"
        number = Decimal(text)
        if (spec.min is not None and number < spec.min) or (spec.max is not None and number > spec.max):
            yield f"значение {text} вне пределов {spec.min}–{spec.max}"
    elif spec.type == "text":
        if spec.length is not None and (len(text) != spec.length if spec.fixed_length else len(text) > spec.length):
            yield f"длина {len(text)} знаков, шаблон: {'ровно' if spec.fixed_length else 'не больше'} {spec.length}"
    elif spec.type in ("checkbox", "radio"):
        if text not in (m.checkbox_true, "false"):
            yield f"флажок должен быть {m.checkbox_true!r} или 'false', а не {text!r}"
    elif spec.type == "date":
        try:
            dt.datetime.strptime(text, m.date_format)
        except ValueError:
            yield f"дата {text!r} не в формате ДД.ММ.ГГГГ"


def _field_issues(parsed: Parsed910, m: Mapping910, allow_test_iin: bool) -> Iterator[Issue]:
    additional = parsed.kind() == "additional"
    for (sheet, name), text in parsed.values.items():
        spec = m.template.field(sheet, name)
        if spec is None or text == "":
            continue
        for problem in _value_issues(spec, text, m, additional):
            yield Issue("field_format", problem, sheet, name)
    for sheet in m.template.forms[m.template.main_form]:
        if sheet not in parsed.sheets:
            yield Issue("missing_sheet", "нет листа основной формы", sheet)
    for sheet in parsed.sheets:
        for name, spec in m.template.sheets[sheet].fields.items():
            needed = (spec.mandatory and name not in m.authority_fields) or name in m.required
            if needed and not parsed.values.get((sheet, name)):
                yield Issue("missing", f"обязательное поле не заполнено ({spec.label_ru[:60]})", sheet, name)
    yield from _header_issues(parsed, m, allow_test_iin)


def _header_issues(parsed: Parsed910, m: Mapping910, allow_test_iin: bool) -> Iterator[Issue]:
    iin = parsed.iin
    if iin and not is_valid_iin_bin(iin) and not (allow_test_iin and iin in m.test_iins):
        yield Issue("invalid_iin", "введённое значение не является ИИН", m.main_sheet, "iin")
    for name in m.repeated_header:
        first = parsed.text(name)
        for sheet in parsed.sheets:
            other = parsed.values.get((sheet, name))
            if other is not None and other != first:
                yield Issue("header_mismatch", f"отличается от первого листа ({other!r} ≠ {first!r})", sheet, name)
    groups: dict[str, list[str]] = {}
    for (sheet, name), text in parsed.values.items():
        spec = m.template.field(sheet, name)
        if spec and spec.type == "radio" and spec.group and text == m.checkbox_true:
            groups.setdefault(spec.group, []).append(name)
    if len(groups.get("1", [])) != 1:
        yield Issue("kind", "нужно отметить ровно один вид декларации", m.main_sheet)
    if len(groups.get("2", [])) > 1:
        yield Issue("resident", "отмечено и резидент, и нерезидент", m.main_sheet)


def check_910(xml: bytes, *, original: bytes | Parsed910 | None = None, allow_test_iin: bool = False) -> list[Issue]:
    """All problems of a 910.00 XML. ``original`` — the period's submitted state (its XML, or ``Parsed910`` with
    full values such as ``apply_additional`` gives) — lets an additional declaration's lines be recomputed;
    ``allow_test_iin`` accepts the NCA test ИИН (test mode only)."""
    parsed, issues = parse_910(xml)
    if parsed is None:
        return issues
    m = mapping_910()
    issues.extend(_field_issues(parsed, m, allow_test_iin))
    if any(i.code in ("field_format", "missing", "missing_sheet") for i in issues):
        return issues  # recomputing from malformed lines would only repeat the same problems
    base = None
    if parsed.kind() == "additional":
        if not parsed.original:
            issues.append(Issue("original", "в дополнительной декларации нет ссылки на первоначальную"))
            return issues
        if original is None:
            return issues  # the lines are differences: recomputable only against the original
        base, base_issues = parse_910(original) if isinstance(original, bytes) else (original, [])
        if base is None or base_issues:
            issues.append(Issue("original", "первоначальная декларация не читается"))
            return issues
    issues.extend(recompute(parsed, m, base))
    return issues


def _full(parsed: Parsed910, base: Parsed910 | None, m: Mapping910, name: str, sheet: str | None = None) -> Decimal:
    value = parsed.amount(name, sheet) or ZERO
    if base is not None and m.additional_values == "difference":
        value += base.amount(name, sheet) or ZERO
    return value


def recompute(parsed: Parsed910, m: Mapping910, base: Parsed910 | None = None) -> list[Issue]:
    """Recompute lines 001–009 with the tax engine and compare with the document (full values for additional)."""
    year, half = parsed.year, parsed.half
    if year is None or half is None or not m.covers(year, half):
        return [Issue("period", f"шаблон {m.template.code} v{m.template.version} не действует для {year}/{half}")]
    full = {key: _full(parsed, base, m, f) for key, f in m.lines.items()}
    so = m.inputs["so_paid"]
    staff = m.inputs["so_paid_employees"]
    so_paid = _full(parsed, base, m, so.field, so.sheet) + _full(parsed, base, m, staff.field, staff.sheet)
    employees = int(parsed.amount(m.inputs["employees"].field) or 0)
    try:
        if uses_place_breakdown(year, half):
            if not parsed.places:
                return [Issue("extension", "нет разбивки по местам деятельности — налог не пересчитать")]
            result = _by_places(year, half, parsed.places, full["910.00.001"], employees)
        else:
            result = declaration_910(
                year,
                half,
                income=full["910.00.001"],
                so_paid=so_paid,
                reduction=full["910.00.006"],
                employees=employees,
            )
    except (CalcInputError, ValueError) as exc:
        return [Issue("recompute", f"налог не пересчитывается: {exc}")]
    issues = [
        Issue("line_mismatch", f"в декларации {full[key]}, по расчёту {result.lines[key]}", m.main_sheet, f)
        for key, f in m.lines.items()
        if result.lines[key] != full[key]
    ]
    rows = parsed.places if uses_place_breakdown(year, half) else []
    for row, calc in zip(rows, result.extra["places"], strict=False):
        if row.rate != Decimal(calc["rate"]) or row.tax != calc["ipn"] or row.base != calc["base"]:
            issues.append(
                Issue(
                    "place_mismatch",
                    f"{row.place or 'место не указано'}: ставка {row.rate}, налог {row.tax}; "
                    f"по расчёту {calc['rate']}, {calc['ipn']}",
                )
            )
    return issues


def _by_places(year: int, half: int, rows: list[PlaceRow], income: Decimal, employees: int) -> CalcResult:
    reduction = sum((r.reduction for r in rows), ZERO)
    ids = [r.place for r in rows]
    if all(ids) and len(rows) > 1:
        places = {str(r.place): r.income for r in rows}
        return declaration_910(year, half, income=income, places=places, reduction=reduction, employees=employees)
    if len(rows) != 1:
        raise ValueError("несколько строк мест без кода места")
    row = rows[0]
    if row.place:
        return declaration_910(year, half, income=income, place=row.place, reduction=reduction, employees=employees)
    return declaration_910(year, half, income=income, rate=row.rate, reduction=reduction, employees=employees)


def apply_additional(base: Parsed910, additional: Parsed910) -> Parsed910:
    """The period's full values after an additional declaration: numeric lines summed when the wire carries
    differences, everything else (header, kind aside) and the place breakdown taken from the additional one."""
    m = mapping_910()
    values = dict(base.values)
    summed = set(m.lines.values()) | {m.inputs["so_paid"].field, m.inputs["so_paid_employees"].field}
    for key, text in additional.values.items():
        sheet, name = key
        if name in summed and m.additional_values == "difference":
            values[key] = str((base.amount(name, sheet) or ZERO) + (additional.amount(name, sheet) or ZERO))
        elif name not in m.kinds.values():
            values[key] = text
    places = additional.places or base.places
    return Parsed910(values, list(base.sheets), list(places), base.has_extension or additional.has_extension, None)
