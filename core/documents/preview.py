"""What the chat shows before "выставить": the key fields as text, and optionally an image of the first page.

``summary`` needs nothing outside Python. ``preview_png`` uses poppler's ``pdftoppm`` when it is on the machine and
returns ``None`` otherwise (or when it fails or takes too long) — the chat then shows the summary alone; no image
library is a hard dependency. It blocks: call it from a worker thread (``asyncio.to_thread``) in async code.
"""

from __future__ import annotations

import shutil
import subprocess

from core.documents.amounts import totals
from core.documents.labels import LABELS
from core.documents.model import Document
from core.documents.pdf import title_of
from core.documents.words import Language, amount_in_words, format_money, format_quantity


def summary(document: Document, language: Language = "ru") -> str:
    """Title, buyer, lines, VAT and the total in figures and words — one field per line."""
    t = LABELS[language]
    sums = totals(document)
    buyer_label = t["inv_buyer"] if document.kind != "act" else t["act_customer"]
    buyer = document.buyer
    lines = [title_of(document, language) if document.number else t[f"kind_{document.kind}_nom"].capitalize()]
    lines.append(f"{buyer_label}: {buyer.name}" + (f", {t['bin_iin']} {buyer.bin_iin}" if buyer.bin_iin else ""))
    for i, line in enumerate(sums.lines, start=1):
        item = line.item
        lines.append(
            f"{i}. {item.description} — {format_quantity(item.quantity)} {item.unit} × {format_money(item.price)}"
            f" = {format_money(line.amount)}"
        )
    if sums.vat is not None:
        lines.append(f"{t['vat_line'].format(rate=sums.rate_percent)}: {format_money(sums.vat)}")
    else:
        lines.append(t["no_vat"])
    lines.append(f"{t['total']}: {format_money(sums.gross)} KZT")
    lines.append(amount_in_words(sums.gross, language))
    return "\n".join(lines)


def preview_png(pdf: bytes, *, dpi: int = 80, timeout: float = 20.0) -> bytes | None:
    """The first page as PNG via ``pdftoppm``, or ``None`` where it is missing or fails."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        return None
    try:
        # "-" reads the PDF from stdin; with no output root, -singlefile writes the PNG to stdout
        done = subprocess.run(  # noqa: S603 - a fixed executable and arguments
            [exe, "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", "-"],
            input=pdf,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0 or not done.stdout.startswith(b"\x89PNG"):
        return None
    return done.stdout
