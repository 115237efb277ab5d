"""``asistent notice``: read and explain a notice of the tax authority, compute a пеня (issue 9 item 5 — stable).

    asistent notice read FILE.pdf|FILE.txt|PHOTO.jpg [--lang ru|kk] [--today YYYY-MM-DD] [--json]
                         [--charged 360000 --payment 360000 ...] [--recorded-income N] [--issued N]
                         [--filed 910.00:2025-H2 ...]
    asistent notice penalty --debt 100000 --due 2025-02-25 --paid 2025-03-20 [--kind tax|social] [--json]

``notice read --json`` prints ``{"type", "number", "date", "deadline", "amounts": {...}, "explanation"}`` plus
``delivered``, ``deadline_detail``, ``basis``, ``period``, ``form``, ``confidence`` and, when the user's figures are
given, ``check``. A photo is read with Tesseract OCR when installed (``core.notices.ocr``). An unreadable photo, an
empty or unreadable file, or a text that is not a notice exits 2 with one line.
"""

from __future__ import annotations

import argparse
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.cli.common import UsageError, parse_date, print_json
from core.calc import CalcInputError
from core.money import parse_amount
from core.notices import (
    NoticeReadError,
    UserData,
    check_notice,
    explain_notice,
    penalty_interest,
    read_file,
    render_penalty,
)


def _amount(text: str) -> Decimal:
    try:
        value = parse_amount(text)
    except ValueError:
        raise UsageError(f"not an amount: {text!r}") from None
    if value < 0:
        raise UsageError(f"amount must not be negative: {text!r}")
    return value


def _filed(text: str) -> tuple[str, str]:
    form, sep, period = text.partition(":")
    if not sep or not form.strip() or not period.strip():
        raise UsageError(f"--filed must be FORM:PERIOD (e.g. 910.00:2025-H2), got {text!r}")
    return form.strip(), period.strip()


def register(subparsers: Any) -> None:
    """Add ``notice read`` and ``notice penalty``."""
    notice = subparsers.add_parser("notice", help="notices of the tax authority: read, explain, пеня")
    sub = notice.add_subparsers(dest="notice_command", required=True, parser_class=type(notice))

    read = sub.add_parser("read", help="recognise a notice in a PDF or text file and explain it")
    read.add_argument("file", type=Path, help="the notice: .pdf, a text file or a photo (.jpg/.png, OCR)")
    read.add_argument("--lang", choices=("ru", "kk"), default="ru", help="language of the explanation")
    read.add_argument("--today", type=parse_date, help="today's date for the working days left")
    read.add_argument("--charged", type=_amount, help="what was due by your records, ₸ (arrears check)")
    read.add_argument("--payment", type=_amount, action="append", default=[], help="a payment you made, ₸")
    read.add_argument("--recorded-income", type=_amount, help="income recorded for the period, ₸ (desk audit)")
    read.add_argument("--issued", type=_amount, help="ESF / invoices issued in the period, ₸ (desk audit)")
    read.add_argument("--filed", type=_filed, action="append", default=[], help="FORM:PERIOD you filed")
    read.add_argument("--json", action="store_true", help="print JSON")
    read.set_defaults(handler=run_read)

    pen = sub.add_parser("penalty", help="пеня on a late tax or social payment, with the trace")
    pen.add_argument("--debt", required=True, type=_amount, help="the unpaid amount, ₸")
    pen.add_argument("--due", required=True, type=parse_date, help="the due date YYYY-MM-DD")
    pen.add_argument("--paid", required=True, type=parse_date, help="the payment date (or today) YYYY-MM-DD")
    pen.add_argument("--kind", choices=("tax", "social"), default="tax", help="tax or social payment")
    pen.add_argument("--lang", choices=("ru", "kk"), default="ru", help="language of texts")
    pen.add_argument("--json", action="store_true", help="print JSON")
    pen.set_defaults(handler=run_penalty)


def run_read(args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    try:
        notice = read_file(path)
    except NoticeReadError as exc:
        raise UsageError(exc.text(args.lang)) from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    today: dt.date | None = args.today
    explanation = explain_notice(notice, args.lang, today=today)
    payload = notice.to_json()
    payload["explanation"] = explanation
    data = UserData(
        charged=args.charged,
        payments=tuple(args.payment),
        recorded_income=args.recorded_income,
        issued_documents=args.issued,
        filed=tuple(args.filed),
    )
    wants_check = args.charged is not None or args.recorded_income is not None or args.filed
    check = check_notice(notice, data) if wants_check else None
    if check is not None:
        payload["check"] = check.to_json(args.lang)
    if args.json:
        print_json(payload)
    else:
        print(explanation)
        if check is not None:
            print(check.text(args.lang))
    return 0


def run_penalty(args: argparse.Namespace) -> int:
    if args.paid < args.due:
        raise UsageError("--paid must not be before --due")
    try:
        result = penalty_interest(args.debt, args.due, args.paid, kind=args.kind)
    except (CalcInputError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print_json(result.to_json(args.lang))
    else:
        print(render_penalty(result, args.lang))
    return 0
