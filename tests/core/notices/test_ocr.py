"""Reading a photo of a notice (and a scanned PDF) with Tesseract: the same fields as from the text.

Each photo is read once per module (a run is well under a second with ``OMP_THREAD_LIMIT=1``).
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from core.notices import NoticeReadError, NoticeType, explain_notice, ocr, read_file, read_image, read_pdf
from core.notices.model import Notice
from tests.conftest import ocr_or_skip
from tests.core.notices.photos import noise_photo, notice_photo, scanned_pdf
from tests.core.notices.samples import SAMPLES

BY_KEY = {s.key: s for s in SAMPLES}
PHOTOS = ("non_filing_ru", "arrears_ru", "arrears_kk", "desk_audit_ru", "vat_registration_kk")


@pytest.fixture(scope="module")
def read() -> dict[str, Notice]:
    ocr_or_skip()
    return {key: read_image(notice_photo(BY_KEY[key].text)) for key in PHOTOS}


@pytest.fixture
def no_tesseract(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    ocr.tesseract_binary.cache_clear()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    yield
    monkeypatch.undo()
    ocr.tesseract_binary.cache_clear()


@pytest.mark.parametrize("key", PHOTOS)
def test_photo_gives_type_number_date_amounts_deadline(read: dict[str, Notice], key: str) -> None:
    notice, sample = read[key], BY_KEY[key]
    assert notice.type == NoticeType(sample.type)
    assert notice.number == sample.number
    assert notice.date == sample.date
    assert notice.amounts == sample.amounts
    assert notice.delivered == sample.delivered
    assert (notice.deadline.date if notice.deadline else None) == sample.deadline


def test_photo_explained_like_text(read: dict[str, Notice]) -> None:
    sample = BY_KEY["arrears_kk"]
    text = explain_notice(read["arrears_kk"], "kk", today=sample.date)
    assert sample.number in text
    assert "Не істеу керек" in text


def test_png_and_a_file_on_disk(tmp_path: Path) -> None:
    ocr_or_skip()
    sample = BY_KEY["non_filing_kk"]
    path = tmp_path / "notice.png"
    path.write_bytes(notice_photo(sample.text, fmt="PNG"))
    notice = read_file(path)
    assert (notice.type, notice.number, notice.date) == (NoticeType.NON_FILING, sample.number, sample.date)


def test_scanned_pdf_without_text_layer() -> None:
    ocr_or_skip()
    sample = BY_KEY["arrears_ru"]
    notice = read_pdf(scanned_pdf(sample.text))
    assert (notice.type, notice.number, notice.amounts) == (NoticeType.ARREARS, sample.number, sample.amounts)


def test_noise_is_unclear_and_asks_for_pdf_or_text() -> None:
    ocr_or_skip()
    with pytest.raises(NoticeReadError) as info:
        read_image(noise_photo())
    assert info.value.code == "unclear"
    assert "PDF" in info.value.text("ru")
    assert "PDF" in info.value.text("kk")


@pytest.mark.parametrize("broken", ["garbage", "truncated"])
def test_not_an_image_is_unclear(broken: str) -> None:
    ocr_or_skip()
    photo = notice_photo("Уведомление")
    data = b"\xff\xd8\xff\xe0 not a real jpeg" if broken == "garbage" else photo[: len(photo) // 2]
    with pytest.raises(NoticeReadError) as info:
        read_image(data)
    assert info.value.code == "unclear"


def test_without_tesseract_photo_is_refused(no_tesseract: None, tmp_path: Path) -> None:
    assert not ocr.available()
    with pytest.raises(ocr.OcrUnavailable, match="tesseract-ocr"):
        read_image(b"\xff\xd8")
    path = tmp_path / "notice.jpg"
    path.write_bytes(b"\xff\xd8")
    with pytest.raises(NoticeReadError) as info:
        read_file(path)
    assert info.value.code == "photo"


def test_normalise_upscales_a_small_photo_to_gray() -> None:
    small = io.BytesIO()
    Image.new("RGB", (640, 400), (200, 10, 10)).save(small, "JPEG")
    with Image.open(io.BytesIO(ocr.normalise(small.getvalue()))) as out:
        assert out.mode == "L"
        assert out.width == ocr.TARGET_WIDTH


@pytest.mark.parametrize(
    ("raw", "tidy"),
    [
        ("Ме КК-2026-01235, 2026", "№ КК-2026-01235, 2026"),
        ("No 6205-2026-000145 от", "№ 6205-2026-000145 от"),
        ("Мектеп 2026 жыл", "Мектеп 2026 жыл"),
        ("№ 12-34", "№ 12-34"),
    ],
)
def test_tidy_number_sign(raw: str, tidy: str) -> None:
    assert ocr.tidy(raw) == tidy
