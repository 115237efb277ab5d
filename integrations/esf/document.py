"""The plain document an ESF is built from (счёт-фактура): seller, buyer, number, dates, line items.

This is the contract between ``core/documents`` (invoices, acts, waybills) and the ESF builder: a document maps onto
``EsfDocument`` field by field, and ``EsfDocument.from_json`` reads the same shape from JSON (``docs/esf.md``).
Money is ``Decimal`` (JSON numbers are read from their text, never through ``float``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any


class DocumentError(ValueError):
    """The input document is incomplete or malformed; the message names the field."""


@dataclass(frozen=True, slots=True)
class Seller:
    """B: the seller (ИП or company). A VAT payer carries the VAT registration series and number."""

    tin: str
    name: str
    address: str
    vat_payer: bool = False
    vat_certificate_series: str | None = None
    vat_certificate_num: str | None = None
    iik: str | None = None
    bik: str | None = None
    bank: str | None = None
    kbe: str | None = None


@dataclass(frozen=True, slots=True)
class Buyer:
    """C: the buyer. ``tin`` may be absent only for a non-resident."""

    name: str
    tin: str | None = None
    address: str | None = None
    country_code: str = "KZ"
    statuses: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Item:
    """G: one line. ``price`` is the unit price without VAT; ``unit`` the unit-of-measure code (МКЕИ: 796 — штука).

    ``vat_rate``: ``None`` (the default) — the standard rate in force on the turnover date for a VAT payer, no VAT
    for a non-payer; ``EXEMPT`` — a VAT payer's line without VAT; an integer percent — that rate.
    """

    description: str
    quantity: Decimal
    price: Decimal
    unit: str = "796"
    vat_rate: int | str | None = None
    tnved_code: str | None = None
    tru_origin_code: int = 6
    catalog_tru_id: str = "1"


EXEMPT = "exempt"


@dataclass(frozen=True, slots=True)
class EsfDocument:
    """An ordinary e-invoice (ORDINARY_INVOICE) of one seller to one buyer."""

    seller: Seller
    buyer: Buyer
    number: str
    date: dt.date
    turnover_date: dt.date
    items: tuple[Item, ...]
    operator_fullname: str | None = None
    contract_num: str | None = None
    contract_date: dt.date | None = None
    delivery_doc_num: str | None = None
    delivery_doc_date: dt.date | None = None
    add_inf: str | None = None

    @classmethod
    def from_json(cls, text: str | bytes) -> EsfDocument:
        """Parse the documented JSON shape; ``DocumentError`` names the first bad field."""
        try:
            raw = json.loads(text, parse_float=Decimal, parse_int=Decimal)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise DocumentError(f"not JSON: {exc}") from None
        return cls.from_mapping(raw)

    @classmethod
    def from_mapping(cls, raw: Any) -> EsfDocument:
        """Build from a parsed mapping (numbers may be ``Decimal``, ``int`` or numeric strings)."""
        data = _mapping(raw, "document")
        items_raw = data.get("items")
        if not isinstance(items_raw, list) or not items_raw:
            raise DocumentError("items: at least one line item is required")
        seller = _seller(_mapping(data.get("seller"), "seller"))
        return cls(
            seller=seller,
            buyer=_buyer(_mapping(data.get("buyer"), "buyer")),
            number=_text(data, "number", "number"),
            date=_date(data, "date", "date"),
            turnover_date=_date(data, "turnover_date", "turnover_date", default=data.get("date")),
            items=tuple(_item(_mapping(it, f"items[{i}]"), f"items[{i}]") for i, it in enumerate(items_raw)),
            operator_fullname=_opt_text(data, "operator_fullname", "operator_fullname"),
            contract_num=_opt_text(data, "contract_num", "contract_num"),
            contract_date=_opt_date(data, "contract_date", "contract_date"),
            delivery_doc_num=_opt_text(data, "delivery_doc_num", "delivery_doc_num"),
            delivery_doc_date=_opt_date(data, "delivery_doc_date", "delivery_doc_date"),
            add_inf=_opt_text(data, "add_inf", "add_inf"),
        )


def _mapping(raw: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise DocumentError(f"{where}: an object is required")
    return raw


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise DocumentError(f"{where}: a non-empty string is required")
    return value.strip()


def _opt_text(data: Mapping[str, Any], key: str, where: str) -> str | None:
    return None if data.get(key) in (None, "") else _text(data, key, where)


def _date(data: Mapping[str, Any], key: str, where: str, default: Any = None) -> dt.date:
    value = data.get(key, default)
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise DocumentError(f"{where}: a date YYYY-MM-DD is required")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DocumentError(f"{where}: not a date YYYY-MM-DD: {value!r}") from None


def _opt_date(data: Mapping[str, Any], key: str, where: str) -> dt.date | None:
    return None if data.get(key) in (None, "") else _date(data, key, where)


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool):
        raise DocumentError(f"{where}: a number is required")
    try:
        number = Decimal(str(value)) if isinstance(value, int | str | Decimal) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise DocumentError(f"{where}: a number is required")
    return number


def _seller(data: Mapping[str, Any]) -> Seller:
    vat_payer = data.get("vat_payer", False)
    if not isinstance(vat_payer, bool):
        raise DocumentError("seller.vat_payer: true or false")
    series = _opt_text(data, "vat_certificate_series", "seller.vat_certificate_series")
    num = _opt_text(data, "vat_certificate_num", "seller.vat_certificate_num")
    if vat_payer and not (series and num):
        raise DocumentError("seller: a VAT payer needs vat_certificate_series and vat_certificate_num")
    if not vat_payer and (series or num):
        raise DocumentError("seller: VAT registration given but vat_payer is false")
    return Seller(
        tin=_text(data, "tin", "seller.tin"),
        name=_text(data, "name", "seller.name"),
        address=_text(data, "address", "seller.address"),
        vat_payer=vat_payer,
        vat_certificate_series=series,
        vat_certificate_num=num,
        iik=_opt_text(data, "iik", "seller.iik"),
        bik=_opt_text(data, "bik", "seller.bik"),
        bank=_opt_text(data, "bank", "seller.bank"),
        kbe=_opt_text(data, "kbe", "seller.kbe"),
    )


def _buyer(data: Mapping[str, Any]) -> Buyer:
    statuses = data.get("statuses") or []
    if not isinstance(statuses, list) or not all(isinstance(s, str) for s in statuses):
        raise DocumentError("buyer.statuses: a list of strings")
    return Buyer(
        name=_text(data, "name", "buyer.name"),
        tin=_opt_text(data, "tin", "buyer.tin"),
        address=_opt_text(data, "address", "buyer.address"),
        country_code=_opt_text(data, "country_code", "buyer.country_code") or "KZ",
        statuses=tuple(statuses),
    )


def _vat_rate(data: Mapping[str, Any], where: str) -> int | str | None:
    if "vat_rate" not in data or data["vat_rate"] is None:
        return None
    value = data["vat_rate"]
    if value == EXEMPT:
        return EXEMPT
    rate = _decimal(value, f"{where}.vat_rate")
    if rate != rate.to_integral_value() or not 0 <= rate <= 100:
        raise DocumentError(f'{where}.vat_rate: a whole percent (e.g. 16), null or "exempt"')
    return int(rate)


def _item(data: Mapping[str, Any], where: str) -> Item:
    quantity = _decimal(data.get("quantity"), f"{where}.quantity")
    price = _decimal(data.get("price"), f"{where}.price")
    if quantity <= 0:
        raise DocumentError(f"{where}.quantity: must be positive")
    if price < 0:
        raise DocumentError(f"{where}.price: must not be negative")
    origin = _decimal(data.get("tru_origin_code", 6), f"{where}.tru_origin_code")
    if origin not in range(1, 7):
        raise DocumentError(f"{where}.tru_origin_code: 1…6")
    unit = _opt_text(data, "unit", f"{where}.unit") or "796"
    if not (unit.isascii() and unit.isdigit() and len(unit) <= 10):
        raise DocumentError(f"{where}.unit: a unit-of-measure code in digits (796 — штука)")
    return Item(
        description=_text(data, "description", f"{where}.description"),
        quantity=quantity,
        price=price,
        unit=unit,
        vat_rate=_vat_rate(data, where),
        tnved_code=_opt_text(data, "tnved_code", f"{where}.tnved_code"),
        tru_origin_code=int(origin),
        catalog_tru_id=_opt_text(data, "catalog_tru_id", f"{where}.catalog_tru_id") or "1",
    )
