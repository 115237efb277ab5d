"""Translations: gettext catalogs (``locales/{ru,kk}/LC_MESSAGES/*.po``) read at run time with Babel.

One ``.po`` per feature area (``messages.po`` for the core flows, ``documents.po``, ``notices.po``, …), merged into
one catalog per language; an id defined in two files is an error (a test checks it), so areas never collide.

Message ids are English; a missing translation falls back to the id (a test keeps both catalogs complete). Messages
use ``str.format`` placeholders (``{amount}``), formatted after translation. ``N_`` marks a message for extraction
where it is translated later (tables of labels).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from babel.messages.pofile import read_po

Lang = Literal["ru", "kk"]
LANGUAGES: tuple[Lang, ...] = ("ru", "kk")
DEFAULT_LANG: Lang = "ru"
LOCALES_DIR = Path(__file__).with_name("locales")


def N_(message: str) -> str:  # noqa: N802 — the gettext convention
    """Mark ``message`` for extraction without translating it now."""
    return message


def normalise_lang(code: str | None) -> Lang:
    """A channel's language hint → our language: Kazakh stays Kazakh, everything else is Russian."""
    if code and code.lower().split("-")[0].split("_")[0] in ("kk", "kz"):
        return "kk"
    return "ru"


@lru_cache(maxsize=len(LANGUAGES))
def catalog(lang: Lang) -> dict[str, str]:
    """``msgid → msgstr`` for one language (non-empty, non-fuzzy translations only)."""
    found: dict[str, str] = {}
    for path in catalog_files(lang):
        with path.open("rb") as fh:
            po = read_po(fh, locale=lang)
        for message in po:
            if isinstance(message.id, str) and message.id and isinstance(message.string, str) and message.string:
                found[message.id] = message.string
    return found


def catalog_files(lang: Lang) -> list[Path]:
    """The ``.po`` files of one language, ``messages.po`` first."""
    return sorted((LOCALES_DIR / lang / "LC_MESSAGES").glob("*.po"), key=lambda p: (p.name != "messages.po", p.name))


class Translator:
    """``t("Saved")`` → the text in this translator's language."""

    __slots__ = ("_messages", "lang")

    def __init__(self, lang: Lang) -> None:
        self.lang: Lang = lang
        self._messages = catalog(lang)

    def t(self, message: str, **params: object) -> str:
        text = self._messages.get(message, message)
        return text.format(**params) if params else text


def t(lang: Lang, message: str, **params: object) -> str:
    """One-off translation (``Translator(lang).t``)."""
    return Translator(lang).t(message, **params)
