"""Each document type rendered in Russian and Kazakh, read back from the PDF (pypdf and pdftotext) field by field."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from core.documents import from_mapping, qr_payload, render_pdf
from core.documents.labels import LABELS
from core.documents.model import DocumentKind
from core.documents.words import Language
from tests.core.documents.samples import BUYER_BIN, SELLER_IIN, document_data, pdftotext_text, pypdf_text, vat_payer

KINDS: tuple[DocumentKind, ...] = ("invoice", "act", "waybill")
LANGS: tuple[Language, ...] = ("ru", "kk")
WORDS = {
    # 253 752 = 250 000 + round(3 × 1 250,50 = 3 751,50 → 3 752)
    ("ru", 253752): "Двести пятьдесят три тысячи семьсот пятьдесят два тенге 00 тиынов",
    ("kk", 253752): "Екі жүз елу үш мың жеті жүз елу екі теңге 00 тиын",
    # + VAT 16 %: 40 000 + round(600,32) = 40 600
    ("ru", 294352): "Двести девяносто четыре тысячи триста пятьдесят два тенге 00 тиынов",
    ("kk", 294352): "Екі жүз тоқсан төрт мың үш жүз елу екі теңге 00 тиын",
    # + VAT 12 % (2025): 30 000 + round(450,24) = 30 450
    ("ru", 284202): "Двести восемьдесят четыре тысячи двести два тенге 00 тиынов",
    ("kk", 284202): "Екі жүз сексен төрт мың екі жүз екі теңге 00 тиын",
}


def _texts(pdf: bytes) -> list[str]:
    found = [pypdf_text(pdf)]
    poppler = pdftotext_text(pdf)
    if poppler is not None:
        found.append(poppler)
    return found


def _common(text: str, language: Language) -> None:
    for expected in (
        "ИП Әлиев Қанат", SELLER_IIN, "г. Алматы, ул. Абая 1", "ТОО «Альфа»", BUYER_BIN,
        "г. Астана, пр. Мәңгілік Ел 8", "№ 5 от 01.02.2026", "Разработка сайта", "Хостинг: әғқңөұүһі",
        "услуга", "мес.", "250 000", "1 250,50", "3 752", "Әлиев Қ.",
    ):  # fmt: skip
        assert expected in text, expected


def _kind_fields(text: str, kind: DocumentKind, language: Language) -> None:
    t = LABELS[language]
    if kind == "invoice":
        title = (
            "Счёт на оплату № 12 от 1 декабря 2026 г."
            if language == "ru"
            else "2026 жылғы 1 желтоқсандағы № 12 төлем шоты"
        )
        assert title in text
        for expected in ("KZ86125KZT5004100100", "KCJBKZKX", "АО «Банк ЦентрКредит»", "19", "859"):
            assert expected in text, expected
        assert t["inv_to_pay"] in text
        assert t["inv_sample"] in text
    else:
        assert "01.12.2026" in text
        assert t["doc_number"] in text
        assert t["doc_date"] in text
        assert t["act_title"].rstrip("*") in text if kind == "act" else t["wb_title"] in text
        assert t["act_form"] in text if kind == "act" else t["wb_form"] in text
        signatures = ("act_handed", "act_accepted") if kind == "act" else ("wb_allowed", "wb_received")
        assert all(t[key] in text for key in signatures)
    if kind == "waybill":
        assert "H-1" in text


@pytest.mark.parametrize("language", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_field_reads_back_without_vat(kind: DocumentKind, language: Language) -> None:
    document = from_mapping(document_data(), kind=kind)
    for text in _texts(render_pdf(document, language)):
        _common(text, language)
        _kind_fields(text, kind, language)
        assert "253 752" in text
        assert WORDS[(language, 253752)] in text
        vat_word = "НДС" if language == "ru" else "ҚҚС"
        assert text.count(vat_word) == 1
        assert LABELS[language]["no_vat"] in text


@pytest.mark.parametrize("language", LANGS)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("date", "rate", "vat", "gross"), [("2026-12-01", 16, "40 600", 294352),
                                                             ("2025-12-31", 12, "30 450", 284202)])  # fmt: skip
def test_vat_lines_for_a_vat_payer_by_date(
    kind: DocumentKind, language: Language, date: str, rate: int, vat: str, gross: int
) -> None:
    document = from_mapping(vat_payer(document_data(date=date)), kind=kind)
    label = LABELS[language]["vat_line"].format(rate=rate)
    for text in _texts(render_pdf(document, language)):
        assert label in text
        assert vat in text
        assert f"{gross // 1000} {gross % 1000:03d}" in text
        assert WORDS[(language, gross)] in text
        assert "0012345" in text  # the VAT registration certificate


def test_font_embedded_and_deterministic() -> None:
    document = from_mapping(document_data(), kind="invoice")
    pdf = render_pdf(document, "kk")
    assert pdf == render_pdf(document, "kk")
    reader = PdfReader(io.BytesIO(pdf))
    fonts: list[Any] = []
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        fonts.append(font.get_object())
    assert fonts
    assert all("DejaVu" in str(f["/BaseFont"]) for f in fonts)
    descendant = fonts[0]["/DescendantFonts"][0].get_object()
    assert "/FontFile2" in descendant["/FontDescriptor"]  # embedded, not referenced


def test_invoice_has_a_qr_code_with_the_payment_details() -> None:
    document = from_mapping(vat_payer(document_data()), kind="invoice")
    payload = qr_payload(document, "ru")
    for expected in ("KZ86125KZT5004100100", "KCJBKZKX", SELLER_IIN, "294352.00 KZT", "Кбе: 19", "КНП: 859"):
        assert expected in payload.replace("Код назначения платежа", "КНП"), expected
    assert "Оплата по счёту № 12 от 1 декабря 2026 г." in payload
    reader = PdfReader(io.BytesIO(render_pdf(document, "ru")))
    assert len(reader.pages[0].images) == 1
    act = PdfReader(io.BytesIO(render_pdf(from_mapping(document_data(), kind="act"), "ru")))
    assert len(act.pages[0].images) == 0


def test_labels_have_the_same_keys_in_both_languages() -> None:
    assert set(LABELS["ru"]) == set(LABELS["kk"])


def test_many_lines_flow_onto_more_pages() -> None:
    items = [{"description": f"Позиция {i}", "unit": "шт.", "quantity": "1", "price": "100"} for i in range(1, 81)]
    for kind in KINDS:
        pdf = render_pdf(from_mapping(document_data(items=items), kind=kind), "ru")
        reader = PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) >= 2
        text = pypdf_text(pdf)
        assert "Позиция 80" in text
        assert "8 000" in text
