"""Build the ``InvoiceV2`` XML (ЭСФ) from an ``EsfDocument`` (shared/docs/integrations.md §1.8).

Rules kept here: the root is ``v2:invoice`` with the ``a``/``v2`` namespaces and **unqualified** children in
alphabetical order inside each complex type; dates are ``dd.MM.yyyy``; a non-VAT payer's lines carry no ``ndsRate``
and a zero ``ndsAmount``; each line is rounded half-up to whole tenge (``core.money``) and the totals are the sums of
the lines. The VAT rate of a VAT payer's line defaults to the standard rate in force on the turnover date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from core.money import ZERO, whole_tenge
from integrations.esf.document import EXEMPT, DocumentError, EsfDocument, Item
from integrations.esf.rates import allowed_vat_rates, standard_vat_rate

V2_NS = "v2.esf"
ABSTRACT_NS = "abstractInvoice.esf"
INVOICE_TAG = f"{{{V2_NS}}}invoice"
VERSION = "InvoiceV2"
_MAX_FRACTION = 6  # quantities and unit prices: at most 6 fraction digits (§1.8)


@dataclass(frozen=True, slots=True)
class Line:
    """One computed product line (G6…G14)."""

    item: Item
    price_without_tax: Decimal
    turnover_size: Decimal
    nds_rate: int | None
    nds_amount: Decimal
    price_with_tax: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    """The product-set totals: sums of the lines."""

    price_without_tax: Decimal
    turnover_size: Decimal
    nds_amount: Decimal
    price_with_tax: Decimal


def esf_date(day: dt.date) -> str:
    """``dd.MM.yyyy``."""
    return day.strftime("%d.%m.%Y")


def decimal_text(value: Decimal) -> str:
    """A plain decimal without exponent or trailing zeros (``100000``, ``1.5``)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _rate_of(item: Item, doc: EsfDocument, where: str) -> int | None:
    if not doc.seller.vat_payer:
        if item.vat_rate not in (None, EXEMPT):
            raise DocumentError(f"{where}.vat_rate: the seller is not a VAT payer, lines carry no VAT rate")
        return None
    if item.vat_rate == EXEMPT:
        return None
    if item.vat_rate is None:
        return standard_vat_rate(doc.turnover_date)
    assert isinstance(item.vat_rate, int)
    if item.vat_rate not in allowed_vat_rates(doc.turnover_date):
        allowed = ", ".join(str(r) for r in sorted(allowed_vat_rates(doc.turnover_date)))
        raise DocumentError(
            f"{where}.vat_rate: {item.vat_rate} % is not a VAT rate on {doc.turnover_date} ({allowed})"
        )
    return item.vat_rate


def _check_precision(item: Item, where: str) -> None:
    for name, value in (("quantity", item.quantity), ("price", item.price)):
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > _MAX_FRACTION:
            raise DocumentError(f"{where}.{name}: at most {_MAX_FRACTION} digits after the point")


def compute_lines(doc: EsfDocument) -> list[Line]:
    """Every line's amounts: without tax = quantity × price, VAT = turnover × rate, each rounded to whole tenge."""
    lines = []
    for index, item in enumerate(doc.items):
        where = f"items[{index}]"
        _check_precision(item, where)
        rate = _rate_of(item, doc, where)
        without_tax = whole_tenge(item.quantity * item.price)
        turnover = without_tax  # no excise for the goods and services of an ИП
        nds = whole_tenge(turnover * rate / 100) if rate else ZERO
        lines.append(Line(item, without_tax, turnover, rate, nds, turnover + nds))
    return lines


def totals(lines: list[Line]) -> Totals:
    """Sums over the lines."""
    return Totals(
        price_without_tax=sum((ln.price_without_tax for ln in lines), ZERO),
        turnover_size=sum((ln.turnover_size for ln in lines), ZERO),
        nds_amount=sum((ln.nds_amount for ln in lines), ZERO),
        price_with_tax=sum((ln.price_with_tax for ln in lines), ZERO),
    )


def _add(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, tag)
    if text is not None:
        child.text = text
    return child


def _customer(root: etree._Element, doc: EsfDocument) -> None:
    buyer = doc.buyer
    customer = _add(_add(root, "customers"), "customer")
    if buyer.address:
        _add(customer, "address", buyer.address)
    _add(customer, "countryCode", buyer.country_code)
    _add(customer, "name", buyer.name)
    if buyer.statuses:
        statuses = _add(customer, "statuses")
        for status in buyer.statuses:
            _add(statuses, "status", status)
    if buyer.tin:
        _add(customer, "tin", buyer.tin)


def _delivery_term(root: etree._Element, doc: EsfDocument) -> None:
    term = _add(root, "deliveryTerm")
    if doc.contract_date:
        _add(term, "contractDate", esf_date(doc.contract_date))
    if doc.contract_num:
        _add(term, "contractNum", doc.contract_num)
    _add(term, "hasContract", "true" if doc.contract_num else "false")


def _product(products: etree._Element, line: Line) -> None:
    item = line.item
    product = _add(products, "product")
    _add(product, "catalogTruId", item.catalog_tru_id)
    _add(product, "description", item.description)
    _add(product, "ndsAmount", decimal_text(line.nds_amount))
    if line.nds_rate is not None:
        _add(product, "ndsRate", str(line.nds_rate))
    _add(product, "priceWithTax", decimal_text(line.price_with_tax))
    _add(product, "priceWithoutTax", decimal_text(line.price_without_tax))
    _add(product, "quantity", decimal_text(item.quantity))
    _add(product, "truOriginCode", str(item.tru_origin_code))
    _add(product, "turnoverSize", decimal_text(line.turnover_size))
    if item.tnved_code:
        _add(product, "unitCode", item.tnved_code)
    _add(product, "unitNomenclature", item.unit)
    _add(product, "unitPrice", decimal_text(item.price))


def _product_set(root: etree._Element, lines: list[Line]) -> None:
    product_set = _add(root, "productSet")
    _add(product_set, "currencyCode", "KZT")
    products = _add(product_set, "products")
    for line in lines:
        _product(products, line)
    total = totals(lines)
    _add(product_set, "totalExciseAmount", "0")
    _add(product_set, "totalNdsAmount", decimal_text(total.nds_amount))
    _add(product_set, "totalPriceWithTax", decimal_text(total.price_with_tax))
    _add(product_set, "totalPriceWithoutTax", decimal_text(total.price_without_tax))
    _add(product_set, "totalTurnoverSize", decimal_text(total.turnover_size))


def _seller(root: etree._Element, doc: EsfDocument) -> None:
    s = doc.seller
    seller = _add(_add(root, "sellers"), "seller")
    _add(seller, "address", s.address)
    for tag, value in (
        ("bank", s.bank),
        ("bik", s.bik),
        ("certificateNum", s.vat_certificate_num),
        ("certificateSeries", s.vat_certificate_series),
        ("iik", s.iik),
        ("kbe", s.kbe),
    ):
        if value:
            _add(seller, tag, value)
    _add(seller, "name", s.name)
    _add(seller, "tin", s.tin)


def build_invoice_element(doc: EsfDocument) -> etree._Element:
    """The ``v2:invoice`` element of ``doc`` (``DocumentError`` when a line cannot be built)."""
    lines = compute_lines(doc)
    root = etree.Element(INVOICE_TAG, nsmap={"a": ABSTRACT_NS, "v2": V2_NS})
    if doc.add_inf:
        _add(root, "addInf", doc.add_inf)
    _customer(root, doc)
    _add(root, "date", esf_date(doc.date))
    if doc.delivery_doc_date:
        _add(root, "deliveryDocDate", esf_date(doc.delivery_doc_date))
    if doc.delivery_doc_num:
        _add(root, "deliveryDocNum", doc.delivery_doc_num)
    _delivery_term(root, doc)
    _add(root, "invoiceType", "ORDINARY_INVOICE")
    _add(root, "num", doc.number)
    if doc.operator_fullname:
        _add(root, "operatorFullname", doc.operator_fullname)
    _product_set(root, lines)
    _seller(root, doc)
    _add(root, "turnoverDate", esf_date(doc.turnover_date))
    return root


def build_invoice(doc: EsfDocument) -> bytes:
    """The ``InvoiceV2`` XML of ``doc`` as UTF-8 bytes (with an XML declaration)."""
    element = build_invoice_element(doc)
    return bytes(etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True))
