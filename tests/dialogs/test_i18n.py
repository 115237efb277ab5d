"""The catalogs: every message used in the dialogs is translated into Russian and Kazakh, same placeholders."""

from __future__ import annotations

import re
import string

import pytest

from dialogs.catalog_tools import missing, used_messages
from dialogs.i18n import LANGUAGES, Translator, catalog, normalise_lang

KAZAKH_ONLY = set("әғқңөұүһі")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_messages_are_found() -> None:
    assert len(used_messages()) > 100


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_translated(lang: str) -> None:
    assert missing(lang) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_match(lang: str) -> None:
    messages = catalog("kk" if lang == "kk" else "ru")
    for msgid in used_messages():
        assert placeholders(messages[msgid]) == placeholders(msgid), msgid


def test_kazakh_is_kazakh_and_russian_is_russian() -> None:
    kk, ru = catalog("kk"), catalog("ru")
    long_ids = [m for m in used_messages() if len(m) > 40]
    with_kazakh_letters = [m for m in long_ids if KAZAKH_ONLY & set(kk[m].lower())]
    assert len(with_kazakh_letters) >= 0.9 * len(long_ids)
    assert not any(KAZAKH_ONLY & set(ru[m].lower()) for m in long_ids)
    latin = re.compile(r"[A-Za-z]{4,}")
    from dialogs.engine import COMMANDS

    allowed = {"asistent", "cancel", "eGov", *COMMANDS}  # command names and eGov stay Latin: /file, /pay
    for lang, messages in (("ru", ru), ("kk", kk)):
        for msgid in used_messages():
            words = set(latin.findall(re.sub(r"\{[^}]*\}", "", messages[msgid]))) - allowed
            assert not words, (lang, msgid, words)


def test_no_compiled_catalogs_committed() -> None:
    from dialogs.i18n import LOCALES_DIR

    assert not list(LOCALES_DIR.rglob("*.mo"))


def test_language_hint() -> None:
    assert normalise_lang("kk") == "kk"
    assert normalise_lang("kk-KZ") == "kk"
    assert normalise_lang("ru") == "ru"
    assert normalise_lang("en") == "ru"
    assert normalise_lang(None) == "ru"


def test_translator_formats_after_translation() -> None:
    assert Translator("kk").t("Total: {amount}", amount="5 ₸") == "Барлығы: 5 ₸"
    assert Translator("ru").t("an id nobody translated") == "an id nobody translated"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_id_in_two_catalog_files(lang: str) -> None:
    from babel.messages.pofile import read_po

    from dialogs.i18n import catalog_files

    seen: dict[str, str] = {}
    for path in catalog_files("kk" if lang == "kk" else "ru"):
        with path.open("rb") as fh:
            for message in read_po(fh):
                if isinstance(message.id, str) and message.id:
                    assert message.id not in seen, (message.id, seen.get(message.id), path.name)
                    seen[message.id] = path.name
