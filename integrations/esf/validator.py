"""Format-and-logic checks (ФЛК) of an ``InvoiceV2`` XML — the rules the sandbox applies in ``syncInvoice``.

``check_invoice`` returns every problem as an ``EsfError(property, error_code, text)`` with the real ESF error code
(the ``errorCode`` enumeration of the official WSDL). The CLI (``asistent esf check``) and the sandbox share it; the
sandbox adds its state through ``CheckContext`` (session ТИН, registered numbers, its clock).

Arithmetic (§1.8): ``priceWithoutTax = quantity × unitPrice``, ``turnoverSize = priceWithoutTax + exciseAmount``,
``ndsAmount = turnoverSize × ndsRate / 100``, ``priceWithTax = turnoverSize + ndsAmount``; a computed amount is
accepted rounded half-up either to tiyn (2 digits, the XSD's precision) or to whole tenge (2026 Tax Code rounding).
Totals must be the exact sums of the lines.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from lxml import etree

from core.identity import is_valid_iin_bin
from core.money import ZERO, whole_tenge
from integrations.esf.invoice import INVOICE_TAG, V2_NS
from integrations.esf.rates import allowed_vat_rates

DS_NS = "http://www.w3.org/2000/09/xmldsig#"
_DATE = re.compile(r"\d{2}\.\d{2}\.\d{4}")
_NUM = re.compile(r"[0-9]{1,30}")
_IIK = re.compile(r"[0-9A-Z]{20}")
_BIK = re.compile(r"[0-9A-Z]{8}")
_ROOT_FIELDS = frozenset(
    [
        "addInf",
        "consignee",
        "consignor",
        "customerAgent",
        "customerParticipants",
        "customers",
        "date",
        "datePaper",
        "deliveryDocDate",
        "deliveryDocNum",
        "deliveryTerm",
        "invoiceType",
        "num",
        "operatorFullname",
        "productSet",
        "publicOffice",
        "reasonPaper",
        "relatedInvoice",
        "sellerAgent",
        "sellerParticipants",
        "sellers",
        "turnoverDate",
    ]
)
_INVOICE_TYPES = frozenset({"ORDINARY_INVOICE", "FIXED_INVOICE", "ADDITIONAL_INVOICE"})
_TIYN = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class EsfError:
    """One ESF error entry: ``property`` (path in the invoice), ``error_code`` (WSDL ``errorCode``), ``text``."""

    property: str | None
    error_code: str
    text: str

    def as_json(self) -> dict[str, Any]:
        return {"property": self.property, "errorCode": self.error_code, "text": self.text}


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What the sandbox knows beyond the document: the session ТИН, its clock, the numbers already registered."""

    session_tin: str | None = None
    today: dt.date | None = None
    is_registered: Callable[[str, str, str], bool] | None = None  # (seller tin, num, date dd.MM.yyyy) → taken?
    test_tins: frozenset[str] = frozenset()  # NCA/ESF test identities, tolerated by a sandbox in test mode only


def parse_invoice_xml(xml: bytes | str) -> etree._Element:
    """Parse untrusted XML (no entities, no network); raises ``etree.XMLSyntaxError``."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    return etree.fromstring(data, parser)


class _Checker:
    def __init__(self, root: etree._Element, context: CheckContext) -> None:
        self.root = root
        self.context = context
        self.errors: list[EsfError] = []

    def tin_ok(self, tin: str) -> bool:
        return is_valid_iin_bin(tin) or tin in self.context.test_tins

    def add(self, prop: str | None, code: str, text: str) -> None:
        self.errors.append(EsfError(prop, code, text))

    def text(self, parent: etree._Element, tag: str) -> str | None:
        child = parent.find(tag)
        if child is None or child.text is None or not child.text.strip():
            return None
        return child.text.strip()

    def required(self, parent: etree._Element, tag: str, prop: str) -> str | None:
        value = self.text(parent, tag)
        if value is None:
            self.add(prop, "FIELD_IS_NULL", f"Поле {prop} не заполнено")
        return value

    def date(self, parent: etree._Element, tag: str, prop: str, *, required: bool = True) -> dt.date | None:
        value = self.required(parent, tag, prop) if required else self.text(parent, tag)
        if value is None:
            return None
        if _DATE.fullmatch(value):
            try:
                return dt.datetime.strptime(value, "%d.%m.%Y").date()
            except ValueError:
                pass
        self.add(prop, "FIELD_INVALID", f"Дата {prop} должна быть в формате дд.мм.гггг: {value!r}")
        return None

    def decimal(self, parent: etree._Element, tag: str, prop: str, *, fraction: int, required: bool) -> Decimal | None:
        value = self.required(parent, tag, prop) if required else self.text(parent, tag)
        if value is None:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or "e" in value.lower():
            self.add(prop, "FIELD_INVALID", f"Поле {prop} должно быть числом: {value!r}")
            return None
        exponent = number.as_tuple().exponent
        digits = len(number.as_tuple().digits)
        if isinstance(exponent, int) and (-exponent > fraction or digits > 17):
            self.add(prop, "FIELD_INVALID", f"Поле {prop}: не более {fraction} знаков после запятой и 17 цифр")
            return None
        return number


def _structure(root: etree._Element) -> list[EsfError]:
    """XSD-level problems: qualified children, unknown fields (checked first; ФЛК stops on them)."""
    for element in root.iter():
        if element is root or not isinstance(element.tag, str):
            continue
        qname = etree.QName(element)
        if qname.namespace == DS_NS:
            continue
        if qname.namespace is not None:
            return [
                EsfError(
                    qname.localname,
                    "FLK_VALITATION_FAILED",
                    f"Invalid content was found starting with element '{{{qname.namespace}}}{qname.localname}'. "
                    f"One of '{{{qname.localname}}}' is expected.",
                )
            ]
    for child in root:
        if isinstance(child.tag, str) and etree.QName(child).namespace is None and child.tag not in _ROOT_FIELDS:
            return [EsfError(child.tag, "FLK_VALITATION_FAILED", f"Invalid content: unknown element '{child.tag}'")]
    return []


def _check_header(c: _Checker) -> tuple[dt.date | None, dt.date | None, str | None]:
    root = c.root
    num = c.required(root, "num", "num")
    if num is not None and not _NUM.fullmatch(num):
        c.add("num", "FIELD_INVALID", f"Номер ЭСФ — только цифры, до 30: {num!r}")
        num = None
    invoice_type = c.required(root, "invoiceType", "invoiceType")
    if invoice_type is not None and invoice_type not in _INVOICE_TYPES:
        c.add("invoiceType", "FIELD_INVALID", f"Неизвестный вид ЭСФ: {invoice_type!r}")
    if invoice_type in ("FIXED_INVOICE", "ADDITIONAL_INVOICE") and root.find("relatedInvoice") is None:
        c.add("relatedInvoice", "FIELD_IS_NULL", "Исправленный или дополнительный ЭСФ ссылается на исходный")
    issued = c.date(root, "date", "date")
    turnover = c.date(root, "turnoverDate", "turnoverDate")
    if issued and turnover and issued < turnover:
        c.add("date", "WRONG_DATE", "Дата выписки ЭСФ не может быть раньше даты совершения оборота")
    if issued and c.context.today and issued > c.context.today:
        c.add("date", "WRONG_DATE", "Дата выписки ЭСФ не может быть в будущем")
    c.date(root, "deliveryDocDate", "deliveryDocDate", required=False)
    term = root.find("deliveryTerm")
    if term is not None:
        c.required(term, "hasContract", "deliveryTerm.hasContract")
        c.date(term, "contractDate", "deliveryTerm.contractDate", required=False)
    return issued, turnover, num


def _check_seller(c: _Checker) -> tuple[str | None, bool]:
    sellers = c.root.findall("sellers/seller")
    if not sellers:
        c.add("sellers", "FIELD_IS_NULL", "Не указан поставщик (раздел B)")
        return None, False
    first_tin: str | None = None
    vat_payer = False
    for i, seller in enumerate(sellers):
        prop = f"sellers.seller[{i}]"
        tin = c.required(seller, "tin", f"{prop}.tin")
        if tin is not None and not c.tin_ok(tin):
            c.add(f"{prop}.tin", "FIELD_INVALID", f"ИИН/БИН поставщика {tin} не проходит проверку")
        c.required(seller, "name", f"{prop}.name")
        c.required(seller, "address", f"{prop}.address")
        series, cert_num = c.text(seller, "certificateSeries"), c.text(seller, "certificateNum")
        if series and not cert_num:
            c.add(f"{prop}.certificateNum", "NDS_CERTIFICATE_NUM_IS_EMPTY", "Не указан номер свидетельства по НДС")
        if cert_num and not series:
            c.add(
                f"{prop}.certificateSeries", "NDS_CERTIFICATE_SERIES_IS_EMPTY", "Не указана серия свидетельства по НДС"
            )
        iik, bik = c.text(seller, "iik"), c.text(seller, "bik")
        if iik and not _IIK.fullmatch(iik):
            c.add(f"{prop}.iik", "FIELD_INVALID", "ИИК — 20 знаков (цифры и латинские заглавные)")
        if bik and not _BIK.fullmatch(bik):
            c.add(f"{prop}.bik", "FIELD_INVALID", "БИК — 8 знаков (цифры и латинские заглавные)")
        if i == 0:
            first_tin, vat_payer = tin, bool(series or cert_num)
    return first_tin, vat_payer


def _check_customers(c: _Checker) -> None:
    customers = c.root.findall("customers/customer")
    if not customers:
        c.add("customers", "FIELD_IS_NULL", "Не указан получатель (раздел C)")
    for i, customer in enumerate(customers):
        prop = f"customers.customer[{i}]"
        c.required(customer, "name", f"{prop}.name")
        statuses = {s.text for s in customer.findall("statuses/status")}
        tin = c.text(customer, "tin")
        if tin is None and "NONRESIDENT" not in statuses:
            c.add(f"{prop}.tin", "FIELD_IS_NULL", "Не указан ИИН/БИН получателя")
        if tin is not None and not c.tin_ok(tin):
            c.add(f"{prop}.tin", "INVALID_CUSTOMER_TIN", f"ИИН/БИН получателя {tin} не проходит проверку")
        country = c.text(customer, "countryCode")
        if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
            c.add(f"{prop}.countryCode", "INVALID_CUSTOMER_COUNTRY_CODE", f"Код страны ISO alpha-2: {country!r}")


def _close(declared: Decimal, exact: Decimal) -> bool:
    return declared in (exact.quantize(_TIYN, rounding=ROUND_HALF_UP), whole_tenge(exact))


@dataclass
class _Sums:
    without_tax: Decimal = ZERO
    excise: Decimal = ZERO
    turnover: Decimal = ZERO
    nds: Decimal = ZERO
    with_tax: Decimal = ZERO


def _check_vat(c: _Checker, product: etree._Element, prop: str, vat_payer: bool, turnover_date: dt.date | None) -> int:
    rate_text = c.text(product, "ndsRate")
    if rate_text is None:
        return 0
    if not vat_payer:
        c.add(
            f"{prop}.ndsRate", "NDS_RATE_FOR_NOT_NDS_PAYER", "Поставщик не плательщик НДС: ставка НДС не указывается"
        )
        return 0
    if not re.fullmatch(r"[0-9]{1,3}", rate_text):
        c.add(f"{prop}.ndsRate", "FIELD_INVALID", f"Ставка НДС — целое число процентов: {rate_text!r}")
        return 0
    rate = int(rate_text)
    if turnover_date is not None and rate not in allowed_vat_rates(turnover_date):
        allowed = ", ".join(f"{r} %" for r in sorted(allowed_vat_rates(turnover_date)))
        c.add(f"{prop}.ndsRate", "NDS_RATE_INCORRECT", f"Ставка НДС {rate} % не действует на дату оборота ({allowed})")
    return rate


def _check_product(
    c: _Checker, product: etree._Element, prop: str, vat_payer: bool, turnover_date: dt.date | None, sums: _Sums
) -> None:
    c.required(product, "description", f"{prop}.description")
    c.required(product, "catalogTruId", f"{prop}.catalogTruId")
    origin = c.text(product, "truOriginCode")
    if origin is not None and origin not in {"1", "2", "3", "4", "5", "6"}:
        c.add(f"{prop}.truOriginCode", "INVALID_ORIGIN_CODE", f"Признак происхождения — 1…6: {origin!r}")
    unit = c.text(product, "unitNomenclature")
    if unit is not None and not re.fullmatch(r"[0-9]{1,10}", unit):
        c.add(f"{prop}.unitNomenclature", "INVALID_MEASURE_UNIT_CODE", f"Код единицы измерения: {unit!r}")
    quantity = c.decimal(product, "quantity", f"{prop}.quantity", fraction=6, required=False)
    unit_price = c.decimal(product, "unitPrice", f"{prop}.unitPrice", fraction=6, required=False)
    without_tax = c.decimal(product, "priceWithoutTax", f"{prop}.priceWithoutTax", fraction=2, required=True)
    excise = c.decimal(product, "exciseAmount", f"{prop}.exciseAmount", fraction=2, required=False) or ZERO
    turnover = c.decimal(product, "turnoverSize", f"{prop}.turnoverSize", fraction=2, required=True)
    nds = c.decimal(product, "ndsAmount", f"{prop}.ndsAmount", fraction=2, required=True)
    with_tax = c.decimal(product, "priceWithTax", f"{prop}.priceWithTax", fraction=2, required=True)
    rate = _check_vat(c, product, prop, vat_payer, turnover_date)
    if not vat_payer and nds:
        c.add(f"{prop}.ndsAmount", "NDS_AMOUNT_FOR_NOT_NDS_PAYER", "Поставщик не плательщик НДС: сумма НДС — 0")
        nds = None
    wrong = "INCORRECT_PRODUCT_SUM"
    known = quantity is not None and unit_price is not None and without_tax is not None
    if known and not _close(without_tax, quantity * unit_price):  # type: ignore[arg-type, operator]
        c.add(f"{prop}.priceWithoutTax", wrong, "Стоимость без НДС ≠ количество × цена за единицу")
    if without_tax is not None and turnover is not None and turnover != without_tax + excise:
        c.add(f"{prop}.turnoverSize", wrong, "Размер оборота ≠ стоимость без НДС + акциз")
    if turnover is not None and nds is not None and not _close(nds, turnover * rate / 100):
        c.add(f"{prop}.ndsAmount", wrong, f"Сумма НДС ≠ размер оборота × {rate} %")
    if turnover is not None and nds is not None and with_tax is not None and with_tax != turnover + nds:
        c.add(f"{prop}.priceWithTax", wrong, "Стоимость с НДС ≠ размер оборота + сумма НДС")
    sums.without_tax += without_tax or ZERO
    sums.excise += excise
    sums.turnover += turnover or ZERO
    sums.nds += nds or ZERO
    sums.with_tax += with_tax or ZERO


def _check_products(c: _Checker, vat_payer: bool, turnover_date: dt.date | None) -> None:
    product_set = c.root.find("productSet")
    if product_set is None:
        c.add("productSet", "FIELD_IS_NULL", "Не заполнен раздел G (товары, работы, услуги)")
        return
    currency = c.required(product_set, "currencyCode", "productSet.currencyCode")
    if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
        c.add("productSet.currencyCode", "INVALID_CURRENCY_CODE", f"Код валюты ISO 4217: {currency!r}")
    elif currency not in (None, "KZT") and c.text(product_set, "currencyRate") is None:
        c.add("productSet.currencyRate", "FIELD_IS_NULL", "Для валюты, кроме KZT, нужен курс")
    products = product_set.findall("products/product")
    if not products:
        c.add("productSet.products", "FIELD_IS_NULL", "Нет ни одной строки товаров, работ, услуг")
        return
    before = len(c.errors)
    sums = _Sums()
    for i, product in enumerate(products):
        _check_product(c, product, f"productSet.products.product[{i}]", vat_payer, turnover_date, sums)
    line_errors = len(c.errors) > before
    for tag, total in (
        ("totalPriceWithoutTax", sums.without_tax),
        ("totalExciseAmount", sums.excise),
        ("totalTurnoverSize", sums.turnover),
        ("totalNdsAmount", sums.nds),
        ("totalPriceWithTax", sums.with_tax),
    ):
        prop = f"productSet.{tag}"
        declared = c.decimal(product_set, tag, prop, fraction=2, required=tag != "totalExciseAmount")
        if declared is not None and not line_errors and declared != total:
            c.add(prop, "INCORRECT_TOTAL_SUM", f"Итог {tag} = {declared}, а сумма строк = {total}")


def _check_state(c: _Checker, seller_tin: str | None, num: str | None) -> None:
    ctx = c.context
    if ctx.session_tin is not None and seller_tin is not None and seller_tin != ctx.session_tin:
        c.add(
            "sellers.seller[0].tin",
            "SELLER_TIN_NOT_EQUALS_WITH_TIN_IN_SESSION",
            "ИИН/БИН поставщика не совпадает с ИИН/БИН, под которым открыта сессия",
        )
    date_text = c.text(c.root, "date")
    if ctx.is_registered and seller_tin and num and date_text and ctx.is_registered(seller_tin, num, date_text):
        c.add("num", "NOT_UNIQUE_NUMBER_AND_DATE", f"ЭСФ с номером {num} от {date_text} уже выписан этим поставщиком")


def check_element(root: etree._Element, context: CheckContext | None = None) -> list[EsfError]:
    """Check a parsed invoice element."""
    if root.tag != INVOICE_TAG:
        return [EsfError(None, "INVALID_INVOICE_VERSION", f'Ожидается <v2:invoice xmlns:v2="{V2_NS}">')]
    structural = _structure(root)
    if structural:
        return structural
    c = _Checker(root, context or CheckContext())
    _issued, turnover, num = _check_header(c)
    seller_tin, vat_payer = _check_seller(c)
    _check_customers(c)
    _check_products(c, vat_payer, turnover)
    _check_state(c, seller_tin, num)
    return c.errors


def check_invoice(xml: bytes | str, context: CheckContext | None = None) -> list[EsfError]:
    """Every ФЛК problem of an ``InvoiceV2`` XML (an empty list when the sandbox would accept it)."""
    try:
        root = parse_invoice_xml(xml)
    except (etree.XMLSyntaxError, ValueError) as exc:
        return [EsfError(None, "WRONG_XML_FORMAT", f"Не XML: {str(exc).splitlines()[0] if str(exc) else exc}")]
    return check_element(root, context)
