"""Test documents: a VAT payer in 2025 (12 %) and 2026 (16 %), a non-VAT ИП; helpers to break their XML."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from lxml import etree

from integrations.esf import EsfDocument, build_invoice

SELLER_IP = "900101300007"  # ИП Тестов (valid ИИН, integrations.md §6.1)
SELLER_TOO = "990140000483"  # a VAT-registered company (valid БИН)
BUYER = "240140000120"  # ТОО «Пример» (synthetic valid БИН)
TEST_IIN = "123456789011"  # the NCA test identity (checksum-invalid)

NON_VAT: dict[str, Any] = {
    "seller": {"tin": SELLER_IP, "name": "ИП Тестов", "address": "Алматы, ул. Абая 1"},
    "buyer": {"tin": BUYER, "name": "ТОО «Пример»", "address": "Астана"},
    "number": "1",
    "date": "2026-11-20",
    "turnover_date": "2026-11-20",
    "operator_fullname": "Тестов Тест",
    "items": [
        {"description": "Разработка сайта", "unit": "796", "quantity": 1, "price": 250000},
        {"description": "Консультация, час", "unit": "356", "quantity": "2.5", "price": "10000.40"},
    ],
}

VAT_2025: dict[str, Any] = {
    "seller": {
        "tin": SELLER_TOO,
        "name": "ТОО «Альфа»",
        "address": "Алматы",
        "vat_payer": True,
        "vat_certificate_series": "60001",
        "vat_certificate_num": "0012345",
        "iik": "KZ86125KZT5004100100",
        "bik": "KCJBKZKX",
    },
    "buyer": {"tin": BUYER, "name": "ТОО «Пример»", "address": "Астана"},
    "number": "125",
    "date": "2025-12-30",
    "turnover_date": "2025-12-29",
    "contract_num": "7",
    "contract_date": "2025-01-10",
    "items": [
        {"description": "Бумага А4", "unit": "796", "quantity": 3, "price": "1999.99"},
        {"description": "Доставка", "quantity": 1, "price": 5000},
    ],
}

VAT_2026: dict[str, Any] = {
    **copy.deepcopy(VAT_2025),
    "number": "126",
    "date": "2026-01-05",
    "turnover_date": "2026-01-05",
}


def document(raw: dict[str, Any], **changes: Any) -> EsfDocument:
    return EsfDocument.from_mapping(json.loads(json.dumps({**raw, **changes})))


def xml_of(raw: dict[str, Any], **changes: Any) -> bytes:
    return build_invoice(document(raw, **changes))


def edit(xml: bytes, path: str, text: str | None) -> bytes:
    """Set (or with ``None`` remove) the text of the first element at ``path``."""
    root = etree.fromstring(xml)
    node = root.find(path)
    assert node is not None, path
    if text is None:
        parent = node.getparent()
        assert parent is not None
        parent.remove(node)
    else:
        node.text = text
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def add(xml: bytes, path: str, tag: str, text: str) -> bytes:
    root = etree.fromstring(xml)
    node = root.find(path)
    assert node is not None, path
    etree.SubElement(node, tag).text = text
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def write_json(tmp: Path, raw: dict[str, Any], name: str = "doc.json") -> Path:
    path = tmp / name
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path
