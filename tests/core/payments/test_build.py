"""Orders built from the tax engine's lines: amounts, requisites, persons, due dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calc import declaration_910, payment_requisites, self_payments
from core.calendar.deadlines import f910_deadlines, social_payments_due
from core.payments import (
    CardAccount,
    PaymentKind,
    PaymentOrder,
    PlatformSettings,
    UnknownTaxOfficeError,
    monthly_orders,
    own_transfer_order,
    platform_fee_order,
    tax_910_orders,
    tax_office,
    total,
    validate,
)
from core.rules import parameters
from core.settings import get_settings
from tests.core.payments.conftest import EMPLOYEE_IIN, ON, PAYER, employee

SOCIAL = ("opv", "opvr", "so", "vosms")


@pytest.mark.parametrize("month", range(1, 13))
@pytest.mark.parametrize("income", [0, 85_000, 300_000, 10_000_000])
def test_orders_for_each_2026_month_match_the_engine(month: int, income: int) -> None:
    period = f"2026-{month:02d}"
    result = self_payments(period, Decimal(income))
    orders = monthly_orders(PAYER, period, own=result, on=ON)
    expected = {k: v for k, v in result.lines.items() if v > 0}
    assert {o.kind.value: o.amount for o in orders} == expected
    assert total(orders) == result.total
    due = social_payments_due(2026, month)
    for order in orders:
        req = payment_requisites(order.kind.value, ON)
        ben = order.beneficiary
        assert (order.knp, order.kbk, ben.iban, ben.bic) == (req.knp, None, req.iik, req.bic)
        assert order.beneficiary.idn == req.beneficiary_bin
        assert order.due == due
        assert order.period == period
        assert [(p.iin, p.amount, p.period) for p in order.persons] == [(PAYER.iin, order.amount, period)]
        assert order.payer.code == parameters().value("payment_codes.kbe.ip", ON) == "19"
        assert validate(order) == []


@settings(max_examples=40, deadline=None)
@given(income=st.integers(min_value=0, max_value=50_000_000))
def test_any_income_gives_valid_orders_equal_to_the_engine(income: int) -> None:
    result = self_payments("2026-03", Decimal(income))
    orders = monthly_orders(PAYER, "2026-03", own=result, on=ON)
    assert total(orders) == result.total
    assert all(validate(o) == [] for o in orders)


def test_opvr_exempt_person_makes_no_opvr_order() -> None:
    result = self_payments("2026-10", Decimal(300_000), born=dt.date(1970, 1, 1))
    orders = monthly_orders(PAYER, "2026-10", own=result, on=ON)
    assert [o.kind.value for o in orders] == ["opv", "so", "vosms"]
    assert [o.number for o in orders] == ["1", "2", "3"]


def test_employees_add_persons_oosms_and_withheld_ipn(staff_orders: list[PaymentOrder]) -> None:
    emp = employee().payroll.lines
    own = self_payments("2026-10", Decimal(300_000)).lines
    by_kind = {o.kind: o for o in staff_orders}
    assert list(by_kind) == [
        PaymentKind.OPV, PaymentKind.OPVR, PaymentKind.SO, PaymentKind.VOSMS, PaymentKind.OOSMS,
        PaymentKind.IPN_WITHHELD,
    ]  # fmt: skip
    for kind in ("opv", "opvr", "so", "vosms"):
        order = by_kind[PaymentKind(kind)]
        assert [p.amount for p in order.persons] == [own[kind], emp[kind]]
        assert order.persons[1].iin == EMPLOYEE_IIN
        assert order.amount == own[kind] + emp[kind]
    oosms = by_kind[PaymentKind.OOSMS]
    assert oosms.amount == emp["oosms"]
    assert oosms.knp == "121"
    ipn = by_kind[PaymentKind.IPN_WITHHELD]
    assert (ipn.amount, ipn.knp, ipn.kbk) == (emp["ipn"], "911", "101201")
    assert (ipn.beneficiary.idn, ipn.beneficiary.iban) == ("081240013779", "KZ24070105KSN0000000")
    assert "payment_codes.ugd.astana.bin" in ipn.verify
    assert all(validate(o) == [] for o in staff_orders)
    persons = by_kind[PaymentKind.OPV].persons[1]
    assert (persons.last_name, persons.first_name, persons.middle_name) == ("Қасымов", "Әлихан", "Ұлықбекұлы")
    assert persons.birth_date == dt.date(1990, 1, 1)  # from the ИИН


def test_withheld_ipn_needs_a_tax_office() -> None:
    own = self_payments("2026-10", Decimal(300_000))
    with pytest.raises(ValueError, match="tax office"):
        monthly_orders(PAYER, "2026-10", own=own, employees=[employee()], on=ON)


def test_910_orders_go_to_the_treasury_with_kbk() -> None:
    result = declaration_910(2026, 1, income=Decimal(12_000_000), place="astana")
    orders = tax_910_orders(PAYER, result, tax_office("astana", ON), on=ON, first_number=7)
    assert len(orders) == 1
    order = orders[0]
    assert order.kind is PaymentKind.IPN_910
    assert order.amount == result.lines["910.00.008"] == Decimal(360_000)
    assert (order.knp, order.kbk, order.number, order.period) == ("911", "101202", "7", "2026-H1")
    assert order.due == f910_deadlines(2026, 1)[1]
    assert "requisites.kbk.ipn_not_at_source" in order.verify
    assert validate(order) == []


def test_2025_910_adds_social_tax_when_due() -> None:
    result = declaration_910(2025, 1, income=Decimal(12_000_000))
    orders = tax_910_orders(PAYER, result, tax_office("almaty", ON), on=ON)
    assert [(o.kind, o.amount, o.kbk) for o in orders] == [
        (PaymentKind.IPN_910, result.lines["910.00.008"], "101202"),
        (PaymentKind.SOCIAL_TAX_910, result.lines["910.00.009"], "103101"),
    ]
    assert all(validate(o) == [] for o in orders)
    assert {o.beneficiary.idn for o in orders} == {"141140001547"}


def test_unknown_tax_office_is_bad_input_with_texts() -> None:
    with pytest.raises(UnknownTaxOfficeError) as err:
        tax_office("nowhere", ON)
    assert "БИН" in err.value.text_ru
    assert "БСН" in err.value.text_kk


def test_platform_fee_uses_the_tariff_setting_and_flags_placeholders() -> None:
    fee = get_settings().PLATFORM_FEE_TENGE
    order = platform_fee_order(PAYER, "2026-10", on=ON, number=5, fee=fee)
    assert order.amount == Decimal(2000) == order.calculated
    assert (order.knp, order.kbk) == ("859", None)
    assert "platform.placeholder" in order.verify
    assert validate(order) == []
    real = PlatformSettings(PLATFORM_IBAN="KZ31601A000000000001", PLATFORM_BIN="141140001547", PLATFORM_BIC="HSBKKZKX")
    configured = platform_fee_order(PAYER, "2026-10", on=ON, number=5, fee=fee, platform=real)
    assert "platform.placeholder" not in configured.verify
    assert configured.beneficiary.iban == "KZ31601A000000000001"


def test_own_transfer_to_the_card() -> None:
    card = CardAccount("KZ31601A000000000001", "HSBKKZKX", "АО «Halyk Bank»")
    order = own_transfer_order(PAYER, card, Decimal(150_000), on=ON, number=9)
    assert (order.beneficiary.idn, order.beneficiary.iban, order.beneficiary.code) == (PAYER.iin, card.iban, "19")
    assert (order.knp, order.kbk, order.amount) == ("342", None, Decimal(150_000))
    assert validate(order) == []


def test_json_round_trip(staff_orders: list[PaymentOrder]) -> None:
    for order in staff_orders:
        assert PaymentOrder.from_json(order.to_json()) == order


@pytest.mark.parametrize("payment", SOCIAL)
def test_requisites_from_parameters_not_literals(payment: str) -> None:
    order = next(o for o in monthly_orders(PAYER, "2026-10", own=self_payments("2026-10", Decimal(1)), on=ON)
                 if o.kind.value == payment)  # fmt: skip
    tree = parameters()
    assert order.beneficiary.bic == tree.value("requisites.gov_corp.bic", ON)
    assert order.knp == tree.value(f"requisites.knp.{payment}", ON)


def test_fee_invoice_and_its_payment() -> None:
    from core.payments import fee_invoice

    fee = get_settings().PLATFORM_FEE_TENGE
    invoice = fee_invoice(PAYER, "2026-10", issued=ON, fee=fee)
    assert invoice == fee_invoice(PAYER, "2026-10", issued=ON, fee=fee)  # issuing twice: the same invoice
    assert invoice.number == f"AS-202610-{PAYER.iin}"
    assert invoice.amount == Decimal(2000)
    assert invoice.due == ON + dt.timedelta(days=10)
    assert invoice.placeholder
    assert invoice.to_json()["amount"] == 2000
    assert "2 000 ₸" in invoice.text("ru")
    assert "қазан" in invoice.text("kk")
    order = invoice.order(PAYER, on=ON, number=4)
    assert invoice.number in order.purpose_ru
    assert order.amount == invoice.amount
    assert validate(order) == []
    ben = order.beneficiary.iban
    assert invoice.settles(counterparty_iban=ben, amount=Decimal(2000), purpose=order.purpose_ru)
    assert not invoice.settles(counterparty_iban=ben, amount=Decimal(1999), purpose=order.purpose_ru)
    assert not invoice.settles(counterparty_iban=ben, amount=Decimal(2000), purpose="другой платёж")
    with pytest.raises(ValueError, match="positive"):
        fee_invoice(PAYER, "2026-10", issued=ON, fee=0)


def test_idempotency_key_is_per_obligation(own_orders: list[PaymentOrder]) -> None:
    from dataclasses import replace

    from core.payments import idempotency_key

    opv = own_orders[0]
    key = idempotency_key(opv)
    rebuilt = replace(opv, number="42", date=ON + dt.timedelta(days=2), value_date=ON + dt.timedelta(days=2))
    assert idempotency_key(rebuilt) == key  # built again another day: still the same payment
    assert idempotency_key(opv, attempt=2) != key
    assert idempotency_key(own_orders[1]) != key
    assert idempotency_key(replace(opv, amount=opv.amount + 1)) != key
    assert len(key) <= 128
    with pytest.raises(ValueError, match="attempt"):
        idempotency_key(opv, attempt=0)
    card = CardAccount("KZ31601A000000000001", "HSBKKZKX")
    first = own_transfer_order(PAYER, card, Decimal(1000), on=ON, number=1)
    assert idempotency_key(first) == idempotency_key(own_transfer_order(PAYER, card, Decimal(1000), on=ON, number=2))


def test_chat_summary(own_orders: list[PaymentOrder]) -> None:
    from core.payments import summary

    text = summary(own_orders)
    assert text == (
        "К оплате за октябрь 2026 г.: ОПВ 30 000 ₸, ОПВР 10 500 ₸, СО 15 000 ₸, ВОСМС 5 950 ₸, "
        "итого 61 450 ₸ до 25.11.2026"
    )
    kk = summary(own_orders, "kk")
    assert kk.startswith("2026 ж. қазан айы үшін төлеуге: МЗЖ 30 000 ₸")
    assert kk.endswith("барлығы 61 450 ₸, 25.11.2026 дейін")
    assert summary([]) == "Нечего оплачивать."


def test_results_of_another_month_are_refused() -> None:
    with pytest.raises(ValueError, match="cannot pay 2026-10"):
        monthly_orders(PAYER, "2026-10", own=self_payments("2026-09", Decimal(300_000)), on=ON)
    with pytest.raises(ValueError, match="payroll result for 2026-11"):
        monthly_orders(PAYER, "2026-10", own=None, employees=[employee(period="2026-11")], on=ON)


def test_penalty_orders_use_the_penalty_knp() -> None:
    from core.notices.penalty import penalty_interest
    from core.payments import penalty_order

    social = penalty_interest(Decimal(30_000), dt.date(2026, 10, 26), ON, kind="social")
    opv = penalty_order(PAYER, PaymentKind.OPV, "2026-09", social, on=ON, number=1)
    assert (opv.knp, opv.kbk, opv.amount, opv.penalty) == ("019", None, social.total, True)
    assert [(p.iin, p.amount) for p in opv.persons] == [(PAYER.iin, social.total)]
    assert opv.purpose_ru.startswith("Пеня: обязательные пенсионные взносы")
    assert opv.purpose_kk.startswith("Өсімпұл:")
    assert validate(opv) == []
    tax = penalty_interest(Decimal(360_000), dt.date(2026, 8, 25), ON)
    ipn = penalty_order(PAYER, PaymentKind.IPN_910, "2026-H1", tax, on=ON, number=2, office=tax_office("astana", ON))
    assert (ipn.knp, ipn.kbk, ipn.amount) == ("912", "101202", tax.total)
    assert ipn.purpose_ru.startswith("Пеня: ИПН")
    assert validate(ipn) == []
    assert PaymentOrder.from_json(ipn.to_json()) == ipn
    with pytest.raises(ValueError, match="tax office"):
        penalty_order(PAYER, PaymentKind.IPN_910, "2026-H1", tax, on=ON, number=3)
    with pytest.raises(ValueError, match="no penalty order"):
        penalty_order(PAYER, PaymentKind.PLATFORM_FEE, "2026-10", tax, on=ON, number=3)
