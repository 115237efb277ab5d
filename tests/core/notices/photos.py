"""Photo-like images of a notice, made in the test with Pillow and the bundled DejaVu font (never stored).

A phone photo of an A4 page as Telegram delivers it: 1280 px wide, off-white paper, slightly rotated, a little
blurred, JPEG-compressed.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = Path(__file__).resolve().parents[3] / "core" / "fonts" / "DejaVuSans.ttf"
WIDTH = 1280
FONT_SIZE = 18
PAPER = (245, 242, 235)
INK = (30, 30, 40)


def notice_photo(text: str, *, fmt: str = "JPEG") -> bytes:
    """``text`` line by line on a 1280 px wide "photo" (rotated 0.8°, blurred, JPEG quality 80)."""
    font = ImageFont.truetype(str(FONT), FONT_SIZE)
    step = round(FONT_SIZE * 1.5)
    lines = text.splitlines()
    image = Image.new("RGB", (WIDTH, 80 + step * len(lines)), PAPER)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((40, 40 + step * i), line, fill=INK, font=font)
    image = image.rotate(0.8, expand=True, fillcolor=PAPER, resample=Image.Resampling.BICUBIC)
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": 80} if fmt == "JPEG" else {}))
    return out.getvalue()


def scanned_pdf(text: str) -> bytes:
    """A PDF that is only a picture of the page (no text layer), as a scanner makes it."""
    with Image.open(io.BytesIO(notice_photo(text))) as photo:
        out = io.BytesIO()
        photo.convert("RGB").save(out, "PDF", resolution=150.0)
    return out.getvalue()


def blurred_photo(text: str, radius: float = 5.0) -> bytes:
    """An out-of-focus photo of the notice: nothing in it can be read."""
    with Image.open(io.BytesIO(notice_photo(text))) as photo:
        out = io.BytesIO()
        photo.filter(ImageFilter.GaussianBlur(radius)).save(out, "JPEG", quality=80)
    return out.getvalue()


def noise_photo(seed: int = 7) -> bytes:
    """A photo of nothing readable: random grey speckles."""
    rng = random.Random(seed)
    image = Image.new("L", (320, 200))
    image.putdata([rng.randrange(256) for _ in range(320 * 200)])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()
