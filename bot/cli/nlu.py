"""``asistent nlu parse`` and ``asistent nlu eval`` — the NLU command-line contract (issue 5, item 6; stable).

asistent nlu parse "текст" [--today 2026-11-25] --json     one parse (Rasa /model/parse shape)
asistent nlu parse --jsonl [--today …]                      one text per stdin line → one JSON per line
asistent nlu eval FILE.yml [--today …] [--json]             accuracy, per-intent P/R, per-entity F1
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import UsageError, dumps, parse_date, print_json


def register(subparsers: Any) -> None:
    """Add the ``nlu`` command group."""
    nlu = subparsers.add_parser("nlu", help="parse messages, evaluate the NLU model")
    commands = nlu.add_subparsers(dest="nlu_command", required=True, parser_class=type(nlu))

    parse = commands.add_parser("parse", help="intent and entities of a message")
    parse.add_argument("text", nargs="?", help="the message (omit with --jsonl)")
    parse.add_argument("--today", type=parse_date, default=None, help="reference date YYYY-MM-DD")
    parse.add_argument("--json", action="store_true", help="print JSON (the default output is JSON too)")
    parse.add_argument("--jsonl", action="store_true", help="read one text per line on stdin")
    parse.set_defaults(handler=_parse)

    evaluate = commands.add_parser("eval", help="evaluate on a Rasa YAML file with gold annotations")
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument("--today", type=parse_date, default=None, help="reference date (default 2026-11-25)")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.set_defaults(handler=_eval)


def _parse(args: argparse.Namespace) -> int:
    from nlu import get_interpreter

    if args.jsonl == (args.text is not None):
        raise UsageError("give either a text or --jsonl (texts on stdin), not both")
    interpreter = get_interpreter()
    if args.text is not None:
        print_json(interpreter.parse(args.text, today=args.today))
        return 0
    for line in sys.stdin:
        sys.stdout.write(dumps(interpreter.parse(line.rstrip("\r\n"), today=args.today)) + "\n")
    return 0


def _eval(args: argparse.Namespace) -> int:
    from nlu import get_interpreter
    from nlu.data import DataError
    from nlu.evaluate import EVAL_TODAY, evaluate_file, format_report

    if not args.file.is_file():
        raise UsageError(f"no such file: {args.file}")
    try:
        report = evaluate_file(get_interpreter(), args.file, args.today or EVAL_TODAY)
    except DataError as exc:
        raise UsageError(str(exc)) from None
    if not report.examples:
        raise UsageError(f"no examples in {args.file}")
    if args.json:
        print_json(report.as_dict())
    else:
        print(format_report(report))
    return 0
