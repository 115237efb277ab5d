"""``asistent regime compare``: the year's cost under each regime, side by side (issue 9 item 5 — a stable contract).

    asistent regime compare --income 24000000 --place astana [--employees N] [--activity CODE] [--year 2026]
                            [--expenses 5000000] [--declared-monthly 300000] [--lang ru|kk] [--json]

With ``--json`` one JSON document: ``year, income, expenses, place, employees, activity, cheapest`` and ``options``
(each ``regime, name, eligible, cheapest, total, lines, reasons, trace``), eligible options first, by cost. Amounts
are integers of whole tenge. Bad input exits 2 with one line on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal
from typing import Any

from bot.cli.common import UsageError, print_json
from core.calc import CalcInputError
from core.money import parse_amount
from core.registration import compare_regimes
from core.registration.regime import render_comparison


def _amount(text: str) -> Decimal:
    try:
        value = parse_amount(text)
    except ValueError:
        raise UsageError(f"not an amount: {text!r}") from None
    if value < 0:
        raise UsageError(f"amount must not be negative: {text!r}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"--employees must be a whole number, got {text!r}") from None
    if value < 0:
        raise UsageError(f"--employees must not be negative, got {text!r}")
    return value


def _year(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"--year must be a year like 2026, got {text!r}") from None


def register(subparsers: Any) -> None:
    """Add ``regime compare``."""
    regime = subparsers.add_parser("regime", help="choose a tax regime: yearly cost of each, side by side")
    sub = regime.add_subparsers(dest="regime_command", required=True, parser_class=type(regime))
    compare = sub.add_parser("compare", help="compare self-employed, simplified (910.00) and general regimes")
    compare.add_argument("--income", required=True, type=_amount, help="expected income for the year, ₸")
    compare.add_argument("--place", help="place of activity id (e.g. astana, karasai); default: base rate")
    compare.add_argument("--employees", type=_count, default=0, help="employees, not counting the ИП")
    compare.add_argument("--activity", help="main ОКЭД code, e.g. 95.12.0")
    compare.add_argument("--year", type=_year, default=dt.date.today().year, help="tax year (default this year)")
    compare.add_argument("--expenses", type=_amount, default=Decimal(0), help="documented expenses (ОУР), ₸")
    compare.add_argument("--declared-monthly", type=_amount, help="own declared monthly income for ОПВ/СО, ₸")
    compare.add_argument("--json", action="store_true", help="print JSON")
    compare.add_argument("--lang", choices=("ru", "kk"), default="ru", help="language of texts (default ru)")
    compare.set_defaults(handler=run_compare)


def run_compare(args: argparse.Namespace) -> int:
    try:
        result = compare_regimes(
            args.income,
            args.place,
            args.employees,
            args.activity,
            args.year,
            expenses=args.expenses,
            declared_monthly=args.declared_monthly,
        )
    except (CalcInputError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print_json(result.to_json(args.lang))
    else:
        print(render_comparison(result, args.lang))
    return 0
