"""``parse_mode=HTML``: Telegram strips the tags (the length limit counts the visible text) and rejects bad markup.

A bot echoing user text with HTML parse mode and no escaping is a real bug class; the emulator answers it with
Telegram's "can't parse entities" error. Markdown modes are passed through unchecked.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from bot.emulator.telegram.errors import bad_request

_ALLOWED = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre",
    "blockquote", "tg-emoji",
}  # fmt: skip


class _Stripper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED:
            raise bad_request(f'can\'t parse entities: Unsupported start tag "{tag}"')
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            raise bad_request(f'can\'t parse entities: Unmatched end tag "{tag}"')
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?>")


def _check_tag_starts(text: str) -> None:
    """Every ``<`` must open a tag (html.parser would take ``<Альфа>`` as text; Telegram rejects it)."""
    for match in re.finditer("<", text):
        if not _TAG.match(text, match.start()):
            offset = len(text[: match.start()].encode("utf-8"))
            raise bad_request(f"can't parse entities: Unsupported start tag at byte offset {offset}")


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text Telegram keeps after parsing ``parse_mode`` (HTML checked and stripped)."""
    if (parse_mode or "").lower() != "html":
        return text
    if "<" not in text and "&" not in text:
        return text
    _check_tag_starts(text)
    stripper = _Stripper()
    stripper.feed(text)
    stripper.close()
    if stripper.open:
        raise bad_request(
            f"can't parse entities: Can't find end tag corresponding to start tag \"{stripper.open[-1]}\""
        )
    return "".join(stripper.parts)
