"""``ask``: the right article, figures for the question's date, sources, the calc and hand-off routes."""

from __future__ import annotations

import datetime as dt

import pytest

from core.rules import parameters
from nlu.consult import HANDOFF, ask, is_calc_question
from nlu.consult.render import NBSP

JUNE_2026 = dt.date(2026, 6, 1)


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


def test_answer_carries_current_figures_and_sources() -> None:
    answer = ask("какая ставка налога на упрощенке", today=JUNE_2026)
    assert answer.article_id == "simplified-rate-2026"
    assert answer.route is None
    assert answer.lang == "ru"
    assert "4 %" in plain(answer.answer)
    assert answer.sources
    assert all(s["title"] for s in answer.sources)
    rate_ref = parameters().at("simplified.rate", JUNE_2026).reference
    assert any(s.get("href") == rate_ref.href or s.get("parameter") == "simplified.rate" for s in answer.sources)
    assert 0 < answer.confidence <= 1


def test_same_question_other_year_gets_that_years_rules() -> None:
    answer = ask("какая ставка налога на упрощенке", today=dt.date(2025, 6, 1))
    assert answer.article_id == "simplified-rate-2024"
    assert "3 %" in plain(answer.answer)


def test_a_past_year_in_the_question_selects_its_figures() -> None:
    answer = ask("лимит по упрощенке за полугодие в 2025 году", today=JUNE_2026)
    assert answer.article_id == "simplified-limit-2024"
    limit = parameters().decimal("simplified.limit_mrp", dt.date(2025, 6, 1))
    assert f"{int(limit):,}".replace(",", " ") in plain(answer.answer)


def test_kazakh_question_is_answered_in_kazakh() -> None:
    answer = ask("ҚҚС бойынша тіркелу шегі қанша", today=JUNE_2026)
    assert answer.article_id == "vat-threshold"
    assert answer.lang == "kk"
    assert "АЕК" in answer.answer


def test_language_can_be_forced() -> None:
    assert ask("порог НДС", lang="kk", today=JUNE_2026).lang == "kk"


def test_off_topic_question_is_handed_off() -> None:
    answer = ask("посоветуй фильм на вечер", today=JUNE_2026)
    assert answer.article_id is None
    assert answer.route == "human"
    assert answer.answer == HANDOFF["ru"]
    assert answer.sources == []


@pytest.mark.parametrize(
    "question",
    [
        "сколько мне платить в этом месяце при доходе 500 000",
        "посчитай налог с 1,5 млн",
        "маған 300 мың табыстан қанша төлеймін",
        "доход 5 млн за полгода налог сколько",
    ],
)
def test_own_amounts_go_to_the_calculator(question: str) -> None:
    assert is_calc_question(question)
    assert ask(question, today=JUNE_2026).route == "calc"


@pytest.mark.parametrize(
    "question",
    [
        "какая ставка ОПВР",
        "1970 жылы туғанмын ЖМЗЖ төлеймін бе",
        "лимит 910 в 2025",
        "сколько это 600 000 МРП в тенге",
    ],
)
def test_general_questions_are_not_calculations(question: str) -> None:
    assert not is_calc_question(question)


@pytest.mark.parametrize(("question", "lang"), [("", None), ("   ", None), ("ставка", "en")])
def test_bad_input_raises_value_error(question: str, lang: str | None) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        ask(question, lang=lang)


def test_as_dict_has_the_stable_keys() -> None:
    payload = ask("когда сдавать 910", today=JUNE_2026).as_dict()
    assert {"answer", "article_id", "sources", "confidence"} <= set(payload)


def test_place_named_in_the_question_gets_its_maslikhat_rate() -> None:
    answer = ask("какая ставка упрощенки в Астане", today=JUNE_2026)
    assert answer.article_id == "maslikhat-rates"
    assert "г. Астана: 3 %" in plain(answer.answer)
    assert any(s.get("parameter") == "places.astana" for s in answer.sources)


def test_place_without_a_decision_gets_the_base_rate() -> None:
    answer = ask("Шымкентте 910 мөлшерлемесі қанша", today=JUNE_2026)
    assert "Шымкент қ." in answer.answer
    assert "4 %" in plain(answer.answer.split("\n")[-1])


def test_sources_list_each_document_once() -> None:
    for question in ("сколько ОПВР в 2026", "когда сдавать 910", "штраф за несдачу декларации"):
        sources = ask(question, today=JUNE_2026).sources
        keys = [s.get("href") or (s["title"], s.get("article")) for s in sources]
        assert len(keys) == len(set(keys))


def test_unverified_figures_carry_a_warning() -> None:
    answer = ask("штраф за повторную несдачу декларации", today=JUNE_2026)
    assert answer.article_id == "penalty-late-filing"
    assert "не сверена" in answer.answer


def test_details_and_title_are_rendered_for_the_same_date() -> None:
    answer = ask("когда сдавать 910", today=JUNE_2026)
    assert answer.title == "Сроки сдачи и оплаты по форме 910.00"
    assert "до 25-го числа следующего месяца" in plain(answer.details)
    assert "{{" not in answer.details
