"""``asistent payments``: the month's payment orders of an ИП (issue 6 item 8 — a stable contract).

    asistent payments --period 2026-10 --iin IIN --income 300000 [--born 1980-05-01] --json
                      [--name "Фамилия Имя Отчество"] [--iban KZ… --bic CASPKZKA] [--fee]
                      [--employee IIN,SALARY,ФИО ...] [--place astana] [--date 2026-11-20]
                      [--mt102 FILE] [--onec FILE] [--pdf DIR]

``--json`` prints ``{"orders": [{"purpose", "amount", "knp", "kbk", "beneficiary": {"name", "bin", "iban", "bic"},
…}], "total"}`` (amounts integers of whole tenge, ``kbk`` null for social payments). ``--mt102`` writes the social
payments as MT102 (UTF-8), ``--onec`` a 1CClientBankExchange file (Windows-1251), ``--pdf`` one PDF per order.
Without ``--iban`` the files carry the documented placeholder payer account (a note on stderr). Every order is
validated first; bad input or an invalid order exits 2 with one line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.cli.common import UsageError, parse_date, print_json
from core.calc import CalcInputError, Month, payroll, self_payments
from core.explain import format_amount
from core.identity import is_valid_iin_bin
from core.money import as_int, parse_amount
from core.payments import (
    Employee,
    Payer,
    PaymentOrder,
    UnknownTaxOfficeError,
    known_tax_offices,
    monthly_orders,
    mt102_file,
    onec_bytes,
    order_pdf,
    platform_fee_order,
    platform_settings,
    tax_office,
    total,
    validate,
)
from core.settings import get_settings


def _amount(text: str) -> Decimal:
    try:
        value = parse_amount(text)
    except ValueError:
        raise UsageError(f"not an amount: {text!r}") from None
    if value < 0:
        raise UsageError(f"amount must not be negative: {text!r}")
    return value


def _iin(text: str) -> str:
    value = text.strip()
    if not is_valid_iin_bin(value):
        raise UsageError(f"not a valid ИИН (12 digits with a check digit): {text!r}")
    return value


def _employee(text: str) -> tuple[str, Decimal, str]:
    parts = [p.strip() for p in text.split(",", 2)]
    if len(parts) != 3 or not parts[2]:
        raise UsageError(f"--employee must be IIN,SALARY,ФИО, got {text!r}")
    return _iin(parts[0]), _amount(parts[1]), parts[2]


def register(subparsers: Any) -> None:
    """Add ``payments``."""
    cmd = subparsers.add_parser("payments", help="payment orders for a month (ОПВ, ОПВР, СО, ВОСМС, …)")
    cmd.add_argument("--period", required=True, help="month YYYY-MM")
    cmd.add_argument("--iin", required=True, type=_iin, help="ИИН of the ИП")
    cmd.add_argument("--income", required=True, type=_amount, help="declared income for the month, ₸")
    cmd.add_argument("--born", type=parse_date, help="birth date YYYY-MM-DD (default: from the ИИН)")
    cmd.add_argument("--pensioner", action="store_true", help="old-age or long-service pensioner")
    cmd.add_argument("--name", help="ФИО of the ИП (default: «ИИН <iin>»)")
    cmd.add_argument("--iban", help="the ИП's business account (IBAN)")
    cmd.add_argument("--bic", help="BIC of that account's bank")
    cmd.add_argument("--employee", action="append", type=_employee, default=[], help="IIN,SALARY,ФИО (repeatable)")
    cmd.add_argument("--place", help=f"tax office by place for the ИПН withheld ({', '.join(known_tax_offices())})")
    cmd.add_argument("--fee", action="store_true", help="add the platform's monthly fee (PLATFORM_FEE_TENGE)")
    cmd.add_argument("--date", type=parse_date, help="order date YYYY-MM-DD (default: today in Kazakhstan)")
    cmd.add_argument("--lang", choices=("ru", "kk"), default="ru", help="language of purposes in the output")
    cmd.add_argument("--json", action="store_true", help="print JSON")
    cmd.add_argument("--mt102", type=Path, help="write the social payments as MT102 to FILE")
    cmd.add_argument("--onec", type=Path, help="write a 1CClientBankExchange file to FILE")
    cmd.add_argument("--pdf", type=Path, help="write one PDF per order into DIR")
    cmd.set_defaults(handler=run_payments)


def _payer(args: argparse.Namespace) -> Payer:
    if (args.iban is None) != (args.bic is None):
        raise UsageError("give --iban and --bic together")
    cfg = platform_settings()
    iban = (args.iban or cfg.PAYER_PLACEHOLDER_IBAN).replace(" ", "").upper()
    bic = (args.bic or cfg.PAYER_PLACEHOLDER_BIC).strip().upper()
    return Payer(args.iin, args.name or f"ИИН {args.iin}", iban, bic, birth_date=args.born)


def _orders(args: argparse.Namespace, payer: Payer, on: dt.date) -> list[PaymentOrder]:
    try:
        month = Month.parse(args.period)
        own = self_payments(month, args.income, born=args.born, pensioner=args.pensioner)
        employees = [Employee(iin, name, payroll(month, salary)) for iin, salary, name in args.employee]
        office = tax_office(args.place, on) if args.place else None
        orders = monthly_orders(payer, month.iso(), own=own, employees=employees, office=office, on=on)
        if args.fee:
            fee = get_settings().PLATFORM_FEE_TENGE
            orders.append(platform_fee_order(payer, month.iso(), on=on, number=len(orders) + 1, fee=fee))
    except UnknownTaxOfficeError as exc:
        raise UsageError(f"unknown --place {exc.place!r}; known: {', '.join(known_tax_offices())}") from None
    except (CalcInputError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    for order in orders:
        errors = validate(order)
        if errors:
            first = errors[0]
            raise UsageError(f"order {order.number}: {first.code}: {first.text(args.lang)}")
    return orders


def _json(orders: list[PaymentOrder], lang: str) -> dict[str, Any]:
    return {
        "orders": [
            {
                "number": o.number,
                "kind": o.kind.value,
                "purpose": o.purpose(lang),
                "amount": as_int(o.amount),
                "knp": o.knp,
                "kbk": o.kbk,
                "beneficiary": {
                    "name": o.beneficiary.name,
                    "bin": o.beneficiary.idn,
                    "iban": o.beneficiary.iban,
                    "bic": o.beneficiary.bic,
                    "kbe": o.beneficiary.code,
                },
                "due": o.due.isoformat() if o.due else None,
                "persons": [{"iin": p.iin, "name": p.full_name, "amount": as_int(p.amount)} for p in o.persons],
                "verify": list(o.verify),
            }
            for o in orders
        ],
        "total": as_int(total(orders)),
    }


def _write(args: argparse.Namespace, orders: list[PaymentOrder], on: dt.date) -> None:
    try:
        if args.mt102:
            args.mt102.write_bytes(mt102_file(orders).encode("utf-8"))
        if args.onec:
            created = dt.datetime.combine(on, dt.datetime.now().time().replace(microsecond=0))
            args.onec.write_bytes(onec_bytes(orders, created=created))
        if args.pdf:
            args.pdf.mkdir(parents=True, exist_ok=True)
            for order in orders:
                (args.pdf / f"order-{order.number}-{order.kind.value}.pdf").write_bytes(order_pdf(order))
    except OSError as exc:
        raise UsageError(f"cannot write: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")) from None


def _kz_today() -> dt.date:
    """Today in Kazakhstan (one time zone, UTC+5, since March 2024)."""
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=5))).date()


def run_payments(args: argparse.Namespace) -> int:
    on = args.date or _kz_today()
    orders = _orders(args, _payer(args), on)
    _write(args, orders, on)
    if args.iban is None and (args.mt102 or args.onec or args.pdf):
        print("asistent: note: no --iban/--bic, the files carry a placeholder payer account", file=sys.stderr)
    if args.json:
        payload = _json(orders, args.lang)
        payload["period"] = args.period
        payload["due"] = min((o.due for o in orders if o.due), default=None)
        print_json(payload)
        return 0
    for order in orders:
        kbk = f", КБК {order.kbk}" if order.kbk else ""
        print(f"{order.number}. {order.purpose(args.lang)}: {format_amount(order.amount)} (КНП {order.knp}{kbk})")
    print(f"{'Барлығы' if args.lang == 'kk' else 'Итого'}: {format_amount(total(orders))}")
    return 0
