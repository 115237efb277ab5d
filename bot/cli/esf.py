"""``asistent esf build`` and ``asistent esf check``: the ESF ``InvoiceV2`` XML (stable contract, issue 7 item 5).

``build --input FILE.json --out FILE.xml`` builds the XML from the documented JSON (``docs/esf.md``) and refuses to
write one the sandbox would decline. ``check FILE.xml [--json]`` applies the sandbox's rules and prints
``{"valid": bool, "errors": [{"property", "errorCode", "text"}]}``; exit 0 when valid, 1 when not, 2 on bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from lxml import etree

from bot.cli.common import UsageError, parse_date, print_json
from integrations.esf import CheckContext, DocumentError, EsfDocument, build_invoice, check_invoice
from integrations.esf.validator import parse_invoice_xml

_ALMATY = dt.timezone(dt.timedelta(hours=5))  # Kazakhstan is UTC+05:00 since 2024-03-01


def register(subparsers: Any) -> None:
    """Add ``esf build`` and ``esf check``."""
    esf = subparsers.add_parser("esf", help="ESF e-invoices (ЭСФ): build and check InvoiceV2 XML")
    commands = esf.add_subparsers(dest="esf_command", required=True, parser_class=type(esf))
    build = commands.add_parser("build", help="build the InvoiceV2 XML from a JSON document")
    build.add_argument("--input", type=Path, required=True, help="the document (JSON, see docs/esf.md)")
    build.add_argument("--out", type=Path, required=True, help="where to write the XML")
    build.set_defaults(handler=run_build)
    check = commands.add_parser("check", help="check an InvoiceV2 XML with the sandbox's rules")
    check.add_argument("file", type=Path, help="the XML file")
    check.add_argument("--json", action="store_true", help="print JSON")
    check.add_argument("--today", type=parse_date, help="the date to check against (default: today in Almaty)")
    check.set_defaults(handler=run_check)


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {what} {str(path)!r}: {exc.strerror or exc}") from None


def _today(args: argparse.Namespace) -> dt.date:
    given: dt.date | None = getattr(args, "today", None)
    return given or dt.datetime.now(_ALMATY).date()


def run_build(args: argparse.Namespace) -> int:
    """Build ``--input`` into ``--out``."""
    try:
        document = EsfDocument.from_json(_read(args.input, "input file"))
        xml = build_invoice(document)
    except DocumentError as exc:
        raise UsageError(f"bad document {str(args.input)!r}: {exc}") from None
    errors = check_invoice(xml, CheckContext(today=_today(args)))
    if errors:
        first = errors[0]
        raise UsageError(f"the ESF would be declined: {first.error_code} {first.property or ''}: {first.text}")
    try:
        args.out.write_bytes(xml)
    except OSError as exc:
        raise UsageError(f"cannot write {str(args.out)!r}: {exc.strerror or exc}") from None
    print(f"ESF № {document.number} от {document.date:%d.%m.%Y} → {args.out}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Check ``file``; exit 0 when the sandbox would accept it, 1 when not."""
    xml = _read(args.file, "XML file")
    try:
        parse_invoice_xml(xml)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise UsageError(f"not an XML file {str(args.file)!r}: {str(exc).splitlines()[0]}") from None
    errors = check_invoice(xml, CheckContext(today=_today(args)))
    if args.json:
        print_json({"valid": not errors, "errors": [e.as_json() for e in errors]})
    else:
        print("valid" if not errors else f"INVALID: {len(errors)} error(s)")
        for e in errors:
            print(f"  {e.error_code} {e.property or ''}: {e.text}")
    return 0 if not errors else 1
