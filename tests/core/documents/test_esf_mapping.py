"""A document maps onto the ESF builder's input unchanged, and the sandbox's rules accept the XML built from it."""

from __future__ import annotations

import datetime as dt

import pytest

from core.documents import from_mapping
from core.documents.esf import esf_mapping
from tests.core.documents.samples import document_data, vat_payer

esf = pytest.importorskip("integrations.esf")


@pytest.mark.parametrize("payer", [False, True])
def test_esf_accepts_the_mapped_document(payer: bool) -> None:
    data = vat_payer(document_data()) if payer else document_data()
    document = from_mapping(data, kind="invoice")
    mapped = esf.EsfDocument.from_mapping(esf_mapping(document))
    assert (mapped.number, mapped.date, mapped.seller.tin, mapped.buyer.tin) == (
        "12", dt.date(2026, 12, 1), "900101300007", "240140000120",
    )  # fmt: skip
    assert [(i.description, i.quantity, i.price) for i in mapped.items] == [
        (i.description, i.quantity, i.price) for i in document.items
    ]
    assert esf.check_invoice(esf.build_invoice(mapped), esf.CheckContext(today=dt.date(2026, 12, 2))) == []


def test_draft_has_no_esf() -> None:
    draft = from_mapping(document_data(number=None), kind="invoice", need_number=False)
    with pytest.raises(ValueError, match="issued document"):
        esf_mapping(draft)
