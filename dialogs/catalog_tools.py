"""Message extraction for the catalogs (Babel's Python extractor over ``dialogs/``), used by the completeness test
and by ``python -m dialogs.catalog_tools`` to list ids missing from a catalog."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir

from dialogs.i18n import LANGUAGES, catalog

DIALOGS_DIR = Path(__file__).parent
KEYWORDS = {"t": None, "N_": None}


def used_messages() -> dict[str, str]:
    """Every message id marked in the dialogs' code → where it is first used."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(DIALOGS_DIR), keywords=KEYWORDS, comment_tags=()
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, f"{filename}:{lineno}")
    return found


def missing(lang: str) -> list[str]:
    messages = catalog("kk" if lang == "kk" else "ru")
    return sorted(m for m in used_messages() if m not in messages)


if __name__ == "__main__":
    for lang in LANGUAGES:
        for message in missing(lang):
            sys.stdout.write(f"{lang}\t{message}\n")
