"""Consultation: a knowledge base of short ru/kk articles, retrieval, and answers with figures from the rules.

Public API::

    from nlu.consult import ask, Answer
    ask("какая ставка на упрощёнке?", today=date(2026, 6, 1))
    # Answer(answer="…", article_id="simplified-rate-2026", sources=[{title, href|article}], confidence=0.71,
    #        route=None | "calc" | "human", lang="ru")
"""

from nlu.consult.answer import HANDOFF, Answer, ask, is_calc_question
from nlu.consult.articles import Article, articles, load_articles
from nlu.consult.index import Index, shared_index

__all__ = [
    "HANDOFF",
    "Answer",
    "Article",
    "Index",
    "articles",
    "ask",
    "is_calc_question",
    "load_articles",
    "shared_index",
]
