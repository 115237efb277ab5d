"""Sample documents and PDF text extraction shared by the documents tests."""

from __future__ import annotations

import io
import shutil
import subprocess
from typing import Any

from pypdf import PdfReader

SELLER_IIN = "900101300007"
BUYER_BIN = "240140000120"


def document_data(**overrides: Any) -> dict[str, Any]:
    """A complete document in the CLI's JSON shape; ``overrides`` replace top-level keys."""
    data: dict[str, Any] = {
        "number": "12",
        "date": "2026-12-01",
        "contract": "№ 5 от 01.02.2026",
        "knp": "859",
        "seller": {
            "name": "ИП Әлиев Қанат",
            "bin_iin": SELLER_IIN,
            "address": "г. Алматы, ул. Абая 1",
            "iban": "KZ86 125K ZT50 0410 0100",
            "bic": "KCJBKZKX",
            "bank": "АО «Банк ЦентрКредит»",
            "kbe": "19",
            "vat_payer": False,
            "signatory": "Әлиев Қ.",
        },
        "buyer": {"name": "ТОО «Альфа»", "bin_iin": BUYER_BIN, "address": "г. Астана, пр. Мәңгілік Ел 8"},
        "items": [
            {"description": "Разработка сайта", "unit": "услуга", "quantity": "1", "price": "250000"},
            {"description": "Хостинг: әғқңөұүһі", "unit": "мес.", "quantity": "3", "price": "1250.50", "code": "H-1"},
        ],
    }
    data.update(overrides)
    return data


def vat_payer(data: dict[str, Any]) -> dict[str, Any]:
    """The same data with a VAT-paying seller."""
    seller = {**data["seller"], "vat_payer": True, "vat_certificate_series": "60001", "vat_certificate_num": "0012345"}
    return {**data, "seller": seller}


def flat(text: str) -> str:
    """Whitespace collapsed: wrapped table cells read as one line."""
    return " ".join(text.split())


def pypdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return flat(" ".join(page.extract_text() or "" for page in reader.pages))


def pdftotext_text(pdf: bytes) -> str | None:
    """The text by poppler's pdftotext, or ``None`` where it is not installed."""
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    done = subprocess.run([exe, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True, timeout=30)
    return flat(done.stdout.decode("utf-8"))
