"""Placeholders resolve from the dated parameters and format per language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.rules import parameters
from nlu.consult.figures import bare_figures
from nlu.consult.render import NBSP, Renderer, RenderError, fmt_date, fmt_kzt, fmt_pct, group

JUNE_2025 = dt.date(2025, 6, 1)
JUNE_2026 = dt.date(2026, 6, 1)


def render(text: str, on: dt.date = JUNE_2026, lang: str = "ru") -> str:
    return Renderer(parameters(), on, lang).render(text).text.replace(NBSP, " ")


def test_number_formats() -> None:
    assert group(Decimal("2595000000")) == f"2{NBSP}595{NBSP}000{NBSP}000"
    assert fmt_pct(Decimal("0.015")) == f"1,5{NBSP}%"
    assert fmt_kzt(Decimal("5949.5")) == f"5{NBSP}950{NBSP}₸"  # half-up
    assert fmt_date(dt.date(1975, 1, 1), "ru") == f"1{NBSP}января 1975{NBSP}г."
    assert fmt_date(dt.date(1975, 1, 1), "kk") == f"1975{NBSP}жылғы 1{NBSP}қаңтар"


def test_param_follows_the_date() -> None:
    text = '{{ param "simplified.rate" pct }}'
    assert render(text, JUNE_2025) == "3 %"
    assert render(text, JUNE_2026) == "4 %"


def test_mrp_multiplies_by_the_mrp_of_the_date() -> None:
    tree = parameters()
    expected = tree.decimal("simplified.limit_mrp", JUNE_2026) * tree.decimal("base.mrp", JUNE_2026)
    assert render('{{ mrp "simplified.limit_mrp" }}') == fmt_kzt(expected).replace(NBSP, " ")
    assert render('{{ param "simplified.limit_mrp" }}', lang="kk").endswith("АЕК")


def test_calc_rounds_each_line_before_the_sum() -> None:
    expression = (
        "social.opv.rate * social.opv.base_min_mzp * base.mzp"
        " + social.vosms_self.rate * social.vosms_self.base_mzp * base.mzp"
    )
    tree = parameters()
    mzp = tree.decimal("base.mzp", JUNE_2026)
    opv = (tree.decimal("social.opv.rate", JUNE_2026) * mzp).quantize(Decimal(1))
    vosms = (
        tree.decimal("social.vosms_self.rate", JUNE_2026) * tree.decimal("social.vosms_self.base_mzp", JUNE_2026) * mzp
    )
    assert render(f'{{{{ calc "{expression}" }}}}') == fmt_kzt(opv + vosms.quantize(Decimal(1))).replace(NBSP, " ")


def test_deadlines_in_both_languages() -> None:
    assert render('{{ deadline "deadlines.f910.file" after="06-30" }}') == "до 15 августа"
    assert render('{{ deadline "deadlines.f910.file" after="06-30" }}', lang="kk") == "15 тамызға дейін"
    assert render('{{ deadline "deadlines.social_payments.pay" }}') == "до 25-го числа следующего месяца"
    assert render('{{ deadline "deadlines.social_payments.pay" }}', lang="kk") == "келесі айдың 25-іне дейін"


def test_used_values_are_recorded_for_sources() -> None:
    done = Renderer(parameters(), JUNE_2026, "ru").render('{{ param "vat.rate" }} и {{ mrp "vat.threshold_mrp" }}')
    assert [v.path for v in done.used] == ["vat.rate", "vat.threshold_mrp", "base.mrp"]
    assert all(v.reference.title for v in done.used)


@pytest.mark.parametrize(
    "text",
    [
        '{{ param "no.such.path" }}',
        "{{ param }}",
        '{{ wat "vat.rate" }}',
        '{{ param "vat.rate" bogus }}',
        '{{ param "self_employed.rate_total" }}',
    ],
)
def test_bad_placeholders_raise(text: str) -> None:
    with pytest.raises(RenderError):
        render(text, JUNE_2025)  # self_employed has no value before 2026


def test_bare_figure_checker() -> None:
    assert bare_figures("ставка 4 % и лимит 600 000 МРП") == ["4", "600", "000"]
    allowed = "форма 910.00, строка 910.00.001, ст. 726, 726-бап, № 994 от 21.11.2025, до 1 марта 2026 года, 15 тамыз"
    assert bare_figures(allowed) == []
    assert bare_figures('{{ param "simplified.rate" pct }}') == []


def test_kazakh_month_cases_follow_vowel_harmony() -> None:
    dative = [fmt_date(dt.date(2026, m, 1), "kk", "dative").split()[-1] for m in (1, 4, 9, 12)]
    assert dative == ["қаңтарға", "сәуірге", "қыркүйекке", "желтоқсанға"]
    assert fmt_date(dt.date(1975, 1, 1), "kk", "locative").endswith("қаңтарда")
    assert fmt_date(dt.date(1975, 1, 1), "ru", "dative") == fmt_date(dt.date(1975, 1, 1), "ru")
