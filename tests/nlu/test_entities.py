"""Entity normalisation: the examples of issue 5 and more, Russian and Kazakh, with offsets into the text."""

from __future__ import annotations

import datetime as dt

import pytest

from nlu.entities import extract_entities

TODAY = dt.date(2026, 11, 25)


def _found(text: str, entity: str, today: dt.date = TODAY) -> list[tuple[str, str]]:
    """(value, surface) of every entity of one kind; the surface checks the offsets."""
    return [(e["value"], text[e["start"] : e["end"]]) for e in extract_entities(text, today) if e["entity"] == entity]


def _values(text: str, entity: str, today: dt.date = TODAY) -> list[str]:
    return [value for value, _ in _found(text, entity, today)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("пришло 200к от Альфы", "200000"),
        ("1,5 млн от клиента", "1500000"),
        ("1.5 млн", "1500000"),
        ("полтора миллиона пришло", "1500000"),
        ("50 мың түсті", "50000"),
        ("150 000 тг", "150000"),
        ("150\u00a0000 тенге", "150000"),
        ("150т", "150000"),
        ("150 тг", "150"),
        ("300 000 теңге", "300000"),
        ("2 млн", "2000000"),
        ("2 ляма", "2000000"),
        ("полмиллиона", "500000"),
        ("пол миллиона", "500000"),
        ("сто пятьдесят тысяч тенге", "150000"),
        ("двести тысяч", "200000"),
        ("елу мың", "50000"),
        ("бір жарым миллион", "1500000"),
        ("жүз мың теңге", "100000"),
        ("received 50k", "50000"),
        ("150,000 тг", "150000"),
        ("25 000,50 тг", "25000.5"),
        ("получил 45000", "45000"),
        ("3 тыс. тг", "3000"),
        ("15 тыс", "15000"),
        ("10 ₸", "10"),
        ("2.5 лимона", "2500000"),
        ("5 млн 200 тыс", "5200000"),
        ("2 тысячи 500 тг", "2500"),
        ("үш жүз мың теңге", "300000"),
        ("жиырма бес мың", "25000"),
        ("200 000.00 тг", "200000"),
    ],
)
def test_amount(text: str, value: str) -> None:
    assert _values(text, "amount") == [value]


@pytest.mark.parametrize(
    "text",
    [
        "добавь 3 сотрудников",
        "родился до 1975",
        "за 2025 год",
        "ИИН 900101300007",
        "позвони 87011234567",
        "5 ноября",
        "12.11",
        "сдай 910",
        "форма 200.00",
        "2 квартал",
    ],
)
def test_not_an_amount(text: str) -> None:
    assert _values(text, "amount") == []


def test_amount_span_covers_multiplier_and_currency() -> None:
    assert _found("пришло 1,5 млн тг", "amount") == [("1500000", "1,5 млн тг")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("за прошлый месяц", "2026-10"),
        ("в прошлом месяце", "2026-10"),
        ("за этот месяц", "2026-11"),
        ("позапрошлый месяц", "2026-09"),
        ("первое полугодие", "2026-H1"),
        ("второе полугодие", "2026-H2"),
        ("за 1 полугодие 2025", "2025-H1"),
        ("1-жартыжылдық", "2026-H1"),
        ("екінші жартыжылдық", "2026-H2"),
        ("шілде", "2026-07"),
        ("за октябрь", "2026-10"),
        ("в октябре 2025", "2025-10"),
        ("за декабрь", "2025-12"),
        ("2 квартал", "2026-Q2"),
        ("второй квартал 2025 года", "2025-Q2"),
        ("IV квартал", "2026-Q4"),
        ("прошлый квартал", "2026-Q3"),
        ("екінші тоқсан", "2026-Q2"),
        ("өткен ай", "2026-10"),
        ("осы ай", "2026-11"),
        ("өткен жыл", "2025"),
        ("былтыр", "2025"),
        ("биыл", "2026"),
        ("за 2025 год", "2025"),
        ("2025 жылғы қазан", "2025-10"),
        ("прошлый год", "2025"),
        ("сентябр", "2026-09"),
        ("октбярь", "2026-10"),
        ("қыркүйекте", "2026-09"),
        ("Q3 2025", "2025-Q3"),
        ("2025 ж.", "2025"),
        ("за 4 квартал прошлого года", "2025-Q4"),
        ("в ноябре прошлого года", "2025-11"),
        ("өткен жылғы қазан", "2025-10"),
        ("былтырғы 2 тоқсан", "2025-Q2"),
        ("первое полугодие этого года", "2026-H1"),
        ("1кв. 2025", "2025-Q1"),
        ("III квартал 2025", "2025-Q3"),
        ("бірінші тоқсан 2025 жыл", "2025-Q1"),
    ],
)
def test_period(text: str, value: str) -> None:
    assert _values(text, "period") == [value]


def test_period_resolves_against_today() -> None:
    assert _values("за октябрь", "period", dt.date(2026, 3, 10)) == ["2025-10"]
    assert _values("за прошлый месяц", "period", dt.date(2026, 1, 5)) == ["2025-12"]
    assert _values("прошлый квартал", "period", dt.date(2026, 2, 1)) == ["2025-Q4"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("вчера", "2026-11-24"),
        ("позавчера", "2026-11-23"),
        ("сегодня", "2026-11-25"),
        ("кеше", "2026-11-24"),
        ("бүгін", "2026-11-25"),
        ("ертең", "2026-11-26"),
        ("12.11", "2026-11-12"),
        ("12.11.2025", "2025-11-12"),
        ("03/11/26", "2026-11-03"),
        ("2026-10-01", "2026-10-01"),
        ("5 ноября", "2026-11-05"),
        ("20 октября 2025 года", "2025-10-20"),
        ("15 қаңтар", "2027-01-15"),
        ("1-го декабря", "2026-12-01"),
    ],
)
def test_date(text: str, value: str) -> None:
    assert _values(text, "date") == [value]


def test_impossible_date_is_ignored() -> None:
    assert _values("31.02", "date") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ИИН 900101300007", "900101300007"),
        ("мой иин 900101300811", "900101300811"),
        ("БИН 160440007161", "160440007161"),
        ("бин 141140001547 ТОО", "141140001547"),
        ("240140000120", "240140000120"),
        ("ИИН 900101 300007", "900101300007"),
    ],
)
def test_iin_bin_valid(text: str, value: str) -> None:
    assert _values(text, "iin_bin") == [value]


@pytest.mark.parametrize("text", ["ИИН 900101300001", "123456789012", "1234567890123", "90010130000"])
def test_iin_bin_invalid_is_not_an_entity(text: str) -> None:
    assert _values(text, "iin_bin") == []
    assert _values(text, "amount") == []


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [
        ("1,5 млн от ТОО Альфа", "ТОО Альфа", "ТОО Альфа"),
        ("пришло 200к от Альфы", "Альфа", "Альфы"),
        ("оплата от ИП «Бета»", "ИП «Бета»", "ИП «Бета»"),
        ("Альфадан 200к түсті", "Альфа", "Альфадан"),
        ("ЖШС Гамма төледі", "ЖШС Гамма", "ЖШС Гамма"),
        ("счет для Samruk", "Samruk", "Samruk"),
        ("клиенту Омеге", "Омега", "Омеге"),
        ("ПРИШЛО 200К ОТ АЛЬФЫ", "Альфа", "АЛЬФЫ"),
    ],
)
def test_counterparty(text: str, value: str, surface: str) -> None:
    assert _found(text, "counterparty") == [(value, surface)]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("ОПВР и СО за сотрудника", ["opvr", "so"]),
        ("сколько ОПВ", ["opv"]),
        ("со счета списали", []),
        ("ВОСМС за себя", ["vosms"]),
        ("ООСМС", ["oosms"]),
        ("подоходный налог", ["ipn"]),
        ("ЖТС қанша", ["ipn"]),
        ("соцналог", ["social_tax"]),
        ("әлеуметтік салық", ["social_tax"]),
        ("НДС", ["vat"]),
        ("ҚҚС", ["vat"]),
        ("зейнетақы жарнасы", ["opv"]),
    ],
)
def test_tax_type(text: str, values: list[str]) -> None:
    assert _values(text, "tax_type") == values


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("выставь счет на оплату", ["invoice"]),
        ("сделай акт выполненных работ", ["act"]),
        ("нужна накладная", ["waybill"]),
        ("выпиши ЭСФ", ["esf"]),
        ("счет-фактуру выпиши", ["esf"]),
        ("шот жаса", ["invoice"]),
        ("жүкқұжат керек", ["waybill"]),
        ("пришло на счет", []),
        ("пополнение счета", []),
    ],
)
def test_document_type(text: str, values: list[str]) -> None:
    assert _values(text, "document_type") == values


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("сдай 910 за полугодие", ["910.00"]),
        ("форма 200.00", ["200.00"]),
        ("910.00 нысаны", ["910.00"]),
        ("отчет 200 форма", ["200.00"]),
        ("подай 913", ["913.00"]),
        ("910-ку отправь", ["910.00"]),
        ("200 тг", []),
        ("время сдавать 910, подготовь", ["910.00"]),
        ("910,5 тысяч", []),
    ],
)
def test_form(text: str, values: list[str]) -> None:
    assert _values(text, "form") == values


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("переключи на казахский", "kk"),
        ("қазақша сөйле", "kk"),
        ("тілді қазақшаға ауыстыр", "kk"),
        ("на русском", "ru"),
        ("орысша", "ru"),
        ("switch to english", "en"),
        ("ағылшынша", "en"),
    ],
)
def test_language(text: str, value: str) -> None:
    assert _values(text, "language") == [value]


def test_several_entities_in_text_order() -> None:
    text = "вчера ТОО Альфа заплатили 1,2 млн за октябрь, ИИН 900101300007"
    found = [(e["entity"], e["value"]) for e in extract_entities(text, TODAY)]
    assert found == [
        ("date", "2026-11-24"),
        ("counterparty", "ТОО Альфа"),
        ("amount", "1200000"),
        ("period", "2026-10"),
        ("iin_bin", "900101300007"),
    ]


def test_two_amounts_stay_apart() -> None:
    assert _values("100 тг 50 тг", "amount") == ["100", "50"]
