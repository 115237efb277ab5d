"""``asistent ask "вопрос" [--lang ru|kk] [--today YYYY-MM-DD] [--json]`` — a consultation answer with sources.

Stable JSON keys: ``answer``, ``article_id``, ``sources``, ``confidence`` (plus ``route`` and ``lang``).
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import UsageError, parse_date, print_json


def register(subparsers: Any) -> None:
    """Add the ``ask`` sub-command."""
    parser = subparsers.add_parser("ask", help="answer a tax/accounting question from the knowledge base")
    parser.add_argument("question", help="the question, in Russian or Kazakh")
    parser.add_argument("--lang", choices=("ru", "kk"), default=None, help="answer language (default: detected)")
    parser.add_argument("--today", type=parse_date, default=None, help="date whose rules apply (YYYY-MM-DD)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the answer (text, or JSON with ``--json``)."""
    from nlu.consult import ask  # imported here: building the parser must stay cheap for other commands

    question = str(args.question).strip()
    if not question:
        raise UsageError("the question is empty")
    if len(question) > 2000:
        raise UsageError("the question is too long (max 2000 characters)")
    answer = ask(question, lang=args.lang, today=args.today)
    if args.json:
        print_json(answer.as_dict())
        return 0
    print(answer.answer)
    for source in answer.sources:
        print("— " + ", ".join(source[k] for k in ("title", "article", "href") if source.get(k)))
    return 0
