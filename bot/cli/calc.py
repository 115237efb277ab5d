"""``asistent calc``: the tax calculators from the command line (issue 3 item 6 — a stable contract).

    asistent calc self --period 2026-03 --income 300000 [--born 1980-05-01] [--pensioner] [--no-income-prev-month]
    asistent calc payroll --period 2026-03 --salary 300000 [--employer ip_general|ip_simplified|legal_entity]
    asistent calc 910 --year 2026 --half 1 --income 12000000 [--place astana | --rate 3] [--so-paid 25500]
                      [--place-income astana=8000000 ...]
    asistent calc self-employed --period 2026-03 --income 500000

With ``--json`` one JSON document: amounts are integers of whole tenge, dates ISO, ``warnings`` always present (a list
of ``{"code", "text"}``), ``trace`` a list. Without it, the "как посчитано?" text. Bad input exits 2 with one line.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bot.cli.common import UsageError, parse_date, print_json
from core.calc import (
    EMPLOYERS,
    CalcInputError,
    CalcResult,
    declaration_910,
    payroll,
    render_explanation,
    self_employed,
    self_payments,
)
from core.calc.periods import MONTHS_PER_HALF, HalfYear, Month

# Due dates (already moved to working days) come from the calendar, never computed here.
from core.calendar.deadlines import f910_deadlines, social_payments_due
from core.money import parse_amount

PERCENT = Decimal(100)


def _amount(text: str) -> Decimal:
    try:
        value = parse_amount(text)
    except ValueError:
        raise UsageError(f"not an amount: {text!r}") from None
    if value < 0:
        raise UsageError(f"amount must not be negative: {text!r}")
    return value


def _int(name: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise UsageError(f"{name} must be a whole number, got {text!r}") from None

    return parse


def _place_income(text: str) -> tuple[str, Decimal]:
    place, sep, amount = text.partition("=")
    if not sep or not place.strip():
        raise UsageError(f"--place-income must be PLACE=AMOUNT, got {text!r}")
    return place.strip(), _amount(amount)


def _six_amounts(text: str) -> list[Decimal]:
    parts = [p for p in text.split(",") if p.strip()]
    if len(parts) != MONTHS_PER_HALF:
        raise UsageError(f"--own-monthly-income needs {MONTHS_PER_HALF} comma-separated amounts, got {len(parts)}")
    return [_amount(p) for p in parts]


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--lang", choices=("ru", "kk"), default="ru", help="language of texts (default ru)")


def _person(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--born", type=parse_date, help="birth date YYYY-MM-DD (ОПВР exemption before 1975)")
    parser.add_argument("--pensioner", action="store_true", help="old-age or long-service pensioner")
    parser.add_argument("--disability", type=_int("--disability"), help="disability group (1 or 2 exempt ОПВР)")


def register(subparsers: Any) -> None:
    """Add ``calc self|payroll|910|self-employed``."""
    calc = subparsers.add_parser("calc", help="taxes and social payments with explanations")
    sub = calc.add_subparsers(dest="calc_command", required=True, parser_class=type(calc))

    own = sub.add_parser("self", help="ИП for himself, one month: ОПВ, ОПВР, СО, ВОСМС")
    own.add_argument("--period", required=True, help="month YYYY-MM")
    own.add_argument("--income", required=True, type=_amount, help="declared income for the month, ₸")
    _person(own)
    own.add_argument("--no-income-prev-month", action="store_true", help="no income in the previous month")
    own.add_argument("--suspended", action="store_true", help="activity suspended (reduced ВОСМС only)")
    own.add_argument("--so-minus-opv", action="store_true", help="C1 alternative: СО base = income − ОПВ")
    _common(own)
    own.set_defaults(handler=run_self)

    pay = sub.add_parser("payroll", help="one employee, one month")
    pay.add_argument("--period", required=True, help="month YYYY-MM")
    pay.add_argument("--salary", required=True, type=_amount, help="gross monthly salary, ₸")
    pay.add_argument("--employer", choices=EMPLOYERS, default="ip_simplified", help="who employs")
    _person(pay)
    pay.add_argument("--no-deduction", action="store_true", help="the employee did not apply for the deduction")
    pay.add_argument("--ipn-base-before", type=_amount, default=Decimal(0), help="ИПН base earlier this year, ₸")
    _common(pay)
    pay.set_defaults(handler=run_payroll)

    f910 = sub.add_parser("910", help="simplified declaration 910.00 for a half-year")
    f910.add_argument("--year", required=True, type=_int("--year"))
    f910.add_argument("--half", required=True, type=_int("--half"), help="1 or 2")
    f910.add_argument("--income", type=_amount, help="income for the half-year, ₸")
    where = f910.add_mutually_exclusive_group()
    where.add_argument("--place", help="place of activity id (e.g. astana, karasai)")
    where.add_argument("--rate", type=_amount, help="maslikhat rate in percent (e.g. 3)")
    f910.add_argument("--place-income", action="append", type=_place_income, default=[], help="PLACE=AMOUNT")
    f910.add_argument("--so-paid", type=_amount, default=Decimal(0), help="СО for the half-year (2024–25), ₸")
    f910.add_argument("--prior-income", type=_amount, default=Decimal(0), help="income earlier this year, ₸")
    f910.add_argument("--employees", type=_int("--employees"), default=0, help="average headcount incl. the ИП")
    f910.add_argument("--reduction", type=_amount, default=Decimal(0), help="manual reduction (C15/C2), ₸")
    f910.add_argument(
        "--own-monthly-income",
        type=_six_amounts,
        help="the ИП's declared income for each of the 6 months, comma-separated (fills lines 010–015)",
    )
    _common(f910)
    f910.set_defaults(handler=run_910)

    se = sub.add_parser("self-employed", help="self-employed regime (2026), one month")
    se.add_argument("--period", required=True, help="month YYYY-MM")
    se.add_argument("--income", required=True, type=_amount, help="income for the month, ₸")
    se.add_argument("--pensioner", action="store_true")
    se.add_argument("--student", action="store_true")
    _common(se)
    se.set_defaults(handler=run_self_employed)


def _calc(fn: Callable[[], CalcResult]) -> CalcResult:
    try:
        return fn()
    except CalcInputError as exc:  # includes UnsupportedPeriodError
        raise UsageError(str(exc)) from None
    except ValueError as exc:  # UnknownPlaceError and other bad values from the core
        raise UsageError(str(exc)) from None


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except CalcInputError as exc:
        raise UsageError(str(exc)) from None


def _emit(args: argparse.Namespace, result: CalcResult, **dates: Any) -> int:
    if args.json:
        payload = result.to_json(args.lang)
        payload.update({k: v.isoformat() for k, v in dates.items()})
        print_json(payload)
    else:
        print(render_explanation(result, args.lang))
        for key, value in dates.items():
            print(f"{key}: {value.isoformat()}")
    return 0


def run_self(args: argparse.Namespace) -> int:
    month = _month(args.period)
    result = _calc(
        lambda: self_payments(
            month,
            args.income,
            born=args.born,
            pensioner=args.pensioner,
            disability_group=args.disability,
            no_income_prev_month=args.no_income_prev_month,
            suspended=args.suspended,
            so_base_minus_opv=True if args.so_minus_opv else None,
        )
    )
    return _emit(args, result, due=social_payments_due(month.year, month.month))


def run_payroll(args: argparse.Namespace) -> int:
    month = _month(args.period)
    result = _calc(
        lambda: payroll(
            month,
            args.salary,
            employer=args.employer,
            born=args.born,
            pensioner=args.pensioner,
            disability_group=args.disability,
            deduction=not args.no_deduction,
            ipn_base_before=args.ipn_base_before,
        )
    )
    return _emit(args, result, due=social_payments_due(month.year, month.month))


def _own_payments(year: int, half: int, incomes: list[Decimal]) -> list[CalcResult]:
    """The ИП's own monthly payments for the six months of the half-year (lines 910.00.010–015)."""
    try:
        months = HalfYear(year, half).months()
        return [self_payments(month, income) for month, income in zip(months, incomes, strict=True)]
    except CalcInputError as exc:
        raise UsageError(str(exc)) from None


def run_910(args: argparse.Namespace) -> int:
    places = dict(args.place_income)
    if len(places) != len(args.place_income):
        raise UsageError("--place-income: each place may be given once")
    if args.income is None and not places:
        raise UsageError("give --income or at least one --place-income")
    rate = args.rate / PERCENT if args.rate is not None else None
    own = _own_payments(args.year, args.half, args.own_monthly_income) if args.own_monthly_income else None
    result = _calc(
        lambda: declaration_910(
            args.year,
            args.half,
            income=args.income,
            place=args.place,
            rate=rate,
            places=places or None,
            so_paid=args.so_paid,
            prior_income=args.prior_income,
            employees=args.employees,
            reduction=args.reduction,
            own_payments=own,
        )
    )
    file_by, pay_by = f910_deadlines(args.year, args.half)
    return _emit(args, result, file_by=file_by, pay_by=pay_by)


def run_self_employed(args: argparse.Namespace) -> int:
    month = _month(args.period)
    result = _calc(lambda: self_employed(month, args.income, pensioner=args.pensioner, student=args.student))
    if not result.extra["eligible"]:
        result.extra["reason"] = result.extra["reason_kk" if args.lang == "kk" else "reason_ru"]
    return _emit(args, result, due=social_payments_due(month.year, month.month))
