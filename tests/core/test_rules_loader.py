import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from core.rules import ParameterError, parameters
from core.rules.loader import load_tree


def test_value_in_force_on_a_date() -> None:
    tree = parameters()
    assert tree.decimal("base.mrp", dt.date(2024, 6, 1)) == Decimal(3692)
    assert tree.decimal("base.mrp", dt.date(2025, 12, 31)) == Decimal(3932)
    assert tree.decimal("base.mrp", dt.date(2026, 1, 1)) == Decimal(4325)
    assert tree.at("base.mrp", dt.date(2026, 3, 1)).reference.title.startswith("Закон РК")


def test_before_first_value_is_an_error() -> None:
    with pytest.raises(ParameterError):
        parameters().at("base.mrp", dt.date(2019, 1, 1))


def test_unknown_path_is_an_error() -> None:
    with pytest.raises(ParameterError):
        parameters().get("no.such.parameter")


def test_decimals_are_read_from_text_not_float(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        "rate:\n  unit: /1\n  values:\n    2024-01-01:\n      value: 0.035\n      reference: {title: T, article: a}\n",
        encoding="utf-8",
    )
    assert load_tree(tmp_path).at("x.rate", dt.date(2024, 1, 1)).value == Decimal("0.035")


def test_value_without_reference_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("rate:\n  values:\n    2024-01-01:\n      value: 1\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="reference"):
        load_tree(tmp_path)


def test_duplicate_keys_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        "a:\n  values:\n    2024-01-01: {value: 1, reference: {title: T, article: a}}\n"
        "a:\n  values:\n    2024-01-01: {value: 2, reference: {title: T, article: a}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ParameterError, match="duplicate"):
        load_tree(tmp_path)
