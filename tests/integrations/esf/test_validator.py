"""The sandbox's ФЛК rules: real error codes for broken invoices."""

from __future__ import annotations

import datetime as dt

import pytest

from integrations.esf import CheckContext, EsfError, check_invoice
from tests.integrations.esf.documents import NON_VAT, SELLER_IP, TEST_IIN, VAT_2025, VAT_2026, add, edit, xml_of

P0 = "productSet/products/product"


def _codes(xml: bytes, context: CheckContext | None = None) -> set[tuple[str | None, str]]:
    return {(e.property, e.error_code) for e in check_invoice(xml, context)}


def test_product_sum_mismatch() -> None:
    xml = edit(xml_of(NON_VAT), f"{P0}/priceWithoutTax", "249000")
    codes = _codes(xml)
    assert ("productSet.products.product[0].priceWithoutTax", "INCORRECT_PRODUCT_SUM") in codes


def test_vat_amount_mismatch() -> None:
    xml = edit(xml_of(VAT_2026), f"{P0}/ndsAmount", "720")  # 12 % of 6 000 on a 2026 invoice at 16 %
    assert ("productSet.products.product[0].ndsAmount", "INCORRECT_PRODUCT_SUM") in _codes(xml)


def test_total_mismatch() -> None:
    xml = edit(xml_of(NON_VAT), "productSet/totalPriceWithTax", "275000")
    assert _codes(xml) == {("productSet.totalPriceWithTax", "INCORRECT_TOTAL_SUM")}


def test_nds_rate_for_not_nds_payer() -> None:
    xml = add(xml_of(NON_VAT), P0, "ndsRate", "16")
    assert ("productSet.products.product[0].ndsRate", "NDS_RATE_FOR_NOT_NDS_PAYER") in _codes(xml)


def test_nds_amount_for_not_nds_payer() -> None:
    xml = edit(xml_of(NON_VAT), f"{P0}/ndsAmount", "100")
    assert ("productSet.products.product[0].ndsAmount", "NDS_AMOUNT_FOR_NOT_NDS_PAYER") in _codes(xml)


def test_rate_not_in_force_on_the_turnover_date() -> None:
    xml = edit(xml_of(VAT_2025), f"{P0}/ndsRate", "16")
    assert ("productSet.products.product[0].ndsRate", "NDS_RATE_INCORRECT") in _codes(xml)


@pytest.mark.parametrize(
    ("path", "prop"),
    [
        ("num", "num"),
        ("date", "date"),
        ("turnoverDate", "turnoverDate"),
        ("sellers/seller/tin", "sellers.seller[0].tin"),
        ("sellers/seller/address", "sellers.seller[0].address"),
        ("customers/customer/tin", "customers.customer[0].tin"),
        (f"{P0}/description", "productSet.products.product[0].description"),
        ("productSet/currencyCode", "productSet.currencyCode"),
    ],
)
def test_missing_mandatory_fields(path: str, prop: str) -> None:
    assert (prop, "FIELD_IS_NULL") in _codes(edit(xml_of(NON_VAT), path, None))


def test_invalid_iin_bin() -> None:
    xml = edit(edit(xml_of(NON_VAT), "sellers/seller/tin", "900101300001"), "customers/customer/tin", "240140000121")
    codes = _codes(xml)
    assert ("sellers.seller[0].tin", "FIELD_INVALID") in codes
    assert ("customers.customer[0].tin", "INVALID_CUSTOMER_TIN") in codes


def test_test_identity_only_in_test_mode() -> None:
    xml = edit(xml_of(NON_VAT), "sellers/seller/tin", TEST_IIN)
    assert ("sellers.seller[0].tin", "FIELD_INVALID") in _codes(xml)
    assert _codes(xml, CheckContext(test_tins=frozenset({TEST_IIN}))) == set()


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("date", "2026-11-20", ("date", "FIELD_INVALID")),
        ("date", "31.02.2026", ("date", "FIELD_INVALID")),
        ("date", "19.11.2026", ("date", "WRONG_DATE")),  # before the turnover date
        ("num", "A-1", ("num", "FIELD_INVALID")),
        ("invoiceType", "SOMETHING", ("invoiceType", "FIELD_INVALID")),
        ("productSet/currencyCode", "kzt", ("productSet.currencyCode", "INVALID_CURRENCY_CODE")),
        (f"{P0}/quantity", "1.0000001", ("productSet.products.product[0].quantity", "FIELD_INVALID")),
        (f"{P0}/truOriginCode", "9", ("productSet.products.product[0].truOriginCode", "INVALID_ORIGIN_CODE")),
        (
            "customers/customer/countryCode",
            "KAZ",
            ("customers.customer[0].countryCode", "INVALID_CUSTOMER_COUNTRY_CODE"),
        ),
    ],
)
def test_formats(path: str, value: str, expected: tuple[str, str]) -> None:
    assert expected in _codes(edit(xml_of(NON_VAT), path, value))


def test_future_date_against_the_clock() -> None:
    xml = xml_of(NON_VAT)
    assert ("date", "WRONG_DATE") in _codes(xml, CheckContext(today=dt.date(2026, 11, 19)))
    assert _codes(xml, CheckContext(today=dt.date(2026, 11, 20))) == set()


def test_qualified_children_fail_the_schema() -> None:
    xml = xml_of(NON_VAT).replace(b"<date>", b"<v2:date>").replace(b"</date>", b"</v2:date>")
    (error,) = check_invoice(xml)
    assert error.error_code == "FLK_VALITATION_FAILED"
    assert "'{v2.esf}date'" in error.text
    assert "'{date}'" in error.text


def test_wrong_root_and_not_xml() -> None:
    assert check_invoice(b"<invoice/>")[0].error_code == "INVALID_INVOICE_VERSION"
    assert check_invoice(b"not xml")[0].error_code == "WRONG_XML_FORMAT"


def test_vat_certificate_half_given() -> None:
    xml = edit(xml_of(VAT_2026), "sellers/seller/certificateNum", None)
    assert ("sellers.seller[0].certificateNum", "NDS_CERTIFICATE_NUM_IS_EMPTY") in _codes(xml)


def test_state_checks_session_tin_and_duplicates() -> None:
    seen = {(SELLER_IP, "1", "20.11.2026")}
    context = CheckContext(session_tin="240140000120", is_registered=lambda tin, num, day: (tin, num, day) in seen)
    codes = _codes(xml_of(NON_VAT), context)
    assert codes == {
        ("sellers.seller[0].tin", "SELLER_TIN_NOT_EQUALS_WITH_TIN_IN_SESSION"),
        ("num", "NOT_UNIQUE_NUMBER_AND_DATE"),
    }


def test_error_json_shape() -> None:
    assert EsfError("num", "FIELD_IS_NULL", "t").as_json() == {
        "property": "num",
        "errorCode": "FIELD_IS_NULL",
        "text": "t",
    }
