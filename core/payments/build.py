"""Orders built from the tax engine's lines: the month's social payments (the ИП and his employees), the ИПН withheld
from employees, the 910.00 taxes, the platform fee and a transfer of the user's own money to their card.

Amounts are the engine's whole-tenge lines (``calculated`` keeps them, validation compares); zero lines make no order.
Requisites come from ``core.calc.payment_requisites`` and ``payment_codes.*``; paths with doubts are in ``verify``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.calc import CalcInputError, CalcResult, Month, payment_requisites
from core.calc.form910 import IPN, SOCIAL_TAX
from core.calendar.deadlines import f910_deadlines, social_payments_due
from core.identity import iin_birth_date
from core.payments.codes import PlatformSettings, TaxOffice, code, platform_settings
from core.payments.model import Party, PaymentKind, PaymentOrder, Person
from core.payments.texts import NAMES, penalty_purpose, purpose

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Payer:
    """The ИП paying: ИИН, full name (ФИО), business account and its bank; birth date defaults to the ИИН's."""

    iin: str
    full_name: str
    iban: str
    bic: str
    bank: str = ""
    birth_date: dt.date | None = None
    trade_name: str | None = None  # name on the order; default "ИП <ФИО>"

    @property
    def name(self) -> str:
        return self.trade_name or f"ИП {self.full_name}"

    def party(self, on: dt.date) -> Party:
        kod, _ = code("kbe.ip", on)
        return Party(self.name, self.iin, self.iban, self.bic, kod, self.bank)

    def born(self) -> dt.date:
        born = self.birth_date or iin_birth_date(self.iin)
        if born is None:
            raise CalcInputError(f"birth date unknown for ИИН {self.iin}: give it")
        return born


@dataclass(frozen=True, slots=True)
class Employee:
    """An employee for the month: ИИН, ФИО, birth date and the engine's ``payroll`` result for the month."""

    iin: str
    full_name: str
    payroll: CalcResult
    birth_date: dt.date | None = None

    def born(self) -> dt.date:
        born = self.birth_date or iin_birth_date(self.iin)
        if born is None:
            raise CalcInputError(f"birth date unknown for ИИН {self.iin}: give it")
        return born


@dataclass(frozen=True, slots=True)
class CardAccount:
    """The user's personal card account (текущий счёт карты): IBAN, bank BIC and name."""

    iban: str
    bic: str
    bank: str = ""


# social kind → (line of the ИП's own result, line of each employee's payroll result)
_SOCIAL: tuple[tuple[PaymentKind, str | None, str], ...] = (
    (PaymentKind.OPV, "opv", "opv"),
    (PaymentKind.OPVR, "opvr", "opvr"),
    (PaymentKind.SO, "so", "so"),
    (PaymentKind.VOSMS, "vosms", "vosms"),
    (PaymentKind.OOSMS, None, "oosms"),
)


def _gov_corp(kind: PaymentKind, on: dt.date, penalty: bool = False) -> tuple[Party, str, str | None, tuple[str, ...]]:
    req = payment_requisites(kind.value, on, penalty=penalty)
    assert req.beneficiary is not None
    assert req.beneficiary_bin is not None
    return Party(req.beneficiary, req.beneficiary_bin, req.iik, req.bic, req.kbe), req.knp, req.kbk, req.verify


def _treasury(
    payment: str, office: TaxOffice, on: dt.date, penalty: bool = False
) -> tuple[Party, str, str | None, tuple[str, ...]]:
    req = payment_requisites(payment, on, penalty=penalty)
    party = Party(office.name, office.bin, req.iik, req.bic, req.kbe, req.bank or "")
    return party, req.knp, req.kbk, req.verify + office.verify


def _persons(
    own_line: str | None,
    emp_line: str,
    own: CalcResult | None,
    payer: Payer,
    employees: Sequence[Employee],
    period: str,
) -> tuple[Person, ...]:
    out: list[Person] = []
    if own is not None and own_line is not None and own.lines.get(own_line, ZERO) > 0:
        out.append(Person.named(payer.iin, payer.full_name, payer.born(), period, own.lines[own_line]))
    for emp in employees:
        value = emp.payroll.lines.get(emp_line, ZERO)
        if value > 0:
            out.append(Person.named(emp.iin, emp.full_name, emp.born(), period, value))
    return tuple(out)


def _same_period(period: str, own: CalcResult | None, employees: Sequence[Employee]) -> None:
    """The results must be for the month being paid (a mix-up would pay the wrong amounts)."""
    results = ([own] if own is not None else []) + [e.payroll for e in employees]
    for result in results:
        if result.period != period:
            raise CalcInputError(f"a {result.kind} result for {result.period} cannot pay {period}")


def social_orders(
    payer: Payer,
    period: Month | str,
    *,
    own: CalcResult | None,
    employees: Sequence[Employee] = (),
    on: dt.date,
    value_date: dt.date | None = None,
    first_number: int = 1,
) -> list[PaymentOrder]:
    """ОПВ, ОПВР, СО, ВОСМС (and ООСМС with employees) for ``period`` (YYYY-MM), one order per payment type with the
    list of persons: the ИП himself from ``own`` (``self_payments``) and each employee from their ``payroll``."""
    month = Month.of(period)
    period = month.iso()
    _same_period(period, own, employees)
    due = social_payments_due(month.year, month.month)
    value_date = value_date or on
    orders: list[PaymentOrder] = []
    for kind, own_line, emp_line in _SOCIAL:
        persons = _persons(own_line, emp_line, own, payer, employees, period)
        if not persons:
            continue
        beneficiary, knp, kbk, verify = _gov_corp(kind, value_date)
        amount = sum((p.amount for p in persons), ZERO)
        ru, kk = purpose(kind, period, persons=len(persons))
        orders.append(
            PaymentOrder(
                kind=kind,
                number=str(first_number + len(orders)),
                date=on,
                value_date=value_date,
                period=period,
                payer=payer.party(value_date),
                beneficiary=beneficiary,
                knp=knp,
                kbk=kbk,
                amount=amount,
                purpose_ru=ru,
                purpose_kk=kk,
                persons=persons,
                calculated=amount,
                due=due,
                verify=verify,
            )
        )
    return orders


def ipn_withheld_order(
    payer: Payer,
    period: Month | str,
    employees: Sequence[Employee],
    office: TaxOffice,
    *,
    on: dt.date,
    number: int,
    value_date: dt.date | None = None,
) -> PaymentOrder | None:
    """ИПН withheld from the employees for ``period`` to the employer's УГД (None when nothing was withheld)."""
    amount = sum((e.payroll.lines.get("ipn", ZERO) for e in employees), ZERO)
    if amount <= 0:
        return None
    month = Month.of(period)
    period = month.iso()
    value_date = value_date or on
    beneficiary, knp, kbk, verify = _treasury("ipn_withheld", office, value_date)
    ru, kk = purpose(PaymentKind.IPN_WITHHELD, period)
    return PaymentOrder(
        kind=PaymentKind.IPN_WITHHELD,
        number=str(number),
        date=on,
        value_date=value_date,
        period=period,
        payer=payer.party(value_date),
        beneficiary=beneficiary,
        knp=knp,
        kbk=kbk,
        amount=amount,
        purpose_ru=ru,
        purpose_kk=kk,
        calculated=amount,
        due=social_payments_due(month.year, month.month),
        verify=verify,
    )


def monthly_orders(
    payer: Payer,
    period: Month | str,
    *,
    own: CalcResult | None,
    employees: Sequence[Employee] = (),
    office: TaxOffice | None = None,
    on: dt.date,
    value_date: dt.date | None = None,
    first_number: int = 1,
) -> list[PaymentOrder]:
    """The month's orders: social payments, then the ИПН withheld (needs ``office`` when employees had ИПН)."""
    orders = social_orders(
        payer, period, own=own, employees=employees, on=on, value_date=value_date, first_number=first_number
    )
    if employees and any(e.payroll.lines.get("ipn", ZERO) > 0 for e in employees):
        if office is None:
            raise CalcInputError("the ИПН withheld from employees needs the tax office (УГД)")
        ipn = ipn_withheld_order(
            payer, period, employees, office, on=on, number=first_number + len(orders), value_date=value_date
        )
        if ipn is not None:
            orders.append(ipn)
    return orders


_TAX_910 = ((PaymentKind.IPN_910, IPN, "ipn_self"), (PaymentKind.SOCIAL_TAX_910, SOCIAL_TAX, "social_tax"))


def tax_910_orders(
    payer: Payer,
    result: CalcResult,
    office: TaxOffice,
    *,
    on: dt.date,
    value_date: dt.date | None = None,
    first_number: int = 1,
) -> list[PaymentOrder]:
    """ИПН (910.00.008, KBK 101202) and, for 2024–2025, social tax (910.00.009) of a ``declaration_910`` result."""
    year, half = int(result.extra["year"]), int(result.extra["half"])
    period = f"{year}-H{half}"
    _, pay_by = f910_deadlines(year, half)
    value_date = value_date or on
    orders: list[PaymentOrder] = []
    for kind, line, payment in _TAX_910:
        amount = result.lines.get(line, ZERO)
        if amount <= 0:
            continue
        beneficiary, knp, kbk, verify = _treasury(payment, office, value_date)
        ru, kk = purpose(kind, period)
        orders.append(
            PaymentOrder(
                kind=kind,
                number=str(first_number + len(orders)),
                date=on,
                value_date=value_date,
                period=period,
                payer=payer.party(value_date),
                beneficiary=beneficiary,
                knp=knp,
                kbk=kbk,
                amount=amount,
                purpose_ru=ru,
                purpose_kk=kk,
                calculated=amount,
                due=pay_by,
                verify=verify,
            )
        )
    return orders


def platform_fee_order(
    payer: Payer,
    period: Month | str,
    *,
    on: dt.date,
    number: int,
    fee: int,
    platform: PlatformSettings | None = None,
    value_date: dt.date | None = None,
    invoice: str | None = None,
) -> PaymentOrder:
    """The platform's monthly fee (``fee`` = the tariff setting ``PLATFORM_FEE_TENGE``) to the platform's account;
    ``invoice`` (the fee invoice number) goes into the purpose so the payment can be matched to it."""
    cfg = platform or platform_settings()
    period = Month.of(period).iso()
    value_date = value_date or on
    knp, knp_verify = code("knp.platform_fee", value_date)
    flags = (("payment_codes.knp.platform_fee", knp_verify), ("platform.placeholder", cfg.placeholder))
    verify = tuple(path for path, flag in flags if flag)
    amount = Decimal(fee)
    ru, kk = purpose(PaymentKind.PLATFORM_FEE, period)
    if invoice:
        ru, kk = f"{ru}, счёт № {invoice}", f"{kk}, шот № {invoice}"
    return PaymentOrder(
        kind=PaymentKind.PLATFORM_FEE,
        number=str(number),
        date=on,
        value_date=value_date,
        period=period,
        payer=payer.party(value_date),
        beneficiary=platform_party(cfg),
        knp=knp,
        kbk=None,
        amount=amount,
        purpose_ru=ru,
        purpose_kk=kk,
        calculated=amount,
        verify=verify,
    )


def platform_party(cfg: PlatformSettings) -> Party:
    """The platform as beneficiary (from the settings)."""
    return Party(
        cfg.PLATFORM_NAME, cfg.PLATFORM_BIN, cfg.PLATFORM_IBAN, cfg.PLATFORM_BIC, cfg.PLATFORM_KBE, cfg.PLATFORM_BANK
    )


def own_transfer_order(
    payer: Payer,
    card: CardAccount,
    amount: Decimal,
    *,
    on: dt.date,
    number: int,
    value_date: dt.date | None = None,
) -> PaymentOrder:
    """A transfer of the ИП's own money from the business account to their personal card (same ИИН both sides)."""
    value_date = value_date or on
    knp, knp_verify = code("knp.own_transfer", value_date)
    kbe, _ = code("kbe.individual", value_date)
    beneficiary = Party(payer.full_name, payer.iin, card.iban, card.bic, kbe, card.bank)
    period = f"{value_date.year:04d}-{value_date.month:02d}"
    ru, kk = NAMES[PaymentKind.OWN_TRANSFER]
    verify = ("payment_codes.knp.own_transfer",) if knp_verify else ()
    return PaymentOrder(
        kind=PaymentKind.OWN_TRANSFER,
        number=str(number),
        date=on,
        value_date=value_date,
        period=period,
        payer=payer.party(value_date),
        beneficiary=beneficiary,
        knp=knp,
        kbk=None,
        amount=amount,
        purpose_ru=ru,
        purpose_kk=kk,
        calculated=amount,
        verify=verify,
    )


def total(orders: Sequence[PaymentOrder]) -> Decimal:
    """Sum of the orders' amounts."""
    return sum((o.amount for o in orders), ZERO)


# penalty kinds → the engine's payment for ``payment_requisites``
_PENALTY_PAYMENTS = {
    PaymentKind.OPV: "opv",
    PaymentKind.OPVR: "opvr",
    PaymentKind.SO: "so",
    PaymentKind.VOSMS: "vosms",
    PaymentKind.IPN_910: "ipn_self",
    PaymentKind.SOCIAL_TAX_910: "social_tax",
    PaymentKind.IPN_WITHHELD: "ipn_withheld",
}


def penalty_order(
    payer: Payer,
    kind: PaymentKind,
    period: str,
    penalty: CalcResult,
    *,
    on: dt.date,
    number: int,
    office: TaxOffice | None = None,
    value_date: dt.date | None = None,
) -> PaymentOrder:
    """Пеня on the ИП's own ``kind`` payment for ``period`` (YYYY-MM or YYYY-Hn): the amount is ``penalty.total``
    (``core.notices.penalty_interest``); the penalty KNP (019, 098, 017, 124, 912); taxes need the ``office``; a
    social penalty lists the ИП as the person."""
    if kind not in _PENALTY_PAYMENTS:
        raise CalcInputError(f"no penalty order for {kind.value}")
    amount = penalty.total
    value_date = value_date or on
    if kind.social:
        beneficiary, knp, kbk, verify = _gov_corp(kind, value_date, penalty=True)
        persons: tuple[Person, ...] = (Person.named(payer.iin, payer.full_name, payer.born(), period, amount),)
    else:
        if office is None:
            raise CalcInputError("a tax penalty needs the tax office (УГД)")
        beneficiary, knp, kbk, verify = _treasury(_PENALTY_PAYMENTS[kind], office, value_date, penalty=True)
        persons = ()
    ru, kk = penalty_purpose(kind, period)
    return PaymentOrder(
        kind=kind,
        number=str(number),
        date=on,
        value_date=value_date,
        period=period,
        payer=payer.party(value_date),
        beneficiary=beneficiary,
        knp=knp,
        kbk=kbk,
        amount=amount,
        purpose_ru=ru,
        purpose_kk=kk,
        persons=persons,
        calculated=amount,
        verify=verify,
        penalty=True,
    )


def arrears_order(
    payer: Payer,
    kind: PaymentKind,
    period: str,
    amount: Decimal,
    *,
    on: dt.date,
    number: int,
    office: TaxOffice | None = None,
    value_date: dt.date | None = None,
) -> PaymentOrder:
    """A debt (недоимка) on the ИП's own ``kind`` payment for ``period`` that a notice claims: the main KNP and KBK
    of that payment for ``amount`` (its пеня is a separate ``penalty_order``); taxes need the ``office``."""
    if kind not in _PENALTY_PAYMENTS:
        raise CalcInputError(f"no arrears order for {kind.value}")
    if not amount.is_finite() or amount <= 0:
        raise CalcInputError(f"arrears must be a positive amount, got {amount}")
    value_date = value_date or on
    if kind.social:
        beneficiary, knp, kbk, verify = _gov_corp(kind, value_date)
        persons: tuple[Person, ...] = (Person.named(payer.iin, payer.full_name, payer.born(), period, amount),)
    else:
        if office is None:
            raise CalcInputError("a tax debt needs the tax office (УГД)")
        beneficiary, knp, kbk, verify = _treasury(_PENALTY_PAYMENTS[kind], office, value_date)
        persons = ()
    ru, kk = purpose(kind, period)
    return PaymentOrder(
        kind=kind,
        number=str(number),
        date=on,
        value_date=value_date,
        period=period,
        payer=payer.party(value_date),
        beneficiary=beneficiary,
        knp=knp,
        kbk=kbk,
        amount=amount,
        purpose_ru=ru,
        purpose_kk=kk,
        persons=persons,
        calculated=amount,
        verify=verify,
    )
