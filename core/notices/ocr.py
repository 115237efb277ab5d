"""Text from a photo of a notice (or a scanned PDF) with the Tesseract command-line tool, Russian + Kazakh.

Why the CLI and not a Python binding: no new dependency; Debian ships ``tesseract-ocr`` with the ``rus`` and ``kaz``
language data (``scripts/test-env.sh`` and the ``Dockerfile`` install them). The image goes in on stdin and the text
comes out on stdout — no temporary file, no shell, a timeout. When the binary or a language is missing the caller
gets :class:`OcrUnavailable` and keeps its polite "send the PDF or the text" answer.

Photos are normalised with Pillow first (EXIF rotation, grayscale, small photos upscaled): Telegram and WhatsApp
deliver a phone photo of an A4 page at ~1280 px wide, where the letters are too small for Tesseract to be sure.
A scanned PDF (no text layer) is rendered page by page with ``pdftoppm`` (poppler-utils) and read the same way.

```mermaid
flowchart LR
    photo[JPEG / PNG] --> norm[Pillow: rotate, gray, upscale] --> tess[tesseract stdin stdout -l rus+kaz] --> text
    scan[scanned PDF] --> ppm[pdftoppm -r 200 -gray] --> norm
```
"""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

LANGUAGES = ("rus", "kaz")
TIMEOUT_SECONDS = 60.0  # one page; a phone photo takes 1–3 s on one core
MAX_PAGES = 3  # notices are one or two pages; a long scan is not a notice
RENDER_DPI = 200
TARGET_WIDTH = 2000  # px: a 1280 px phone photo of A4 is upscaled to about 300 dpi
MAX_PIXELS = 40_000_000  # larger images are scaled down (and no decompression bomb is decoded)
# Tesseract's usual misreadings of the number sign «№» before a notice number: «Ме», «Мо», «No», «N°»
_NUMBER_SIGN = re.compile(r"(^|[\s(])(?:М[ео°]|N[еeоo°º]?)\s*(?=[A-ZА-ЯЁ0-9]{0,4}-?\d{2,})", re.MULTILINE)


class OcrUnavailable(RuntimeError):  # noqa: N818 — the state of the machine, named as the callers read it
    """Tesseract (or its Russian / Kazakh data, or pdftoppm for a scan) is not installed here."""


class OcrError(ValueError):
    """The input is not an image that can be read (not decodable, too big, Tesseract failed or timed out)."""


@functools.cache
def tesseract_binary() -> str:
    """The path of ``tesseract`` with both languages checked once per process, else :class:`OcrUnavailable`."""
    binary = shutil.which("tesseract")
    if binary is None:
        raise OcrUnavailable("the tesseract binary is not installed (Debian: tesseract-ocr)")
    try:
        listed = subprocess.run(  # noqa: S603 - a fixed executable and arguments
            [binary, "--list-langs"], capture_output=True, timeout=TIMEOUT_SECONDS, check=False, env=_env()
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OcrUnavailable(f"tesseract does not run: {exc}") from None
    langs = set((listed.stdout + listed.stderr).decode("utf-8", "replace").split())
    missing = [lang for lang in LANGUAGES if lang not in langs]
    if missing:
        packages = " ".join(f"tesseract-ocr-{lang}" for lang in missing)
        raise OcrUnavailable(f"tesseract has no {'+'.join(missing)} data (Debian: {packages})")
    return binary


def available() -> bool:
    """Whether photos can be read here (the result is cached for the process)."""
    try:
        tesseract_binary()
    except OcrUnavailable:
        return False
    return True


def _env() -> dict[str, str]:
    # one thread per run: the OpenMP threads of Tesseract only slow it down on a shared, small machine
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def normalise(data: bytes) -> bytes:
    """The photo as a grayscale PNG, upright (EXIF), upscaled when small, downscaled when huge."""
    from PIL import Image, ImageOps, UnidentifiedImageError  # loaded only when a photo comes in

    try:
        opened = Image.open(io.BytesIO(data))  # reads the header only
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise OcrError(f"not an image: {type(exc).__name__}") from None
    with opened:
        if opened.width * opened.height > 4 * MAX_PIXELS:
            raise OcrError(f"the image is too large ({opened.width}×{opened.height})")
        try:
            image = ImageOps.exif_transpose(opened).convert("L")
        except (OSError, ValueError) as exc:  # a truncated or corrupt body
            raise OcrError(f"not an image: {type(exc).__name__}") from None
    scale = TARGET_WIDTH / image.width if image.width < TARGET_WIDTH else 1.0
    if image.width * image.height * scale * scale > MAX_PIXELS:
        scale = (MAX_PIXELS / (image.width * image.height)) ** 0.5
    if abs(scale - 1.0) > 0.05:
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def image_text(data: bytes, *, timeout: float = TIMEOUT_SECONDS) -> str:
    """The text Tesseract reads in a JPEG / PNG photo (``rus+kaz``, automatic page layout)."""
    binary = tesseract_binary()
    png = normalise(data)
    try:
        done = subprocess.run(  # noqa: S603 - a fixed executable and arguments; the image goes on stdin
            [binary, "stdin", "stdout", "-l", "+".join(LANGUAGES), "--psm", "3"],
            input=png,
            capture_output=True,
            timeout=timeout,
            check=False,
            env=_env(),
        )
    except subprocess.TimeoutExpired:
        raise OcrError(f"tesseract took longer than {timeout:.0f} s") from None
    except OSError as exc:
        raise OcrUnavailable(f"tesseract does not run: {exc}") from None
    if done.returncode != 0:
        raise OcrError(f"tesseract failed: {done.stderr.decode('utf-8', 'replace').strip()[:200]}")
    return tidy(done.stdout.decode("utf-8", "replace"))


def tidy(text: str) -> str:
    """Undo Tesseract's usual slips that matter to the reader («Ме 6205-…» → «№ 6205-…»)."""
    return _NUMBER_SIGN.sub(r"\1№ ", text)


def pdf_pages_text(data: bytes, *, timeout: float = TIMEOUT_SECONDS) -> str:
    """The text of a scanned PDF: its first pages rendered with ``pdftoppm`` and read one by one."""
    tesseract_binary()
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise OcrUnavailable("pdftoppm is not installed (Debian: poppler-utils)")
    with tempfile.TemporaryDirectory(prefix="asistent-ocr-") as tmp:
        source = Path(tmp) / "scan.pdf"
        source.write_bytes(data)
        command = [pdftoppm, "-r", str(RENDER_DPI), "-gray", "-png", "-f", "1", "-l", str(MAX_PAGES)]
        try:
            done = subprocess.run(  # noqa: S603 - a fixed executable, our own temporary paths
                [*command, str(source), str(Path(tmp) / "page")], capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise OcrError(f"pdftoppm took longer than {timeout:.0f} s") from None
        if done.returncode != 0:
            raise OcrError(f"pdftoppm failed: {done.stderr.decode('utf-8', 'replace').strip()[:200]}")
        pages = sorted(Path(tmp).glob("page*.png"))
        return "\n".join(image_text(page.read_bytes(), timeout=timeout) for page in pages)
