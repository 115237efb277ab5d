"""``asistent document invoice|act|waybill --input FILE.json --out FILE.pdf [--lang ru|kk]`` (stable contract,
issue 7 item 5): render a primary document — счёт на оплату, акт выполненных работ (Р-1), накладная (З-2) — to PDF.

The input is the JSON documented in ``docs/documents.md`` (seller, buyer, number, date, items, …); numbers are read
from their text, never through ``float``. Bad input exits 2 with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.cli.common import UsageError
from core.documents import KINDS, DocumentInputError, from_mapping, render_pdf, title_of

_HELP = {
    "invoice": "счёт на оплату (invoice for payment, with a payment QR code)",
    "act": "акт выполненных работ (оказанных услуг), форма Р-1",
    "waybill": "накладная на отпуск запасов на сторону, форма З-2",
}


def register(subparsers: Any) -> None:
    """Add ``document invoice|act|waybill``."""
    document = subparsers.add_parser("document", help="primary documents as PDF: invoice, act (Р-1), waybill (З-2)")
    kinds = document.add_subparsers(dest="document_kind", required=True, parser_class=type(document))
    for kind in KINDS:
        sub = kinds.add_parser(kind, help=_HELP[kind])
        sub.add_argument("--input", type=Path, required=True, help="the document (JSON, see docs/documents.md)")
        sub.add_argument("--out", type=Path, required=True, help="where to write the PDF")
        sub.add_argument("--lang", choices=("ru", "kk"), default="ru", help="language of the document (default ru)")
        sub.set_defaults(handler=run, kind=kind)


def _load(path: Path) -> Any:
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read input file {str(path)!r}: {exc.strerror or exc}") from None
    try:
        return json.loads(text, parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"input file {str(path)!r} is not JSON: {exc}") from None


def run(args: argparse.Namespace) -> int:
    """Render ``--input`` to ``--out``."""
    raw = _load(args.input)
    try:
        document = from_mapping(raw, kind=args.kind)
        pdf = render_pdf(document, args.lang)
    except DocumentInputError as exc:
        raise UsageError(f"bad document {str(args.input)!r}: {exc}") from None
    try:
        args.out.write_bytes(pdf)
    except OSError as exc:
        raise UsageError(f"cannot write {str(args.out)!r}: {exc.strerror or exc}") from None
    print(f"{title_of(document, args.lang)} → {args.out}")
    return 0
