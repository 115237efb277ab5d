"""``ask``: a consultation answer — the best article's short answer rendered for a date, with its sources.

Routes: ``None`` — answered from an article; ``"calc"`` — a question about the user's own amounts, for the tax
engine with the profile; ``"human"`` — nothing matched well, hand-off to a human accountant instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from core.rules import ParameterValue, parameters
from nlu.consult.articles import LANGS, Article
from nlu.consult.index import Hit, shared_index
from nlu.consult.places import find_place
from nlu.consult.render import Renderer, RenderError
from nlu.consult.text import detect_language, words
from nlu.consult.words import wordlist

log = logging.getLogger(__name__)

MIN_SCORE = 0.175  # retrieval score below which the best article is a guess: hand off (confidence 0.35)
FULL_CONFIDENCE_SCORE = 0.5  # confidence = score / this, capped at 1: the hand-off line sits at 0.35
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_AMOUNT = re.compile(
    r"\d[\d\s\u00a0]*(?:[.,]\d+)?\s*(?:к\b|k\b|тыс|тысяч|мың|мын|млн|миллион|₸|тг|тенге|теңге)|\d{1,3}(?:[\s\u00a0]\d{3})+|\d{4,}",
    re.IGNORECASE,
)
# Words that make it "my amounts": a calculation for this user, not a general rule.
_CALC_MARKERS = frozenset(
    wordlist(
        "мне мой моя мои моих моего моей меня у посчитай посчитайте рассчитай рассчитайте посчитать "
        "рассчитать заплатить платить маған менің менде менің есепте есептеңіз есептеп қанша төлеймін төлеуім "
        "сколько скок скока канша"
    )
)
HANDOFF = {
    "ru": (
        "Не нашёл в базе знаний надёжного ответа на этот вопрос и не хочу гадать. "
        "Могу передать вопрос бухгалтеру-человеку — он ответит в этом чате."
    ),
    "kk": (
        "Білім базасынан бұл сұраққа сенімді жауап таппадым, болжап айтқым келмейді. "
        "Сұрақты бухгалтер-маманға жібере аламын — ол осы чатта жауап береді."
    ),
}
PLACE_RATE = {
    "ru": "{place}: {rate} по решению маслихата.",
    "kk": "{place}: мәслихат шешімі бойынша {rate}.",
}
PLACE_DEFAULT = {
    "ru": "{place}: решения маслихата в базе нет — применяется базовая ставка {rate}.",
    "kk": "{place}: мәслихат шешімі базада жоқ — базалық мөлшерлеме {rate} қолданылады.",
}
VERIFY_NOTE = {
    "ru": "Часть цифр не сверена с официальным текстом закона — уточните перед решением.",
    "kk": "Кейбір сандар заңның ресми мәтінімен салыстырылмаған — шешім қабылдамас бұрын нақтылаңыз.",
}
CALC = {
    "ru": "Это расчёт по вашим суммам — посчитаю по вашему профилю и правилам на эту дату.",
    "kk": "Бұл сіздің сомаларыңыз бойынша есеп — профиліңіз бен осы күнгі ережелер бойынша есептеймін.",
}


@dataclass(frozen=True, slots=True)
class Answer:
    """A consultation answer (the ``asistent ask --json`` shape plus ``route`` and ``lang``)."""

    answer: str
    article_id: str | None
    sources: list[dict[str, str]] = field(default_factory=list)
    confidence: float = 0.0
    route: str | None = None
    lang: str = "ru"
    title: str | None = None  # the article's title in ``lang``
    details: str = ""  # the rest of the article, rendered for the same date ("Подробнее" in the chat)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready mapping with the stable keys (and the additions: route, lang, title, details)."""
        return {
            "answer": self.answer,
            "article_id": self.article_id,
            "sources": self.sources,
            "confidence": self.confidence,
            "route": self.route,
            "lang": self.lang,
            "title": self.title,
            "details": self.details,
        }


_NOT_MONEY = re.compile(r"\s*(?:мрп|мзп|аек|етж|%|процент|пайыз|работник|сотрудник|қызметкер|человек|адам)", re.I)


def _has_amount(question: str) -> bool:
    """An amount of money in the text — years ("1970 жылы") and limits in МРП / percents / head counts do not count."""
    return any(
        not _YEAR.fullmatch(m.group().strip()) and not _NOT_MONEY.match(question, m.end())
        for m in _AMOUNT.finditer(question)
    )


def is_calc_question(question: str) -> bool:
    """A question about the user's own amounts: money plus "мне / мой / посчитай / сколько / маған / қанша"."""
    return _has_amount(question) and any(w in _CALC_MARKERS for w in words(question))


def _first_rules_year() -> int:
    """The first year the parameter tree covers (years before it are birth years, not rule years)."""
    return min(v.since for v in parameters().get("base.mrp").values).year


def effective_date(question: str, today: dt.date) -> dt.date:
    """The date whose rules the question is about: a past year named in it ("в 2025 году") or ``today``."""
    years = [int(y) for y in _YEAR.findall(question) if int(y) >= _first_rules_year()]
    past = [y for y in years if y < today.year]
    return dt.date(past[0], 12, 31) if past and len(set(years)) == 1 else today


def _source_key(ref: dict[str, str]) -> tuple[str, ...]:
    return (ref["href"],) if ref.get("href") else (ref.get("title", ""), ref.get("article", ""))


def _sources(article: Article, used: list[ParameterValue]) -> list[dict[str, str]]:
    """The article's references, then the references of the figures it showed (one entry per document)."""
    out: list[dict[str, str]] = [dict(r) for r in article.references]
    for item in used:
        pairs = (("title", item.reference.title), ("article", item.reference.article), ("href", item.reference.href))
        ref = {k: v for k, v in pairs if v}
        ref["parameter"] = item.path
        if _source_key(ref) not in {_source_key(r) for r in out}:
            out.append(ref)
    return out


def render_short(
    article: Article, lang: str, on: dt.date, *, strict: bool = False
) -> tuple[str, list[ParameterValue]]:
    """The article's short answer for the rules on ``on`` (clamped into the article's period)."""
    renderer = Renderer(parameters(), article.clamp(on), lang)
    try:
        done = renderer.render(article.short(lang))
    except RenderError:
        if strict:
            raise
        log.warning("article %s: a figure has no parameter on %s", article.id, on)
        return article.title[lang] + " — " + HANDOFF[lang], []
    return done.text, done.used


def render_details(article: Article, lang: str, on: dt.date) -> tuple[str, list[ParameterValue]]:
    """The article's details for the rules on ``on``; empty when a figure has no value (never a wrong figure)."""
    try:
        done = Renderer(parameters(), article.clamp(on), lang).render(article.details(lang))
    except RenderError:
        log.warning("article %s: details have a figure without a parameter on %s", article.id, on)
        return "", []
    return done.text, done.used


def _place_line(question: str, lang: str, on: dt.date) -> tuple[str, list[ParameterValue]] | None:
    """For a maslikhat-rate answer: the rate of the place the question names ("в Шымкенте"), or the base rate."""
    place = find_place(question)
    if place is None:
        return None
    renderer = Renderer(parameters(), on, lang)
    try:
        text = PLACE_RATE[lang].format(place=place.name(lang), rate=renderer.place_rate(place.id, None))
    except RenderError:
        base = renderer.placeholder('param "simplified.rate" pct')
        text = PLACE_DEFAULT[lang].format(place=place.name(lang), rate=base)
    return text, renderer.used


def _hits(question: str, on: dt.date) -> list[Hit]:
    return shared_index().rank(question, on=on, limit=2)


def ask(question: str, *, lang: str | None = None, today: dt.date | None = None) -> Answer:
    """Answer a general accounting/tax question from the knowledge base (Russian or Kazakh)."""
    if not question or not question.strip():
        raise ValueError("empty question")
    if lang is not None and lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}")
    lang = lang or detect_language(question)
    today = today or dt.date.today()
    on = effective_date(question, today)
    hits = _hits(question, on)
    best = hits[0] if hits else None
    confidence = round(min(1.0, best.score / FULL_CONFIDENCE_SCORE), 3) if best else 0.0
    if is_calc_question(question):
        article_id = best.article.id if best and best.score >= MIN_SCORE else None
        return Answer(CALC[lang], article_id, [], confidence, "calc", lang)
    if best is None or best.score < MIN_SCORE:
        return Answer(HANDOFF[lang], None, [], confidence, "human", lang)
    text, used = render_short(best.article, lang, on)
    place = _place_line(question, lang, on) if "maslikhat" in best.article.tags else None
    if place is not None:
        text, used = f"{text}\n\n{place[0]}", [*used, *place[1]]
    if any(item.verify or item.confidence == "L" for item in used):
        text = f"{text}\n\n{VERIFY_NOTE[lang]}"
    details, more = render_details(best.article, lang, on)
    sources = _sources(best.article, [*used, *more])
    return Answer(text, best.article.id, sources, confidence, None, lang, best.article.title[lang], details)
