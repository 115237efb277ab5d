"""The parameter tree: every value sourced, contested items explicit, §11 figures present, no tax literal in code."""

from __future__ import annotations

import ast
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from core.rules import parameters

ROOT = Path(__file__).parents[2]
D = dt.date


def test_every_value_has_a_reference_and_confidence() -> None:
    tree = parameters()
    assert len(tree) > 100
    for parameter in tree:
        assert parameter.description, parameter.path
        for value in parameter.values:
            ref = value.reference
            assert ref.title, parameter.path
            assert ref.href or ref.article, parameter.path
            assert value.confidence in {"H", "M", "L"}, parameter.path
            if value.confidence == "L":
                assert value.verify or value.note or value.choice, f"{parameter.path}: L without a flag or note"


CONTESTED = [
    ("social.so.self_base_minus_opv", D(2025, 1, 1)),  # C1
    ("simplified.payroll_reduction.automatic", D(2026, 1, 1)),  # C2
    ("ipn.low_income_adjustment", D(2026, 1, 1)),  # C13
    ("simplified.employee_reduction.automatic", D(2025, 1, 1)),  # C15
    ("requisites.kbk.ipn_not_at_source", D(2026, 1, 1)),  # C17
    ("requisites.kbk.social_tax", D(2026, 1, 1)),  # C17
    ("social.opvr.rate", D(2024, 1, 1)),  # C16
    ("ipn.high_threshold_mrp_year", D(2026, 1, 1)),  # C12
]


@pytest.mark.parametrize(("path", "on"), CONTESTED)
def test_contested_items_say_which_choice_and_why(path: str, on: dt.date) -> None:
    value = parameters().at(path, on)
    assert value.choice, path
    assert value.verify, path


# kz-tax-rules §11 (machine-readable parameters): (path, year, value)
SECTION_11 = [
    ("base.mrp", 2024, "3692"), ("base.mrp", 2025, "3932"), ("base.mrp", 2026, "4325"), ("base.mzp", 2025, "85000"),
    ("social.opv.rate", 2026, "0.10"), ("social.opv.base_max_mzp", 2026, "50"),
    ("social.opvr.rate", 2024, "0.015"), ("social.opvr.rate", 2025, "0.025"), ("social.opvr.rate", 2026, "0.035"),
    ("social.so.rate", 2024, "0.035"), ("social.so.rate", 2025, "0.05"), ("social.so.base_max_mzp", 2026, "7"),
    ("social.vosms_employee.base_max_mzp", 2025, "10"), ("social.vosms_employee.base_max_mzp", 2026, "20"),
    ("social.oosms.rate", 2026, "0.03"), ("social.oosms.base_max_mzp", 2026, "40"),
    ("social.vosms_self.base_mzp", 2026, "1.4"), ("social.vosms_self.rate", 2026, "0.05"),
    ("ipn.deduction_mrp", 2024, "14"), ("ipn.deduction_mrp", 2026, "30"),
    ("ipn.deduction_annual_cap_mrp", 2026, "360"),
    ("ipn.low_income_threshold_mrp", 2024, "25"), ("ipn.high_rate", 2026, "0.15"),
    ("ipn.high_threshold_mrp_year", 2026, "8500"), ("ipn_ip_general.high_threshold_mrp_year", 2026, "230000"),
    ("social_tax.legal_entity.rate", 2024, "0.095"), ("social_tax.legal_entity.rate", 2025, "0.11"),
    ("social_tax.legal_entity.rate", 2026, "0.06"), ("social_tax.legal_entity.min_base_mrp", 2026, "14"),
    ("social_tax.ip_general.self_mrp", 2026, "2"), ("social_tax.ip_general.per_employee_mrp", 2026, "1"),
    ("simplified.rate", 2025, "0.03"), ("simplified.rate", 2026, "0.04"), ("simplified.rate_min", 2026, "0.02"),
    ("simplified.rate_max", 2026, "0.06"), ("simplified.limit_mrp", 2025, "24038"),
    ("simplified.limit_mrp_tis", 2025, "94086"), ("simplified.limit_mrp", 2026, "600000"),
    ("simplified.max_employees", 2025, "30"), ("simplified.payroll_reduction.from_mrp", 2026, "24000"),
    ("simplified.no_accounting_below_mrp", 2026, "135000"), ("simplified.employee_reduction.rate", 2024, "0.015"),
    ("self_employed.rate_total", 2026, "0.04"), ("self_employed.limit_mrp_month", 2026, "300"),
    ("vat.rate", 2025, "0.12"), ("vat.rate", 2026, "0.16"), ("vat.threshold_mrp", 2025, "20000"),
    ("vat.threshold_mrp", 2026, "10000"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "year", "expected"), SECTION_11)
def test_section_11_figures(path: str, year: int, expected: str) -> None:
    assert parameters().decimal(path, D(year, 6, 1)) == Decimal(expected)


def test_requisites_and_codes() -> None:
    tree, on = parameters(), D(2026, 3, 1)
    assert tree.value("requisites.treasury.bic", on) == "KKMFKZ2A"
    assert tree.value("requisites.treasury.iik", on) == "KZ24070105KSN0000000"
    assert tree.value("requisites.gov_corp.bin", on) == "160440007161"
    assert tree.value("requisites.gov_corp.iik_so", on) == "KZ67009SS00368609110"
    assert tree.at("requisites.gov_corp.iik_so", on).verify  # C18
    assert tree.value("requisites.knp.opvr", on) == "089"
    assert tree.value("requisites.kbk.ipn_not_at_source", on) == "101202"
    assert tree.value("social.opvr.born_on_or_after", on) == D(1975, 1, 1)


# Calendar arithmetic and the share format are not tax figures.
ALLOWED = {Decimal(v) for v in ("0", "1", "2", "6", "12", "100", "0.0001")}


def _numbers(tree: ast.AST) -> list[tuple[int, Decimal]]:
    found: list[tuple[int, Decimal]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
            found.append((node.lineno, Decimal(str(node.value))))
        is_decimal_call = isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Decimal"
        if is_decimal_call and node.args and isinstance(node.args[0], ast.Constant):  # type: ignore[attr-defined]
            raw = node.args[0].value  # type: ignore[attr-defined]
            if isinstance(raw, str):
                found.append((node.lineno, Decimal(raw)))
    return found


def test_no_tax_literal_in_calculators() -> None:
    offenders = []
    for file in sorted((ROOT / "core" / "calc").rglob("*.py")):
        for line, value in _numbers(ast.parse(file.read_text(encoding="utf-8"))):
            if value not in ALLOWED:
                offenders.append(f"{file.relative_to(ROOT)}:{line}: {value}")
    assert not offenders, "tax figures belong in core/rules/parameters:\n" + "\n".join(offenders)
