"""MT102 and 1CClientBankExchange files parse back (small readers here); PDF text reads back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace
from decimal import Decimal

import pypdf
import pytest

from core.payments import (
    Mt102Error,
    PaymentKind,
    PaymentOrder,
    amount_in_words,
    mt102,
    mt102_file,
    onec_bytes,
    order_pdf,
    platform_fee_order,
)
from tests.core.payments.conftest import EMPLOYEE_IIN, EMPLOYEE_NAME, ON, PAYER

# --- a small MT102 reader -----------------------------------------------------------------------------------------


def read_mt102(text: str) -> list[dict[str, object]]:
    """Messages → {"fields": sequence A tags, "people": [sequence B subfields], "32A": total line}."""
    messages = []
    for block in re.findall(r"\{4:\r\n(.*?)\r\n-\}", text, flags=re.S):
        head: dict[str, str] = {}
        people: list[dict[str, str]] = []
        current: dict[str, str] = head
        last_tag = ""
        for line in block.split("\r\n"):
            tag = re.match(r"^:(\w+):(.*)$", line)
            if tag:
                last_tag, value = tag.group(1), tag.group(2)
                if last_tag == "21":
                    current = {"21": value}
                    people.append(current)
                    continue
                if last_tag == "32A":
                    head["32A"] = value
                    continue
                sub = re.match(r"^/(\w+)/(.*)$", value)
                if sub:
                    current[f"{last_tag}/{sub.group(1)}"] = sub.group(2)
                else:
                    current[last_tag] = value
            else:
                sub = re.match(r"^/(\w+)/(.*)$", line)
                assert sub, line
                current[f"{last_tag}/{sub.group(1)}"] = sub.group(2)
        messages.append({"fields": head, "people": people})
    return messages


def _mt_amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def test_mt102_parses_back(staff_orders: list[PaymentOrder]) -> None:
    text = mt102_file(staff_orders)
    social = [o for o in staff_orders if o.social]
    messages = read_mt102(text)
    assert len(messages) == len(social) == 5  # ИПН withheld is not an MT102
    for order, message in zip(social, messages, strict=True):
        head, people = message["fields"], message["people"]
        assert isinstance(head, dict)
        assert isinstance(people, list)
        assert head["50/D"] == PAYER.iban
        assert head["50/IDN"] == PAYER.iin
        assert head["50/IRS"] + head["50/SECO"] == "19"
        assert head["52B"] == PAYER.bic
        assert head["57B"] == "GCVPKZ2A"
        assert head["59"] == order.beneficiary.iban
        assert head["59/IDN"] == "160440007161"
        assert head["70/KNP"] == order.knp
        assert head["70/DATE"] == ON.strftime("%y%m%d")
        assert head["70/ASSIGN"] == order.purpose_ru
        assert head["32A"] == f"{order.value_date:%y%m%d}KZT{order.amount:.2f}".replace(".", ",")
        assert "PERIOD" not in "".join(head)  # only in sequence B
        assert [p["70/IDN"] for p in people] == [p.iin for p in order.persons]
        assert sum(_mt_amount(p["32B"][3:]) for p in people) == _mt_amount(head["32A"][9:])
        for person, raw in zip(order.persons, people, strict=True):
            assert raw["70/PERIOD"] == "102026"
            assert raw["70/FM"] == person.last_name
            assert raw["70/DT"] == person.birth_date.strftime("%Y%m%d")
    opv = messages[0]["people"]
    assert isinstance(opv, list)
    assert opv[1]["70/IDN"] == EMPLOYEE_IIN
    assert opv[1]["70/FM"] + " " + opv[1]["70/NM"] + " " + opv[1]["70/FT"] == EMPLOYEE_NAME
    assert opv[0]["70/OPV"] == "C"
    so = messages[2]["people"]
    assert isinstance(so, list)
    assert so[0]["70/OPV"] == "S"


def test_mt102_refuses_a_tax_order(staff_orders: list[PaymentOrder]) -> None:
    ipn = next(o for o in staff_orders if o.kind is PaymentKind.IPN_WITHHELD)
    with pytest.raises(Mt102Error):
        mt102(ipn)


def test_mt102_names_are_cut_to_60(own_orders: list[PaymentOrder]) -> None:
    order = replace(own_orders[0], payer=replace(own_orders[0].payer, name="ИП " + "Ә" * 80))
    head = read_mt102(mt102(order))[0]["fields"]
    assert isinstance(head, dict)
    assert len(head["50/NAME"]) == 60


# --- a small 1CClientBankExchange reader ----------------------------------------------------------------------------


def read_onec(data: bytes) -> tuple[dict[str, str], list[dict[str, str]]]:
    lines = data.decode("cp1251").split("\r\n")
    assert lines[0] == "1CClientBankExchange"
    assert lines[-2:] == ["КонецФайла", ""]
    header: dict[str, str] = {}
    docs: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in lines[1:-2]:
        if line == "КонецДокумента":
            assert current is not None
            docs.append(current)
            current = None
            continue
        key, sep, value = line.partition("=")
        assert sep, line
        if key == "СекцияДокумент":
            current = {"СекцияДокумент": value}
        elif current is not None:
            current[key] = value
        else:
            header[key] = value
    assert current is None
    return header, docs


def test_onec_parses_back(staff_orders: list[PaymentOrder]) -> None:
    data = onec_bytes(staff_orders, created=dt.datetime(2026, 11, 20, 10, 30))
    header, docs = read_onec(data)
    assert header["ВерсияФормата"] == "1.03"
    assert header["Кодировка"] == "Windows"
    assert header["РасчСчет"] == PAYER.iban
    assert header["ДатаСоздания"] == "20.11.2026"
    assert len(docs) == len(staff_orders)
    for order, doc in zip(staff_orders, docs, strict=True):
        assert doc["СекцияДокумент"] == "Платежное поручение"
        assert doc["Номер"] == order.number
        assert doc["Дата"] == "20.11.2026"
        assert Decimal(doc["Сумма"]) == order.amount
        assert doc["ПлательщикСчет"] == PAYER.iban
        assert doc["ПлательщикБИН"] == PAYER.iin
        assert doc["ПолучательСчет"] == order.beneficiary.iban
        assert doc["ПолучательБИН"] == order.beneficiary.idn
        assert doc["ПолучательБИК"] == order.beneficiary.bic
        assert doc["КодНазначенияПлатежа"] == order.knp
        assert doc["КБК"] == (order.kbk or "")
        assert doc["НазначениеПлатежа"] == order.purpose_ru
    assert docs[-1]["КБК"] == "101201"


def test_onec_transliterates_kazakh_letters(own_orders: list[PaymentOrder]) -> None:
    order = replace(own_orders[0], payer=replace(own_orders[0].payer, name="ИП Қасымов Әлихан"))
    _, docs = read_onec(onec_bytes([order], created=dt.datetime(2026, 11, 20)))
    assert docs[0]["Плательщик"] == "ИП Касымов Алихан"


def test_onec_needs_orders() -> None:
    with pytest.raises(ValueError, match="nothing"):
        onec_bytes([], created=dt.datetime(2026, 11, 20))


# --- PDF ---------------------------------------------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_pdf_of_a_social_order(staff_orders: list[PaymentOrder]) -> None:
    order = staff_orders[0]
    data = order_pdf(order)
    assert data.startswith(b"%PDF")
    text = _flat(_pdf_text(data))
    assert f"ПЛАТЁЖНОЕ ПОРУЧЕНИЕ № {order.number}" in text
    assert "60 000 KZT" in text
    assert amount_in_words(order.amount, "ru") in text
    assert amount_in_words(order.amount, "kk") in text
    assert "Шестьдесят тысяч тенге 00 тиын" in text
    assert "Алпыс мың теңге 00 тиын" in text
    for value in (PAYER.iin, PAYER.iban, "CASPKZKA", "160440007161", "KZ12009NPS0413609816", "GCVPKZ2A", "010"):
        assert value in text
    assert EMPLOYEE_NAME in text  # Kazakh letters render and extract
    assert EMPLOYEE_IIN in text
    assert "Төлемнің мақсаты" in text
    assert "25.11.2026" in text


def test_pdf_of_a_tax_order_shows_kbk(staff_orders: list[PaymentOrder]) -> None:
    order = staff_orders[-1]
    text = _flat(_pdf_text(order_pdf(order)))
    assert "101201" in text
    assert "911" in text
    assert "081240013779" in text
    assert "KZ24070105KSN0000000" in text
    assert "Тринадцать тысяч четыреста двадцать пять тенге 00 тиын" in text


def test_pdf_is_deterministic_and_font_is_embedded() -> None:
    order = platform_fee_order(PAYER, "2026-10", on=ON, number=3, fee=2000)
    first, second = order_pdf(order), order_pdf(order)
    assert first == second
    reader = pypdf.PdfReader(io.BytesIO(first))
    fonts = reader.pages[0]["/Resources"]["/Font"]  # type: ignore[index]
    names = {str(fonts[k].get_object()["/BaseFont"]) for k in fonts}  # type: ignore[union-attr]
    assert any("DejaVu" in n for n in names)
    assert "Две тысячи тенге 00 тиын" in _flat(_pdf_text(first))


def test_many_persons_flow_to_a_second_page(own_orders: list[PaymentOrder]) -> None:
    base = own_orders[0]
    persons = tuple(replace(base.persons[0], amount=Decimal(100)) for _ in range(60))
    order = replace(base, persons=persons, amount=Decimal(6000), calculated=Decimal(6000))
    reader = pypdf.PdfReader(io.BytesIO(order_pdf(order)))
    assert len(reader.pages) >= 2
