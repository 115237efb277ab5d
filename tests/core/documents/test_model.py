"""Parsing the document JSON: every bad field named in one short message; VAT rate by date; content round trip."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.documents import DocumentInputError, from_mapping, totals, vat_rate
from core.documents.model import Document
from tests.core.documents.samples import document_data, vat_payer


def _with(path: str, value: Any) -> dict[str, Any]:
    data = document_data()
    *parents, last = path.split(".")
    target: Any = data
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    target[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("seller.bin_iin", "900101300008", "seller.bin_iin: not a valid БИН/ИИН"),
        ("seller.bin_iin", None, "seller.bin_iin: the БИН/ИИН is required"),
        ("buyer.bin_iin", "12345", "buyer.bin_iin: not a valid БИН/ИИН"),
        ("seller.iban", "KZ00125KZT5004100100", "seller.iban: not a valid IBAN"),
        ("seller.bic", "KC", "seller.bic: not a BIC"),
        ("seller.kbe", "9", "seller.kbe: two digits"),
        ("seller.vat_payer", "yes", "seller.vat_payer: true or false"),
        ("buyer.name", " ", "buyer.name: a non-empty string is required"),
        ("date", "01.12.2026", "date: not a date YYYY-MM-DD"),
        ("number", "", "number: a non-empty string is required"),
        ("knp", "85", "knp: three digits"),
        ("items", [], "items: at least one line item is required"),
        ("items.0.quantity", "0", "items[0].quantity: must be more than zero"),
        ("items.0.quantity", "abc", "items[0].quantity: a number is required"),
        ("items.0.price", "-1", "items[0].price: must not be negative"),
        ("items.0.price", "1.001", "items[0].price: at most two decimals"),
        ("items.0.price", 1.5, "items[0].price: a number is required"),  # a float would lose tiyn
        ("items.1.description", None, "items[1].description: a non-empty string is required"),
    ],
)
def test_bad_field_named(path: str, value: Any, message: str) -> None:
    with pytest.raises(DocumentInputError) as info:
        from_mapping(_with(path, value), kind="invoice")
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_kind_and_top_level() -> None:
    with pytest.raises(DocumentInputError, match="kind"):
        from_mapping(document_data(), kind=None)
    with pytest.raises(DocumentInputError, match="document: an object"):
        from_mapping([1], kind="act")
    assert from_mapping({**document_data(), "kind": "waybill"}, kind=None).kind == "waybill"


def test_iban_normalised_and_defaults() -> None:
    doc = from_mapping(_with("items.0.unit", None), kind="act")
    assert doc.seller.iban == "KZ86125KZT5004100100"
    assert doc.items[0].unit == "шт."
    assert doc.on_turnover == dt.date(2026, 12, 1)


def test_vat_rate_by_turnover_date() -> None:
    assert vat_rate(from_mapping(document_data(), kind="invoice")) is None
    for date, rate in (("2025-12-31", "0.12"), ("2026-01-01", "0.16")):
        source = vat_rate(from_mapping(vat_payer(document_data(date=date)), kind="invoice"))
        assert source is not None
        assert source.decimal() == Decimal(rate)
        assert source.reference.title  # explained by its reference
    late = from_mapping(vat_payer(document_data(date="2026-01-05", turnover_date="2025-12-30")), kind="invoice")
    assert totals(late).rate == Decimal("0.12")


def test_line_rounding_half_up_per_line() -> None:
    items = [
        {"description": "x", "unit": "шт.", "quantity": "1", "price": "3.12"},
        {"description": "y", "unit": "шт.", "quantity": "0.5", "price": "5"},
    ]
    data = vat_payer(document_data(items=items))
    sums = totals(from_mapping(data, kind="invoice"))
    # 3.12 → 3; 0.5 × 5 = 2.50 → 3 (half up); VAT 16 %: 0.48 → 0, 0.48 → 0
    assert [(x.amount, x.vat, x.gross) for x in sums.lines] == [(3, 0, 3), (3, 0, 3)]
    assert (sums.net, sums.vat, sums.gross) == (Decimal(6), Decimal(0), Decimal(6))


def test_content_round_trip() -> None:
    doc = from_mapping(vat_payer(document_data(corrects={"kind": "invoice", "number": "7", "date": "2026-11-01"})),
                       kind="invoice")  # fmt: skip
    content = doc.to_content()
    assert content["items"][1]["price"] == "1250.50"
    assert Document.from_content(content) == doc


def test_huge_line_refused() -> None:
    with pytest.raises(DocumentInputError, match=r"items\[0\]: the line amount is too large"):
        from_mapping(_with("items.0.price", "10000000000000"), kind="invoice")


@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10000), places=3),
            st.decimals(min_value=Decimal(0), max_value=Decimal(10_000_000), places=2),
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["2025-06-30", "2026-06-30"]),
)
def test_totals_add_up(lines: list[tuple[Decimal, Decimal]], date: str) -> None:
    items = [{"description": "x", "quantity": str(q), "price": str(p)} for q, p in lines]
    sums = totals(from_mapping(vat_payer(document_data(items=items, date=date)), kind="invoice"))
    rate = Decimal("0.12") if date.startswith("2025") else Decimal("0.16")
    assert sums.rate == rate
    for line, (q, p) in zip(sums.lines, lines, strict=True):
        assert line.amount == (q * p).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        assert line.vat == (line.amount * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        assert line.gross == line.amount + line.vat
    assert sums.gross == sums.net + (sums.vat or 0) == sum(line.gross for line in sums.lines)
