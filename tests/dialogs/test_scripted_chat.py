"""``ScriptedChat.find``: a button named by its payload, by part of its title, or by the full title a channel
shortened at a word («Декларация 1…»), the longest shortened stem first."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from dialogs.contract import Button, InputEvent, Reply
from dialogs.testing import ScriptedChat, ScriptError


async def _nothing(_: InputEvent) -> Sequence[Reply]:
    return []


def chat_showing(*titles: str) -> ScriptedChat:
    chat = ScriptedChat(_nothing)
    chat.replies = [Reply(text="", buttons=(tuple(Button(t, f"p:{i}") for i, t in enumerate(titles)),))]
    return chat


def test_find_by_payload_part_of_the_title_or_a_shortened_title() -> None:
    chat = chat_showing("Подписать, отправить", "Декларация 1…", "Декларация 10…", "Отмена")
    assert chat.find("p:3").text == "Отмена"
    assert chat.find("подписать").payload == "p:0"
    assert chat.find("Декларация 10: подписать и отправить").payload == "p:2"
    assert chat.find("Декларация 1: подписать и отправить").payload == "p:1"
    with pytest.raises(ScriptError):
        chat.find("Оплатить")
