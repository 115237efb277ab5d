"""Generated notice PDFs (fpdf2 with a Cyrillic/Kazakh TTF font) — made in the test, never stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

ROOT = Path(__file__).resolve().parents[3]
FONTS = (
    ROOT / "core" / "documents" / "fonts" / "DejaVuSans.ttf",
    ROOT / "core" / "payments" / "fonts" / "DejaVuSans.ttf",
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)


def font_or_skip() -> Path:
    for font in FONTS:
        if font.is_file():
            return font
    pytest.skip("no DejaVuSans.ttf to render Cyrillic in a test PDF")


def notice_pdf(text: str) -> bytes:
    """A one- or two-page A4 PDF with ``text`` as its text layer, line by line."""
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=str(font_or_skip()))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    for line in text.splitlines():
        pdf.multi_cell(0, 5, line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
