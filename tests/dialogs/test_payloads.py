"""Button payloads: owner tags, tampering, the 64-byte limit, and WhatsApp's button limits for every reply."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs.contract import MAX_PAYLOAD_BYTES, Reply
from dialogs.engine import Engine
from dialogs.payloads import Payload, PayloadCodec
from dialogs.testing import ScriptedChat, erase_scenario, income_scenario, onboarding_scenario, taxes_scenario
from tests.dialogs.conftest import chat_for

codec = PayloadCodec(b"k")
PART = st.from_regex(r"[A-Za-z0-9_.\-]{1,12}", fullmatch=True)


@given(owner=st.text(min_size=1, max_size=20), flow=PART, action=PART, arg=PART)
def test_round_trip_and_owner(owner: str, flow: str, action: str, arg: str) -> None:
    raw = codec.encode(owner, flow, action, arg)
    assert raw.isascii()
    assert len(raw.encode()) <= MAX_PAYLOAD_BYTES
    assert codec.decode(owner, raw) == Payload(flow, action, arg)
    assert codec.decode(owner + "x", raw) is None
    assert PayloadCodec(b"other").decode(owner, raw) is None


def test_tampered_and_malformed_payloads_decode_to_nothing() -> None:
    raw = codec.encode("7", "inc", "save", "abc")
    assert codec.decode("7", raw.replace("abc", "abd")) is None
    for bad in ("", "inc", "inc:save", "a:b:c:d:e", "ин:save::x", "x" * 100):
        assert codec.decode("7", bad) is None


def test_encode_refuses_non_ascii_and_long() -> None:
    with pytest.raises(ValueError, match="ASCII"):
        codec.encode("7", "inc", "save", "арг")
    with pytest.raises(ValueError, match="64"):
        codec.encode("7", "inc", "save", "a" * 60)


def replies_of(chat: ScriptedChat) -> list[Reply]:
    return [reply for _, replies in chat.history for reply in replies]


@pytest.mark.parametrize("lang", ["ru", "kk"])
async def test_every_button_fits_telegram_and_whatsapp(memory_engine: Engine, lang: str) -> None:
    chat = chat_for(memory_engine, lang)
    await onboarding_scenario(chat, lang)
    await income_scenario(chat, lang)
    await taxes_scenario(chat, lang)
    for command in ("/settings", "/deadlines", "/income", "/help", "/lang", "фиолетовый слон"):
        await chat.say(command)
    await chat.say("/settings")
    await chat.press("Ещё" if lang == "ru" else "Тағы")
    await erase_scenario(chat, lang)
    replies = replies_of(chat)
    assert len(replies) > 20
    for reply in replies:
        buttons = [b for row in reply.buttons for b in row]
        assert len(buttons) <= 3, reply.text  # WhatsApp: three reply buttons per message
        for button in buttons:
            assert len(button.payload.encode()) <= MAX_PAYLOAD_BYTES
            assert button.payload.isascii()
            assert 0 < len(button.text) <= 20, button.text  # WhatsApp: button titles ≤ 20 characters
