"""The InvoiceV2 builder: unqualified children, dd.MM.yyyy, VAT by the dated rate, non-payer without ndsRate."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from integrations.esf import DocumentError, EsfDocument, build_invoice, check_invoice, compute_lines, totals
from integrations.esf.invoice import INVOICE_TAG
from tests.integrations.esf.documents import NON_VAT, VAT_2025, VAT_2026, document, xml_of


def _root(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


@pytest.mark.parametrize("raw", [NON_VAT, VAT_2025, VAT_2026], ids=["non-vat", "vat-2025", "vat-2026"])
def test_built_invoices_pass_the_sandbox_rules(raw: dict[str, object]) -> None:
    assert check_invoice(xml_of(raw)) == []


def test_root_and_unqualified_children() -> None:
    root = _root(xml_of(NON_VAT))
    assert root.tag == INVOICE_TAG
    assert root.nsmap == {"a": "abstractInvoice.esf", "v2": "v2.esf"}
    assert all(etree.QName(el).namespace is None for el in root.iter() if el is not root)
    assert [child.tag for child in root] == sorted(child.tag for child in root)  # alphabetical (JAXB)
    assert root.findtext("date") == "20.11.2026"
    assert root.findtext("turnoverDate") == "20.11.2026"
    assert root.findtext("invoiceType") == "ORDINARY_INVOICE"


def test_non_vat_payer_has_no_nds_rate_and_zero_vat() -> None:
    root = _root(xml_of(NON_VAT))
    products = root.findall("productSet/products/product")
    assert [p.find("ndsRate") for p in products] == [None, None]
    assert [p.findtext("ndsAmount") for p in products] == ["0", "0"]
    assert root.find("sellers/seller/certificateSeries") is None
    # 2.5 × 10 000.40 = 25 001.00; totals are the sums of the lines
    assert [p.findtext("priceWithoutTax") for p in products] == ["250000", "25001"]
    assert root.findtext("productSet/totalPriceWithTax") == "275001"


@pytest.mark.parametrize(("raw", "rate", "vat"), [(VAT_2025, "12", "1320"), (VAT_2026, "16", "1760")])
def test_vat_rate_comes_from_the_dated_parameter(raw: dict[str, object], rate: str, vat: str) -> None:
    root = _root(xml_of(raw))
    assert {p.findtext("ndsRate") for p in root.findall("productSet/products/product")} == {rate}
    assert root.findtext("productSet/totalNdsAmount") == vat
    assert root.findtext("sellers/seller/certificateSeries") == "60001"


def test_lines_round_half_up_to_whole_tenge() -> None:
    doc = document(VAT_2026, items=[{"description": "x", "quantity": "3", "price": "1999.99"}])
    (line,) = compute_lines(doc)
    assert line.price_without_tax == Decimal(6000)  # 5 999.97 → 6 000
    assert line.nds_amount == Decimal(960)
    assert totals([line]).price_with_tax == Decimal(6960)


def test_explicit_reduced_and_exempt_lines() -> None:
    doc = document(
        VAT_2026,
        items=[
            {"description": "лекарство", "quantity": 1, "price": 1000, "vat_rate": 5},
            {"description": "освобождено", "quantity": 1, "price": 1000, "vat_rate": "exempt"},
        ],
    )
    root = _root(build_invoice(doc))
    products = root.findall("productSet/products/product")
    assert [p.findtext("ndsRate") for p in products] == ["5", None]
    assert [p.findtext("ndsAmount") for p in products] == ["50", "0"]
    assert check_invoice(build_invoice(doc)) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"items": []}, "items"),
        ({"number": ""}, "number"),
        ({"date": "30.12.2025"}, "date"),
        ({"items": [{"description": "x", "quantity": 0, "price": 1}]}, "quantity"),
        ({"items": [{"description": "x", "quantity": 1, "price": "abc"}]}, "price"),
        ({"items": [{"description": "x", "quantity": 1, "price": 1, "vat_rate": 16}]}, "not a VAT payer"),
        ({"items": [{"description": "x", "quantity": 1, "price": 1, "unit": "шт"}]}, "unit"),
        ({"items": [{"description": "x", "quantity": "0.0000001", "price": 1}]}, "6 digits"),
        ({"seller": {"tin": "1", "name": "n", "address": "a", "vat_payer": True}}, "vat_certificate"),
    ],
)
def test_bad_documents_name_the_field(changes: dict[str, object], message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        build_invoice(document(NON_VAT, **changes))


def test_vat_rate_not_in_force_is_refused() -> None:
    doc = document(VAT_2025, items=[{"description": "x", "quantity": 1, "price": 1, "vat_rate": 16}])
    with pytest.raises(DocumentError, match="16 % is not a VAT rate on 2025-12-29"):
        build_invoice(doc)


def test_from_json_reads_decimals_from_text() -> None:
    doc = EsfDocument.from_json(
        '{"seller": {"tin": "900101300007", "name": "n", "address": "a"},'
        '"buyer": {"name": "b", "tin": "240140000120"}, "number": "7", "date": "2026-01-02",'
        '"items": [{"description": "d", "quantity": 1.1, "price": 0.1}]}'
    )
    assert doc.items[0].quantity == Decimal("1.1")
    assert doc.turnover_date == doc.date
    with pytest.raises(DocumentError, match="not JSON"):
        EsfDocument.from_json("{")
