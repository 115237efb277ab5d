"""``asistent oked search``: ОКЭД codes for an activity described in the user's words (issue 9 item 5 — stable).

    asistent oked search "ремонт телефонов" [--limit 5] [--lang ru|kk] [--json]

With ``--json``: ``{"query", "results": [{"code", "name_ru", "name_kk", "score"}]}``, best first. An empty query or a
bad limit exits 2 with one line.
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import UsageError, print_json
from core.registration.oked import search


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"--limit must be a whole number, got {text!r}") from None
    if not 1 <= value <= 50:
        raise UsageError(f"--limit must be between 1 and 50, got {value}")
    return value


def register(subparsers: Any) -> None:
    """Add ``oked search``."""
    oked = subparsers.add_parser("oked", help="ОКЭД activity codes")
    sub = oked.add_subparsers(dest="oked_command", required=True, parser_class=type(oked))
    find = sub.add_parser("search", help="codes for an activity in your own words (Russian or Kazakh)")
    find.add_argument("query", help='what you do, e.g. "ремонт телефонов" or "телефон жөндеу"')
    find.add_argument("--limit", type=_limit, default=5, help="how many codes (default 5)")
    find.add_argument("--lang", choices=("ru", "kk"), default="ru", help="language of the names in the text output")
    find.add_argument("--json", action="store_true", help="print JSON")
    find.set_defaults(handler=run_search)


def run_search(args: argparse.Namespace) -> int:
    query: str = args.query
    if not query.strip():
        raise UsageError("the query is empty: describe the activity, e.g. «ремонт телефонов»")
    results = search(query, args.limit)
    if args.json:
        print_json({"query": query, "results": [m.to_json() for m in results]})
        return 0
    if not results:
        print("Ничего не нашёл — опишите деятельность другими словами." if args.lang == "ru" else "Ештеңе табылмады.")
    for match in results:
        print(f"{match.entry.code}  {match.entry.name(args.lang)}")
    return 0
