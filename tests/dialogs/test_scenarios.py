"""Every flow as a scripted conversation, in Russian and Kazakh, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dialogs.engine import Engine
from dialogs.testing import WORDS, erase_scenario, income_scenario, onboarding_scenario, taxes_scenario
from tests.dialogs.conftest import chat_for

LANGS = ("ru", "kk")


@pytest.mark.parametrize("lang", LANGS)
async def test_full_conversation(sql_engine: Engine, lang: str) -> None:
    chat = chat_for(sql_engine, lang)
    await onboarding_scenario(chat, lang)
    await income_scenario(chat, lang)
    await taxes_scenario(chat, lang)
    await chat.say("/deadlines")
    chat.expect("910.00", "25.12.2026")
    await chat.say("/income")
    assert chat.replies[0].attachments[0].content.startswith(b"\x89PNG")
    await erase_scenario(chat, lang)


@pytest.mark.parametrize("lang", LANGS)
async def test_restart_mid_flow_continues(sql_engine_factory: Callable[[], Engine], lang: str) -> None:
    first = chat_for(sql_engine_factory(), lang)
    await first.say("/start")
    await first.press(WORDS[lang]["language"])
    second = chat_for(sql_engine_factory(), lang)  # a new process over the same database
    await second.say("900101300007")
    second.expect(WORDS[lang]["iin_ok"])
