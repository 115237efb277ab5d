"""``parse_mode=HTML``: Telegram keeps the visible text plus ``entities`` and rejects bad markup.

The length limit counts the visible text. A bot echoing user text with HTML parse mode and no escaping is a real bug
class; the emulator answers it with Telegram's "can't parse entities" error. Markdown modes pass through unchecked.
Entity offsets and lengths are in UTF-16 code units, as Telegram's (and JavaScript's) are.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from bot.emulator.telegram.errors import bad_request
from bot.emulator.telegram.limits import utf16_length

_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "span": "spoiler",
    "tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}  # fmt: skip
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?>")
Entity = dict[str, Any]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0  # UTF-16 units so far
        self.open: list[tuple[str, int, dict[str, str | None]]] = []
        self.entities: list[Entity] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TYPES:
            raise bad_request(f'can\'t parse entities: Unsupported start tag "{tag}"')
        self.open.append((tag, self.length, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1][0] != tag:
            raise bad_request(f'can\'t parse entities: Unmatched end tag "{tag}"')
        _, start, attrs = self.open.pop()
        if self.length > start:
            self._entity(tag, start, attrs)

    def _entity(self, tag: str, start: int, attrs: dict[str, str | None]) -> None:
        if tag == "code" and self.open and self.open[-1][0] == "pre":
            language = (attrs.get("class") or "").removeprefix("language-")
            self.open[-1][2]["language"] = language or None
            return  # <pre><code class="language-x"> is one pre entity with a language
        entity: Entity = {"type": _TYPES[tag], "offset": start, "length": self.length - start}
        if tag == "a":
            entity["url"] = attrs.get("href") or ""
        if tag == "pre" and attrs.get("language"):
            entity["language"] = attrs["language"]
        if tag == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        if tag == "tg-emoji":
            entity["custom_emoji_id"] = attrs.get("emoji-id") or ""
        self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.length += utf16_length(data)


def _check_tag_starts(text: str) -> None:
    """Every ``<`` must open a tag (html.parser would take ``<Альфа>`` as text; Telegram rejects it)."""
    for match in re.finditer("<", text):
        if not _TAG.match(text, match.start()):
            offset = len(text[: match.start()].encode("utf-8"))
            raise bad_request(f"can't parse entities: Unsupported start tag at byte offset {offset}")


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """The visible text and its entities after ``parse_mode`` (only HTML is parsed)."""
    if (parse_mode or "").lower() != "html" or ("<" not in text and "&" not in text):
        return text, []
    _check_tag_starts(text)
    parser = _Parser()
    parser.feed(text)
    parser.close()
    if parser.open:
        tag = parser.open[-1][0]
        raise bad_request(f"can't parse entities: Can't find end tag corresponding to start tag \"{tag}\"")
    entities = sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))
    return "".join(parser.parts), entities


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text Telegram keeps after parsing ``parse_mode``."""
    return parse_text(text, parse_mode)[0]
