"""Knowledge-base articles: Markdown files in ``nlu/kb`` with YAML front matter.

Front matter::

    id: simplified-rate                # unique, = file name without .md
    title: {ru: "…", kk: "…"}
    tags: [simplified, rate]
    applies: {from: 2026-01-01, to: 2026-12-31}   # optional, either end optional
    questions: {ru: ["…"], kk: ["…"]}             # typical phrasings, for retrieval only
    references: [{title: "…", href: "…"}, {title: "…", article: "ст. 726"}]

Body: ``## ru`` and ``## kk`` sections; the first paragraph of each is the short answer, the rest the details.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

KB_DIR = Path(__file__).resolve().parent.parent / "kb"
LANGS = ("ru", "kk")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10× faster start-up
_FRONT = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)
_SECTION = re.compile(r"^## (ru|kk)\s*$", re.M)


class ArticleError(ValueError):
    """An article file is malformed."""


@dataclass(frozen=True, slots=True)
class Article:
    """One knowledge-base article (статья базы знаний)."""

    id: str
    title: dict[str, str]
    tags: tuple[str, ...]
    questions: dict[str, tuple[str, ...]]
    references: tuple[dict[str, str], ...]
    body: dict[str, str]
    applies_from: dt.date | None = None
    applies_to: dt.date | None = None

    def applies(self, on: dt.date) -> bool:
        """Whether the article describes the rules in force on ``on``."""
        return (self.applies_from is None or self.applies_from <= on) and (
            self.applies_to is None or on <= self.applies_to
        )

    def clamp(self, on: dt.date) -> dt.date:
        """``on`` moved into the article's period: a 2024–25 article asked in 2026 shows its last figures."""
        if self.applies_from and on < self.applies_from:
            return self.applies_from
        if self.applies_to and on > self.applies_to:
            return self.applies_to
        return on

    def short(self, lang: str) -> str:
        """The short answer: the first paragraph of the language section."""
        return self.body[lang].strip().split("\n\n", 1)[0].strip()

    def details(self, lang: str) -> str:
        """Everything after the short answer (bullets, caveats); may be empty."""
        parts = self.body[lang].strip().split("\n\n", 1)
        return parts[1].strip() if len(parts) > 1 else ""


def _date(raw: Any, where: str) -> dt.date | None:
    if raw is None or isinstance(raw, dt.date):
        return raw
    raise ArticleError(f"{where}: applies dates must be YYYY-MM-DD")


def _pair(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or set(raw) != set(LANGS):
        raise ArticleError(f"{where}: needs exactly ru and kk")
    return raw


def parse_article(text: str, source: str = "<text>") -> Article:
    """Parse one article file; raises ``ArticleError`` with the file name when it is malformed."""
    match = _FRONT.match(text.replace("\r\n", "\n"))
    if not match:
        raise ArticleError(f"{source}: no YAML front matter")
    meta = yaml.load(match.group(1), Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    if not isinstance(meta, dict) or not meta.get("id"):
        raise ArticleError(f"{source}: front matter needs an id")
    parts = _SECTION.split(match.group(2))
    body = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    _pair(body, f"{source} body")
    refs = meta.get("references") or []
    if not refs or any(not r.get("title") or not (r.get("href") or r.get("article")) for r in refs):
        raise ArticleError(f"{source}: every reference needs a title and an href or article")
    applies = meta.get("applies") or {}
    questions = _pair(meta.get("questions"), f"{source} questions")
    return Article(
        id=str(meta["id"]),
        title={k: str(v) for k, v in _pair(meta.get("title"), f"{source} title").items()},
        tags=tuple(str(t) for t in meta.get("tags") or ()),
        questions={k: tuple(str(q) for q in v) for k, v in questions.items()},
        references=tuple({k: str(v) for k, v in r.items()} for r in refs),
        body=body,
        applies_from=_date(applies.get("from"), source),
        applies_to=_date(applies.get("to"), source),
    )


def load_articles(root: Path = KB_DIR) -> tuple[Article, ...]:
    """Every ``*.md`` article under ``root`` (not ``README.md``), sorted by id; ids must be unique."""
    articles = [
        parse_article(p.read_text(encoding="utf-8"), p.name)
        for p in sorted(root.glob("*.md"))
        if p.name != "README.md"
    ]
    seen: set[str] = set()
    for article in articles:
        if article.id in seen:
            raise ArticleError(f"duplicate article id {article.id!r}")
        seen.add(article.id)
    return tuple(sorted(articles, key=lambda a: a.id))


@lru_cache(maxsize=1)
def articles() -> tuple[Article, ...]:
    """The project's knowledge base, loaded once per process."""
    return load_articles()
