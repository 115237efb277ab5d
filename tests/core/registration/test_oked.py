"""ОКЭД search quality on everyday descriptions (Russian and Kazakh), the data file and the CLI."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from core.registration.oked import OKED_FILE, codes, lemma, load_codes, lookup, search

# (description in the user's words, acceptable codes) — phrased differently from the data file's word lists
EVERYDAY: list[tuple[str, set[str]]] = [
    ("ремонт телефонов", {"95.12.0"}),
    ("чиню смартфоны и меняю экраны", {"95.12.0"}),
    ("ремонтирую ноутбуки", {"95.11.0"}),
    ("ремонт холодильников и стиральных машин", {"95.22.0"}),
    ("сапожная мастерская", {"95.23.0"}),
    ("женская парикмахерская", {"96.02.0"}),
    ("делаю маникюр на дому", {"96.02.0"}),
    ("барбершоп", {"96.02.0"}),
    ("работаю таксистом", {"49.32.0"}),
    ("перевозка грузов по городу", {"49.41.0", "49.42.0"}),
    ("сдаю квартиру в аренду", {"68.20.1", "55.20.0"}),
    ("сдаю в аренду офисное помещение", {"68.20.2"}),
    ("посуточная аренда квартир", {"55.20.0", "68.20.1"}),
    ("репетитор по английскому", {"85.59.0"}),
    ("частный детский сад", {"85.10.0", "88.91.0"}),
    ("продаю одежду через инстаграм", {"47.91.0", "47.71.0"}),
    ("магазин продуктов у дома", {"47.11.2"}),
    ("продажа стройматериалов", {"47.52.0", "46.73.0"}),
    ("автосервис и шиномонтаж", {"45.20.1"}),
    ("кофейня", {"56.30.0"}),
    ("кафе быстрого питания", {"56.10.1"}),
    ("пеку торты на заказ", {"10.71.0"}),
    ("разработка мобильных приложений", {"62.01.1"}),
    ("настраиваю таргетированную рекламу", {"73.11.0"}),
    ("ремонт и отделка квартир", {"43.39.0"}),
    ("электромонтажные работы", {"43.21.0"}),
    ("уборка квартир и офисов", {"81.21.0"}),
    ("фотосессии", {"74.20.0"}),
    ("бухгалтерское сопровождение ИП", {"69.20.0"}),
    ("цветочный магазин", {"47.76.0"}),
    ("пошив одежды на заказ", {"14.13.0"}),
    ("курьерская доставка", {"53.20.0"}),
    # Kazakh
    ("телефон жөндеу", {"95.12.0"}),
    ("шаштараз ашқым келеді", {"96.02.0"}),
    ("пәтерді жалға беремін", {"68.20.1"}),
    ("жүк тасымалдау", {"49.41.0"}),
    ("азық-түлік дүкені", {"47.11.2"}),
    ("нан пісіру", {"10.71.0"}),
    ("ағылшын тілі курстары", {"85.59.0"}),
    ("сұлулық салоны", {"96.02.0"}),
    ("көлік жөндеу", {"45.20.1", "45.20.2"}),
    ("киім тігу", {"14.13.0"}),
    ("бағдарламалау", {"62.01.1"}),
    ("такси жүргізушісі", {"49.32.0"}),
]


def test_top3_accuracy() -> None:
    misses = []
    for query, expected in EVERYDAY:
        top = [m.entry.code for m in search(query, 3)]
        if not expected & set(top):
            misses.append(f"{query!r}: {top} (expected {sorted(expected)})")
    accuracy = 1 - len(misses) / len(EVERYDAY)
    assert len(EVERYDAY) >= 30
    assert accuracy >= 0.9, "\n".join(misses)


@pytest.mark.parametrize(("query", "expected"), EVERYDAY[:3] + EVERYDAY[-3:])
def test_first_hit(query: str, expected: set[str]) -> None:
    assert search(query, 1)[0].entry.code in expected


def test_data_file() -> None:
    entries = load_codes(OKED_FILE)
    assert len(entries) >= 200
    assert len({e.code for e in entries}) == len(entries)
    assert all(e.name_ru and e.name_kk for e in entries)
    sections = {e.code[:2] for e in entries}
    assert {"10", "43", "45", "47", "49", "56", "62", "68", "85", "95", "96"} <= sections
    assert "stat.gov.kz" in OKED_FILE.read_text(encoding="utf-8").split("\n", 5)[2]


def test_lookup_and_code_query() -> None:
    entry = lookup("95.12.0")
    assert entry is not None
    assert "коммуникационного" in entry.name_ru
    assert [m.entry.code for m in search("95.12")] == ["95.12.0"]
    assert lookup("99.99.9") is None
    assert codes()


def test_typos_and_lemmas() -> None:
    assert lemma("телефонов") == "телефон"
    assert search("ремонт телфонов", 1)[0].entry.code == "95.12.0"


def test_nonsense_and_empty() -> None:
    assert search("ыыыыы щщщщ") == []
    with pytest.raises(ValueError, match="empty"):
        search("  ")


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["oked", "search", "ремонт телефонов", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == "ремонт телефонов"
    first = data["results"][0]
    assert set(first) == {"code", "name_ru", "name_kk", "score"}
    assert first["code"] == "95.12.0"
    assert first["name_kk"] == "Коммуникациялық жабдықты жөндеу"


def test_cli_text_kk(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["oked", "search", "шаштараз", "--lang", "kk", "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("96.02.0  Шаштараздар")


@pytest.mark.parametrize("argv", [["oked", "search", "  "], ["oked", "search", "x", "--limit", "0"], ["oked"]])
def test_cli_bad_input(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err.count("\n") == 1
