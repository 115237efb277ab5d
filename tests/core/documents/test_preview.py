"""The chat preview: the key fields as text; the first page as PNG only where pdftoppm exists."""

from __future__ import annotations

import shutil

import pytest

from core.documents import from_mapping, render_pdf
from core.documents.preview import preview_png, summary
from tests.core.documents.samples import document_data, vat_payer


def test_summary_ru_and_kk() -> None:
    document = from_mapping(vat_payer(document_data()), kind="invoice")
    ru = summary(document, "ru").splitlines()
    assert ru[0] == "Счёт на оплату № 12 от 1 декабря 2026 г."
    assert ru[1] == "Покупатель: ТОО «Альфа», ИИН/БИН 240140000120"
    assert ru[2] == "1. Разработка сайта — 1 услуга × 250 000 = 250 000"
    assert ru[3] == "2. Хостинг: әғқңөұүһі — 3 мес. × 1 250,50 = 3 752"
    assert ru[4:] == ["НДС 16 %: 40 600", "Итого: 294 352 KZT",
                      "Двести девяносто четыре тысячи триста пятьдесят два тенге 00 тиынов"]  # fmt: skip
    kk = summary(from_mapping(document_data(number=None), kind="act", need_number=False), "kk").splitlines()
    assert kk[0] == "Орындалған жұмыстар актісі"
    assert kk[1].startswith("Тапсырыс беруші: ТОО «Альфа»")
    assert kk[-3:] == ["Салықсыз (ҚҚС)", "Жиыны: 253 752 KZT", "Екі жүз елу үш мың жеті жүз елу екі теңге 00 тиын"]


def test_preview_png_or_none(monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = render_pdf(from_mapping(document_data(), kind="invoice"), "ru")
    if shutil.which("pdftoppm"):
        png = preview_png(pdf)
        assert png is not None
        assert png.startswith(b"\x89PNG")
        assert preview_png(b"not a pdf") is None
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    assert preview_png(pdf) is None
