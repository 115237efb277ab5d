"""Every validation error is caught with its code and answered in Russian and Kazakh."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from core.payments import (
    InvalidOrderError,
    PaymentKind,
    PaymentOrder,
    Person,
    ensure_valid,
    is_valid_bic,
    is_valid_kz_iban,
    platform_fee_order,
    validate,
)
from core.payments.validate import check_requisites
from tests.core.payments.conftest import ON, PAYER

TREASURY_IIK = "KZ24070105KSN0000000"
PENSION_IIK = "KZ12009NPS0413609816"


def _codes(order: PaymentOrder) -> set[str]:
    return {e.code for e in validate(order)}


def _by_kind(orders: list[PaymentOrder], kind: PaymentKind) -> PaymentOrder:
    return next(o for o in orders if o.kind is kind)


@pytest.mark.parametrize(
    "value",
    ["KZ24070105KSN0000000", "KZ12009NPS0413609816", "KZ67009SS00368609110", "KZ92009MEDS368609103",
     "KZ33125KZT1001313313", "KZ18722S000012345678", "KZ31601A000000000001", "KZ16896KZT0000000001"],
)  # fmt: skip
def test_iban_vectors_valid(value: str) -> None:
    assert is_valid_kz_iban(value)


@pytest.mark.parametrize("value", ["KZ19722S000012345678", "KZ18722S00001234567", "DE89370400440532013000", ""])
def test_iban_vectors_invalid(value: str) -> None:
    assert not is_valid_kz_iban(value)


def test_bic_vectors() -> None:
    assert is_valid_bic("CASPKZKA")
    assert is_valid_bic("KKMFKZ2A")
    assert not is_valid_bic("INEARUMM")
    assert not is_valid_bic("caspkzka")
    assert not is_valid_bic("CASPKZK")


def test_good_orders_have_no_errors(staff_orders: list[PaymentOrder]) -> None:
    assert all(validate(o) == [] for o in staff_orders)
    assert ensure_valid(staff_orders[0]) is staff_orders[0]


CASES = [
    ("payer_iban", lambda o: replace(o, payer=replace(o.payer, iban="KZ19722S000012345678")), "iban_invalid"),
    ("ben_iban", lambda o: replace(o, beneficiary=replace(o.beneficiary, iban="KZ00")), "iban_invalid"),
    ("payer_bic", lambda o: replace(o, payer=replace(o.payer, bic="CASPRU2A")), "bic_invalid"),
    ("ben_bic", lambda o: replace(o, beneficiary=replace(o.beneficiary, bic="GCVP")), "bic_invalid"),
    ("payer_iban_bic", lambda o: replace(o, payer=replace(o.payer, bic="HSBKKZKX")), "iban_bic_mismatch"),
    ("ben_iban_bic", lambda o: replace(o, beneficiary=replace(o.beneficiary, bic="KKMFKZ2A")), "iban_bic_mismatch"),
    ("payer_iin", lambda o: replace(o, payer=replace(o.payer, idn="900101300001")), "iin_invalid"),
    ("test_iin", lambda o: replace(o, payer=replace(o.payer, idn="123456789012")), "iin_invalid"),
    ("ben_bin", lambda o: replace(o, beneficiary=replace(o.beneficiary, idn="123456789021")), "bin_invalid"),
    ("kbe", lambda o: replace(o, beneficiary=replace(o.beneficiary, code="1")), "kbe_invalid"),
    ("knp_format", lambda o: replace(o, knp="10"), "knp_invalid"),
    ("kbk_on_social", lambda o: replace(o, kbk="901101"), "kbk_unexpected"),
    ("kbk_format", lambda o: replace(o, kbk="90110"), "kbk_invalid"),
    ("social_wrong_iik", lambda o: replace(o, beneficiary=replace(o.beneficiary, iban=TREASURY_IIK)),
     "beneficiary_mismatch"),
    ("social_knp_to_tax_kind", lambda o: replace(o, knp="999"), "knp_mismatch"),
    ("no_persons", lambda o: replace(o, persons=()), "persons_missing"),
    ("person_iin", lambda o: replace(o, persons=(replace(o.persons[0], iin="900101300001"),)), "person_iin_invalid"),
    ("persons_sum", lambda o: replace(o, persons=(replace(o.persons[0], amount=Decimal(1)),)), "persons_sum_mismatch"),
    ("zero", lambda o: replace(o, amount=Decimal(0)), "amount_not_positive"),
    ("negative", lambda o: replace(o, amount=Decimal(-5)), "amount_not_positive"),
    ("tiyn", lambda o: replace(o, amount=Decimal("30000.5")), "amount_not_whole"),
    ("mismatch", lambda o: replace(o, amount=o.amount + 1), "amount_mismatch"),
    ("no_calculation", lambda o: replace(o, calculated=None), "amount_mismatch"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "change", "code"), CASES, ids=[c[0] for c in CASES])
def test_social_order_errors(own_orders: list[PaymentOrder], name: str, change: object, code: str) -> None:
    order = change(_by_kind(own_orders, PaymentKind.OPV))  # type: ignore[operator]
    errors = validate(order)
    assert code in {e.code for e in errors}, name
    for error in errors:
        assert error.text_ru
        assert error.text_kk
        assert error.text_ru != error.text_kk
        assert error.field
    with pytest.raises(InvalidOrderError) as err:
        ensure_valid(order)
    assert code in {e.code for e in err.value.errors}


def test_tax_without_kbk(staff_orders: list[PaymentOrder]) -> None:
    ipn = _by_kind(staff_orders, PaymentKind.IPN_WITHHELD)
    assert _codes(replace(ipn, kbk=None)) == {"kbk_missing"}


def test_tax_to_a_non_treasury_account(staff_orders: list[PaymentOrder]) -> None:
    ipn = _by_kind(staff_orders, PaymentKind.IPN_WITHHELD)
    moved = replace(ipn, beneficiary=replace(ipn.beneficiary, iban=PENSION_IIK))
    assert _codes(moved) == {"beneficiary_not_treasury", "iban_bic_mismatch"}


def test_social_knp_with_tax_kbk_is_a_mismatch(staff_orders: list[PaymentOrder]) -> None:
    ipn = _by_kind(staff_orders, PaymentKind.IPN_WITHHELD)
    assert "beneficiary_mismatch" in _codes(replace(ipn, knp="010"))  # a tax sent as ОПВ: wrong beneficiary, KBK
    assert "kbk_unexpected" in _codes(replace(ipn, knp="010"))


def test_tax_knp_on_a_social_order_needs_kbk_and_treasury(own_orders: list[PaymentOrder]) -> None:
    opv = _by_kind(own_orders, PaymentKind.OPV)
    assert {"kbk_missing", "beneficiary_not_treasury"} <= _codes(replace(opv, knp="911"))


def test_kbk_on_a_commercial_order(own_orders: list[PaymentOrder]) -> None:
    fee = platform_fee_order(PAYER, "2026-10", on=ON, number=1, fee=2000)
    assert _codes(replace(fee, kbk="101202")) == {"kbk_unexpected"}


def test_bank_side_checks_skip_the_calculation(own_orders: list[PaymentOrder]) -> None:
    order = replace(own_orders[0], calculated=None)
    assert check_requisites(order) == []
    assert {e.code for e in validate(order)} == {"amount_mismatch"}


def test_error_json_and_language(own_orders: list[PaymentOrder]) -> None:
    order = replace(own_orders[0], amount=Decimal(0))
    error = next(e for e in validate(order) if e.code == "amount_not_positive")
    assert error.to_json("kk") == {"code": "amount_not_positive", "field": "amount", "text": error.text_kk}
    assert "нөлден" in error.text("kk")
    assert "больше нуля" in error.text("ru")


def test_person_helper_splits_names() -> None:
    p = Person.named("900101300007", "Иванов Иван", dt.date(1990, 1, 1), "2026-10", Decimal(1))
    assert (p.last_name, p.first_name, p.middle_name, p.full_name) == ("Иванов", "Иван", "", "Иванов Иван")


def test_value_date_before_the_rules(own_orders: list[PaymentOrder]) -> None:
    order = replace(own_orders[0], value_date=dt.date(2020, 1, 1))
    assert [e.code for e in check_requisites(order)] == ["value_date_unsupported"]
