"""A document as the plain JSON mapping the ESF builder reads (``integrations/esf``, ``docs/esf.md``).

``core`` must not import ``integrations``, so this returns the documented shape — ``EsfDocument.from_mapping`` takes
it unchanged: seller (tin, name, address, VAT registration, iik/bik/bank/kbe), buyer (tin, name, address), number,
date, turnover date, contract, and the lines with their unit code, quantity and price without VAT. The VAT rate is
left to the ESF builder (the standard rate on the turnover date for a VAT payer, none for a non-payer) — the same
parameter ``vat.rate`` our PDF uses.
"""

from __future__ import annotations

from typing import Any

from core.documents.model import Document, LineItem, Party


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def _seller(party: Party) -> dict[str, Any]:
    return _drop_none(
        {
            "tin": party.bin_iin,
            "name": party.name,
            "address": party.address,
            "vat_payer": party.vat_payer,
            "vat_certificate_series": party.vat_certificate_series if party.vat_payer else None,
            "vat_certificate_num": party.vat_certificate_num if party.vat_payer else None,
            "iik": party.iban,
            "bik": party.bic,
            "bank": party.bank,
            "kbe": party.kbe,
        }
    )


def _item(item: LineItem) -> dict[str, Any]:
    return _drop_none(
        {
            "description": item.description,
            "quantity": str(item.quantity),
            "price": str(item.price),
            "unit": item.unit_code,
        }
    )


def esf_mapping(document: Document) -> dict[str, Any]:
    """The ESF input of ``document`` (an issued one: its number must be set)."""
    if not document.number:
        raise ValueError("an ESF is built from an issued document (with a number)")
    buyer = document.buyer
    return _drop_none(
        {
            "number": document.number,
            "date": document.date.isoformat(),
            "turnover_date": document.on_turnover.isoformat(),
            "seller": _seller(document.seller),
            "buyer": _drop_none({"name": buyer.name, "tin": buyer.bin_iin, "address": buyer.address}),
            "items": [_item(item) for item in document.items],
            "operator_fullname": document.seller.signatory,
            "contract_num": document.contract,
            "add_inf": document.note,
        }
    )
