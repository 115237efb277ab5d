"""``asistent deadlines``: the obligations (filings and payments) of an ИП due in a date range.

Stable contract (issue 3 item 6): ``--regime``, ``--employees``, ``--from``, ``--to``, ``--json``; each item has
``obligation``, ``action``, ``period``, ``due`` (extra keys may be added, never renamed).
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import UsageError, parse_date, print_json
from core.calendar import REGIMES, Obligation, TaxProfile, obligations


def _employees(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"--employees must be a whole number, got {text!r}") from None
    if value < 0:
        raise UsageError(f"--employees cannot be negative, got {value}")
    return value


def _regime(text: str) -> str:
    if text not in REGIMES:
        raise UsageError(f"unknown --regime {text!r}; one of {', '.join(REGIMES)}")
    return text


def register(subparsers: Any) -> None:
    """Add the ``deadlines`` sub-command."""
    parser = subparsers.add_parser("deadlines", help="filing and payment deadlines of an ИП in a date range")
    parser.add_argument("--regime", required=True, type=_regime, help="simplified | general | self_employed")
    parser.add_argument("--employees", type=_employees, default=0, help="number of employees (default 0)")
    parser.add_argument("--from", dest="start", required=True, type=parse_date, help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, type=parse_date, help="last day, YYYY-MM-DD")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def as_json(item: Obligation) -> dict[str, Any]:
    """The stable JSON shape of one obligation."""
    return {
        "obligation": item.obligation,
        "action": item.action,
        "period": item.period,
        "due": item.due.isoformat(),
        "original_due": item.original_due.isoformat(),
        "reference": item.reference,
    }


def run(args: argparse.Namespace) -> int:
    """Print the obligations due in [--from, --to]."""
    if args.start > args.end:
        raise UsageError(f"--from {args.start.isoformat()} is after --to {args.end.isoformat()}")
    if args.regime == "self_employed" and args.employees:
        raise UsageError("the self-employed regime has no employees (--employees must be 0)")
    items = obligations(TaxProfile(regime=args.regime, employees=args.employees), args.start, args.end)
    if args.json:
        print_json([as_json(item) for item in items])
        return 0
    for item in items:
        moved = f" (перенос с {item.original_due.isoformat()})" if item.due != item.original_due else ""
        print(f"{item.due.isoformat()}  {item.obligation:<22} {item.action:<4} {item.period}{moved}")
    return 0
