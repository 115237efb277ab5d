"""Primary documents (первичные документы): счёт на оплату, акт выполненных работ (Р-1), накладная (З-2).

A ``Document`` is an immutable value: seller and buyer (``Party``), number, dates and line items (``LineItem``).
``price`` is the unit price *without* VAT, as on an ESF line (``integrations.esf.document.Item``); the VAT lines are
computed (``core.documents.amounts``) and appear only when the seller is a VAT payer. ``from_mapping`` reads the
JSON shape documented in ``docs/documents.md``; ``to_content``/``from_content`` are the snapshot kept in storage.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, cast, get_args

from core.identity import is_valid_iin_bin

DocumentKind = Literal["invoice", "act", "waybill"]
KINDS: tuple[DocumentKind, ...] = get_args(DocumentKind)
_BIC = re.compile(r"^[A-Z0-9]{8}([A-Z0-9]{3})?$")
_KBE = re.compile(r"^[12][0-9]$")
_KNP = re.compile(r"^[0-9]{3}$")
_MAX_ITEMS = 200
_MAX_TEXT = 500
_MAX_LINE_AMOUNT = Decimal(10) ** 13  # the whole document's sum must fit Numeric(18, 2) in storage


class DocumentInputError(ValueError):
    """The document data is incomplete or malformed; the message names the field (short, for a user or the CLI)."""


@dataclass(frozen=True, slots=True)
class Party:
    """A side of a document: the seller (поставщик / исполнитель, the user — an ИП) or the buyer (покупатель /
    заказчик). ``iban`` is the ИИК (ЖСК), ``bic`` the БИК (БСК), ``kbe`` the beneficiary code (Кбе)."""

    name: str
    bin_iin: str | None = None
    address: str | None = None
    iban: str | None = None
    bic: str | None = None
    bank: str | None = None
    kbe: str | None = None
    vat_payer: bool = False
    vat_certificate_series: str | None = None
    vat_certificate_num: str | None = None
    signatory: str | None = None  # who signs (ФИО), e.g. the ИП himself
    position: str | None = None  # the signatory's position (должность)


@dataclass(frozen=True, slots=True)
class LineItem:
    """One line: what, in which unit, how many, at which unit price without VAT.

    ``code`` — номенклатурный номер (З-2); ``unit_code`` — the МКЕИ unit code for the ESF (796 — штука);
    ``done_on`` — the date the work was done (Р-1 column 3, when it differs from the act's date).
    """

    description: str
    unit: str
    quantity: Decimal
    price: Decimal
    code: str | None = None
    unit_code: str | None = None
    done_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Reference:
    """Another document this one refers to: the corrected one, or the invoice an act was made from."""

    kind: DocumentKind
    number: str
    date: dt.date
    document_id: int | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A primary document. ``number`` is empty in a draft; storage assigns it when the document is issued."""

    kind: DocumentKind
    number: str
    date: dt.date
    seller: Party
    buyer: Party
    items: tuple[LineItem, ...]
    turnover_date: dt.date | None = None  # дата совершения оборота; the document date when absent
    contract: str | None = None  # "№ 5 от 01.02.2026"
    knp: str | None = None  # код назначения платежа (invoice)
    purpose: str | None = None  # назначение платежа (invoice, QR)
    corrects: Reference | None = None
    source: Reference | None = None
    # Waybill (З-2): ответственный за поставку, транспортная организация, ТТН, доверенность.
    responsible: str | None = None
    carrier: str | None = None
    waybill_ref: str | None = None
    power_of_attorney: str | None = None
    note: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def on_turnover(self) -> dt.date:
        """The turnover date (VAT rate, ESF) — the document date unless given."""
        return self.turnover_date or self.date

    def with_number(self, number: str) -> Document:
        """The same document with its number (set on issue)."""
        return replace(self, number=number)

    def to_content(self) -> dict[str, Any]:
        """The JSON snapshot kept in storage (decimals and dates as strings)."""
        return cast(dict[str, Any], _jsonable(asdict(self)))

    def checked(self) -> Document:
        """The same document validated as its JSON would be (БИН/ИИН, IBAN, amounts…); ``DocumentInputError``.

        A chat flow that builds a ``Document`` directly gets the same checks as the CLI's input, and what storage
        keeps can always be read back.
        """
        return from_mapping(self.to_content(), kind=None, need_number=False)

    @classmethod
    def from_content(cls, content: Mapping[str, Any]) -> Document:
        """Read back a snapshot written by ``to_content``."""
        return from_mapping(content, kind=None, need_number=False)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


# --- parsing -------------------------------------------------------------------------------------------------------


def from_mapping(raw: Any, *, kind: DocumentKind | None, need_number: bool = True) -> Document:
    """Build a ``Document`` from the documented JSON shape; ``DocumentInputError`` names the first bad field.

    ``kind`` given (the CLI sub-command) wins over a ``kind`` key in the data.
    """
    data = _mapping(raw, "document")
    chosen = kind or data.get("kind")
    if chosen not in KINDS:
        raise DocumentInputError(f"kind: one of {', '.join(KINDS)}")
    items_raw = data.get("items")
    if not isinstance(items_raw, list) or not items_raw:
        raise DocumentInputError("items: at least one line item is required")
    if len(items_raw) > _MAX_ITEMS:
        raise DocumentInputError(f"items: at most {_MAX_ITEMS} lines")
    number = _opt_text(data, "number") or ""
    if need_number and not number:
        raise DocumentInputError("number: a non-empty string is required")
    seller = party_from_mapping(data.get("seller"), "seller", need_id=True)
    date = _date(data.get("date"), "date")
    turnover = _opt_date(data.get("turnover_date"), "turnover_date")
    knp = _opt_text(data, "knp")
    if knp is not None and not _KNP.match(knp):
        raise DocumentInputError("knp: three digits (код назначения платежа)")
    return Document(
        kind=cast(DocumentKind, chosen),
        number=number,
        date=date,
        seller=seller,
        buyer=party_from_mapping(data.get("buyer"), "buyer", need_id=False),
        items=tuple(_item(it, f"items[{i}]") for i, it in enumerate(items_raw)),
        turnover_date=turnover,
        contract=_opt_text(data, "contract"),
        knp=knp,
        purpose=_opt_text(data, "purpose"),
        corrects=_reference(data.get("corrects"), "corrects"),
        source=_reference(data.get("source"), "source"),
        responsible=_opt_text(data, "responsible"),
        carrier=_opt_text(data, "carrier"),
        waybill_ref=_opt_text(data, "waybill_ref"),
        power_of_attorney=_opt_text(data, "power_of_attorney"),
        note=_opt_text(data, "note"),
    )


def party_from_mapping(raw: Any, where: str, *, need_id: bool) -> Party:
    """A ``Party`` from JSON: the БИН/ИИН check digit, the IBAN (ИИК), BIC and Кбе are verified."""
    data = _mapping(raw, where)
    name = _opt_text(data, "name", where)
    if not name:
        raise DocumentInputError(f"{where}.name: a non-empty string is required")
    bin_iin = _opt_text(data, "bin_iin", where)
    if bin_iin is None and need_id:
        raise DocumentInputError(f"{where}.bin_iin: the БИН/ИИН is required")
    if bin_iin is not None and not is_valid_iin_bin(bin_iin):
        raise DocumentInputError(f"{where}.bin_iin: not a valid БИН/ИИН (12 digits, check digit)")
    vat_payer = data.get("vat_payer", False)
    if not isinstance(vat_payer, bool):
        raise DocumentInputError(f"{where}.vat_payer: true or false")
    return Party(
        name=name,
        bin_iin=bin_iin,
        address=_opt_text(data, "address", where),
        iban=normalise_iban(_opt_text(data, "iban", where), f"{where}.iban"),
        bic=normalise_bic(_opt_text(data, "bic", where), f"{where}.bic"),
        bank=_opt_text(data, "bank", where),
        kbe=_checked(_opt_text(data, "kbe", where), _KBE, f"{where}.kbe: two digits, 1 or 2 first (Кбе)"),
        vat_payer=vat_payer,
        vat_certificate_series=_opt_text(data, "vat_certificate_series", where),
        vat_certificate_num=_opt_text(data, "vat_certificate_num", where),
        signatory=_opt_text(data, "signatory", where),
        position=_opt_text(data, "position", where),
    )


def normalise_iban(value: str | None, where: str = "iban") -> str | None:
    """An IBAN (ИИК) without spaces, upper-case, its check digits verified (python-stdnum)."""
    if value is None:
        return None
    from stdnum import iban
    from stdnum.exceptions import ValidationError

    try:
        return str(iban.validate(value))
    except ValidationError:
        raise DocumentInputError(f"{where}: not a valid IBAN (ИИК)") from None


def normalise_bic(value: str | None, where: str = "bic") -> str | None:
    """A BIC (БИК): 8 or 11 letters and digits, upper-case."""
    if value is None:
        return None
    return _checked(value.replace(" ", "").upper(), _BIC, f"{where}: not a BIC (8 or 11 letters and digits)")


def _checked(value: str | None, pattern: re.Pattern[str], message: str) -> str | None:
    if value is not None and not pattern.match(value):
        raise DocumentInputError(message)
    return value


def _item(raw: Any, where: str) -> LineItem:
    data = _mapping(raw, where)
    description = _opt_text(data, "description", where)
    if not description:
        raise DocumentInputError(f"{where}.description: a non-empty string is required")
    quantity = _decimal(data.get("quantity"), f"{where}.quantity")
    price = _decimal(data.get("price"), f"{where}.price")
    if quantity <= 0:
        raise DocumentInputError(f"{where}.quantity: must be more than zero")
    if price < 0:
        raise DocumentInputError(f"{where}.price: must not be negative")
    if price != price.quantize(Decimal("0.01")):
        raise DocumentInputError(f"{where}.price: at most two decimals (tiyn)")
    if quantity != quantity.quantize(Decimal("0.001")):
        raise DocumentInputError(f"{where}.quantity: at most three decimals")
    if quantity * price >= _MAX_LINE_AMOUNT:
        raise DocumentInputError(f"{where}: the line amount is too large")
    return LineItem(
        description=description,
        unit=_opt_text(data, "unit", where) or "шт.",
        quantity=quantity,
        price=price,
        code=_opt_text(data, "code", where),
        unit_code=_opt_text(data, "unit_code", where),
        done_on=_opt_date(data.get("done_on"), f"{where}.done_on"),
    )


def _reference(raw: Any, where: str) -> Reference | None:
    if raw is None:
        return None
    data = _mapping(raw, where)
    kind = data.get("kind")
    if kind not in KINDS:
        raise DocumentInputError(f"{where}.kind: one of {', '.join(KINDS)}")
    number = _opt_text(data, "number", where)
    if not number:
        raise DocumentInputError(f"{where}.number: a non-empty string is required")
    document_id = data.get("document_id")
    if document_id is not None and (isinstance(document_id, bool) or not isinstance(document_id, int)):
        raise DocumentInputError(f"{where}.document_id: an integer")
    return Reference(cast(DocumentKind, kind), number, _date(data.get("date"), f"{where}.date"), document_id)


def _mapping(raw: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise DocumentInputError(f"{where}: an object is required")
    return raw


def _opt_text(data: Mapping[str, Any], key: str, where: str | None = None) -> str | None:
    value = data.get(key)
    label = f"{where}.{key}" if where else key
    if value is None:
        return None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise DocumentInputError(f"{label}: a string is required")
    value = " ".join(value.split())
    if len(value) > _MAX_TEXT:
        raise DocumentInputError(f"{label}: at most {_MAX_TEXT} characters")
    return value or None


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise DocumentInputError(f"{where}: a date YYYY-MM-DD is required")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DocumentInputError(f"{where}: not a date YYYY-MM-DD: {value!r}") from None


def _opt_date(value: Any, where: str) -> dt.date | None:
    return None if value in (None, "") else _date(value, where)


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise DocumentInputError(f"{where}: a number is required")
    try:
        number = Decimal(str(value).replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise DocumentInputError(f"{where}: a number is required") from None
    if not number.is_finite():
        raise DocumentInputError(f"{where}: a number is required")
    return number
