"""Reading each notice type from pasted text and from a generated PDF, in Russian and Kazakh, and explaining it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.notices import NoticeReadError, NoticeType, explain_notice, read_file, read_pdf, read_text
from core.notices.explain import notice_amount
from core.notices.model import Notice
from tests.core.notices.pdfs import notice_pdf
from tests.core.notices.samples import SAMPLES, Sample

IDS = [s.key for s in SAMPLES]


def _assert_fields(notice: Notice, sample: Sample) -> None:
    assert notice.type == NoticeType(sample.type)
    assert notice.number == sample.number
    assert notice.date == sample.date
    assert notice.amounts == sample.amounts
    assert notice.form == sample.form
    assert notice.period == sample.period
    assert notice.delivered == sample.delivered
    assert (notice.deadline.date if notice.deadline else None) == sample.deadline


@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
def test_from_text(sample: Sample) -> None:
    _assert_fields(read_text(sample.text), sample)


@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
def test_from_pdf(sample: Sample) -> None:
    _assert_fields(read_pdf(notice_pdf(sample.text)), sample)


@pytest.mark.parametrize("sample", SAMPLES, ids=IDS)
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_explained_in_both_languages(sample: Sample, lang: str) -> None:
    notice = read_text(sample.text)
    text = explain_notice(notice, lang, today=dt.date(2026, 1, 5))  # type: ignore[arg-type]
    assert sample.number in text
    lines = text.splitlines()
    assert len(lines) >= 4
    if lang == "kk":
        assert "Не істеу керек" in text
        assert "Ештеңе істемесеңіз" in text
    else:
        assert "Что сделать" in text
        assert "Если ничего не делать" in text
    if sample.deadline:
        assert f"{sample.deadline:%d.%m.%Y}" in text
    for amount in sample.amounts.values():
        assert notice_amount(amount) in text


def test_deadline_left_and_passed() -> None:
    notice = read_text(SAMPLES[0].text)  # deadline 18.03.2026
    assert "Осталось рабочих дней: 1." in explain_notice(notice, "ru", today=dt.date(2026, 3, 18))
    assert "Срок прошёл" in explain_notice(notice, "ru", today=dt.date(2026, 3, 19))
    assert "Мерзімі өтті" in explain_notice(notice, "kk", today=dt.date(2026, 3, 19))


def test_suspension_has_no_response_period() -> None:
    notice = read_text(next(s for s in SAMPLES if s.type == "account_suspension").text)
    assert notice.deadline is None
    assert "действуйте сразу" in explain_notice(notice, "ru")


def test_payment_of_the_arrears_is_recognised() -> None:
    by_key = {s.key: read_text(s.text) for s in SAMPLES}
    assert by_key["arrears_ru"].payment == "ipn"
    assert by_key["arrears_kk"].payment == "so"


def test_not_a_notice() -> None:
    with pytest.raises(NoticeReadError) as info:
        read_text("Привет! Как дела? Пришли фото кота.")
    assert info.value.code == "not_a_notice"
    assert info.value.text("kk")


def test_empty_and_scanned_pdf_need_text() -> None:
    with pytest.raises(NoticeReadError) as info:
        read_pdf(notice_pdf(""))
    assert info.value.code in {"no_text", "not_a_notice"}
    with pytest.raises(NoticeReadError) as info:
        read_text("   \n ")
    assert info.value.code == "no_text"


def test_broken_pdf() -> None:
    with pytest.raises(NoticeReadError) as info:
        read_pdf(b"%PDF-1.7 this is not really a pdf")
    assert info.value.code in {"unreadable", "no_text"}


def test_photo_is_refused_with_a_request_to_paste(tmp_path: Path) -> None:
    photo = tmp_path / "notice.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not a real jpeg")
    with pytest.raises(NoticeReadError) as info:
        read_file(photo)
    assert info.value.code in {"photo", "unclear"}  # "photo" without Tesseract; with it, not a decodable image
    assert "вставьте текст" in info.value.text("ru")


def test_cp1251_text_file(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_bytes(SAMPLES[2].text.encode("cp1251"))
    assert read_file(path).number == SAMPLES[2].number
