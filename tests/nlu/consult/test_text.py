"""Tokens, language detection, Kazakh stems, the bilingual lexicon."""

from __future__ import annotations

from nlu.consult.text import detect_language, kk_stem, terms, words


def test_words_keep_form_numbers() -> None:
    assert words("Сдай 910.00 и 200,00 за 2026 год") == ["сдай", "910", "и", "200", "за", "2026", "год"]


def test_language_detection() -> None:
    assert detect_language("сколько платить ИП на упрощёнке") == "ru"
    assert detect_language("салық қанша") == "kk"
    assert detect_language("салык канша") == "kk"  # Kazakh typed without Kazakh letters


def test_kazakh_inflections_meet_on_one_stem() -> None:
    for forms in (
        ("салық", "салығы", "салықты", "салықтарды"),
        ("жалақы", "жалақысы"),
        ("төлеу", "төлеймін"),
        ("тапсыру", "тапсырамын"),
        ("мерзім", "мерзімі"),
    ):
        assert len({kk_stem(f) for f in forms}) == 1, forms


def test_lexicon_joins_russian_and_kazakh_terms() -> None:
    assert sorted(terms("ЖМЗЖ мөлшерлемесі")) == sorted(terms("ставка ОПВР"))
    assert sorted(terms("ҚҚС шегі")) == sorted(terms("порог НДС"))
    assert "регион" in terms("в Шымкенте")
    assert "регион" in terms("Шымкентте мөлшерлеме қанша")
