"""``asistent declaration 910``: the form 910.00 XML for a half-year (stable contract, issue 6 item 8).

    asistent declaration 910 --year 2026 --half 1 --iin IIN --name "ФИО" --income 12000000
                             [--place astana | --rate 3 | --place-income astana=8000000 ...] [--so-paid 25500]
                             [--employees N] [--reduction AMOUNT] [--prior-income AMOUNT] [--head-name "ФИО"]
                             [--tax-office 6205] [--submit-date YYYY-MM-DD] [--first] [--allow-test-iin]
                             [--additional-to REG_NUMBER --original ORIGINAL.xml] --out FILE.xml

Writes the unsigned XML (``--out -`` prints it) and one summary line. Amounts are integers of whole tenge. Bad input
(invalid ИИН, negative income, unsupported year, unknown place…) exits 2 with one line on stderr.
``--allow-test-iin`` accepts the NCA test ИИН 123456789011 (for signing with the NCA test keys), nothing else.
``--additional-to`` with ``--original`` makes an additional declaration (дополнительная): the figures given are the
corrected half-year, the XML carries the differences against the original (its XML, signed or not) and its number.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.cli.calc import PERCENT, _amount, _int, _place_income
from bot.cli.common import UsageError, parse_date
from core.calc import CalcResult, declaration_910
from core.filings import (
    Declaration910,
    DeclarationKind,
    Taxpayer,
    additional_910,
    build_910,
    check_910,
    declaration_from_result,
    declaration_from_xml,
)


def register(subparsers: Any) -> None:
    """Add ``declaration 910``."""
    declaration = subparsers.add_parser("declaration", help="tax declarations as СОНО XML")
    sub = declaration.add_subparsers(dest="declaration_command", required=True, parser_class=type(declaration))
    f910 = sub.add_parser("910", help="simplified declaration 910.00 for a half-year (XML, template v27 r133)")
    f910.add_argument("--year", required=True, type=_int("--year"))
    f910.add_argument("--half", required=True, type=_int("--half"), help="1 or 2")
    f910.add_argument("--iin", required=True, help="ИИН of the ИП (12 digits)")
    f910.add_argument("--name", required=True, help="ФИО of the ИП as registered")
    f910.add_argument("--income", type=_amount, help="income for the half-year, ₸")
    where = f910.add_mutually_exclusive_group()
    where.add_argument("--place", help="place of activity id (e.g. astana, karasai)")
    where.add_argument("--rate", type=_amount, help="maslikhat rate in percent (2026, e.g. 3)")
    f910.add_argument("--place-income", action="append", type=_place_income, default=[], help="PLACE=AMOUNT")
    f910.add_argument("--so-paid", type=_amount, default=Decimal(0), help="СО for the half-year, ₸")
    f910.add_argument("--prior-income", type=_amount, default=Decimal(0), help="income earlier this year, ₸")
    f910.add_argument("--employees", type=_int("--employees"), default=0, help="average headcount")
    f910.add_argument("--reduction", type=_amount, default=Decimal(0), help="manual reduction (C15/C2), ₸")
    f910.add_argument("--head-name", help="signatory's ФИО (default: --name)")
    f910.add_argument("--tax-office", help="code of the tax office by location (4 digits)")
    f910.add_argument("--submit-date", type=parse_date, help="date of submission YYYY-MM-DD (default today)")
    f910.add_argument("--first", action="store_true", help="первоначальная: the first declaration after registering")
    f910.add_argument("--allow-test-iin", action="store_true", help="accept the NCA test ИИН (test mode only)")
    f910.add_argument("--additional-to", help="registration number of the submitted declaration being corrected")
    f910.add_argument("--original", type=Path, help="the submitted declaration's XML (with --additional-to)")
    f910.add_argument("--out", required=True, help="where to write the XML ('-' for stdout)")
    f910.set_defaults(handler=run_910)


def _result(args: argparse.Namespace) -> CalcResult:
    places = dict(args.place_income)
    if len(places) != len(args.place_income):
        raise UsageError("--place-income: each place may be given once")
    if args.income is None and not places:
        raise UsageError("give --income or at least one --place-income")
    return declaration_910(
        args.year,
        args.half,
        income=args.income,
        place=args.place,
        rate=args.rate / PERCENT if args.rate is not None else None,
        places=places or None,
        so_paid=args.so_paid,
        prior_income=args.prior_income,
        employees=args.employees,
        reduction=args.reduction,
    )


def _original(args: argparse.Namespace, taxpayer: Taxpayer) -> Declaration910:
    try:
        xml = args.original.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {str(args.original)!r}: {exc.strerror or exc}") from None
    original = declaration_from_xml(xml, allow_test_iin=args.allow_test_iin)
    if original.taxpayer.iin != taxpayer.iin:
        raise UsageError(f"the original is for ИИН {original.taxpayer.iin}, not {taxpayer.iin}")
    return original


def _declaration(args: argparse.Namespace) -> Declaration910:
    if (args.additional_to is None) != (args.original is None):
        raise UsageError("--additional-to and --original go together")
    taxpayer = Taxpayer(
        iin=args.iin.strip(), name=" ".join(args.name.split()), head_name=args.head_name, tax_office=args.tax_office
    )
    submit_date = args.submit_date or dt.date.today()
    try:
        result = _result(args)
        if args.additional_to is not None:
            original = _original(args, taxpayer)
            return additional_910(
                original, args.additional_to, result, submit_date=submit_date, allow_test_iin=args.allow_test_iin
            )
        kind = DeclarationKind.MAIN if args.first else DeclarationKind.REGULAR
        return declaration_from_result(
            result,
            taxpayer,
            submit_date=submit_date,
            employees=args.employees,
            kind=kind,
            allow_test_iin=args.allow_test_iin,
        )
    except ValueError as exc:  # CalcInputError, UnknownPlaceError, FilingInputError
        raise UsageError(str(exc)) from None


def run_910(args: argparse.Namespace) -> int:
    decl = _declaration(args)
    xml = build_910(decl)
    original = build_910(decl.original) if decl.original is not None else None
    issues = check_910(xml, original=original, allow_test_iin=args.allow_test_iin)
    if issues:  # never write a form the sandbox would refuse
        raise UsageError(f"the form does not pass its checks: {issues[0]}")
    if args.out == "-":
        sys.stdout.buffer.write(xml)
    else:
        try:
            Path(args.out).write_bytes(xml)
        except OSError as exc:
            raise UsageError(f"cannot write {args.out!r}: {exc.strerror or exc}") from None
    lines = decl.lines
    summary = (
        f"910.00 {decl.period}: доход {lines['910.00.001']}, ИПН {lines['910.00.008']}, "
        f"соцналог {lines['910.00.009']} → {args.out}"
    )
    if decl.kind is DeclarationKind.ADDITIONAL:
        summary += f" (дополнительная к рег. № {decl.original_registration})"
    if decl.warnings:
        summary += f" (предупреждения: {', '.join(decl.warnings)})"
    print(summary, file=sys.stderr if args.out == "-" else sys.stdout)
    return 0
