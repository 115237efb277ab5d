"""Fonts embedded in the PDFs (DejaVu Sans: Cyrillic and the Kazakh letters ә ғ қ ң ө ұ ү һ і; licence beside it)."""

from pathlib import Path

FONTS_DIR = Path(__file__).parent
