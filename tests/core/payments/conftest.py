"""Shared inputs: an ИП (valid ИИН, a synthetic Kaspi account), an employee, the month's orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.calc import payroll, self_payments
from core.payments import Employee, Payer, PaymentOrder, monthly_orders, tax_office

ON = dt.date(2026, 11, 20)
PAYER = Payer("900101300007", "Иванов Иван Иванович", "KZ18722S000012345678", "CASPKZKA", bank="АО «Kaspi Bank»")
EMPLOYEE_IIN = "900101300811"
EMPLOYEE_NAME = "Қасымов Әлихан Ұлықбекұлы"


def employee(salary: int = 300_000, period: str = "2026-10") -> Employee:
    return Employee(EMPLOYEE_IIN, EMPLOYEE_NAME, payroll(period, Decimal(salary)))


@pytest.fixture
def own_orders() -> list[PaymentOrder]:
    return monthly_orders(PAYER, "2026-10", own=self_payments("2026-10", Decimal(300_000)), on=ON)


@pytest.fixture
def staff_orders() -> list[PaymentOrder]:
    own = self_payments("2026-10", Decimal(300_000))
    office = tax_office("astana", ON)
    return monthly_orders(PAYER, "2026-10", own=own, employees=[employee()], office=office, on=ON)
