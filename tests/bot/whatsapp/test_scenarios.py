"""The dialogs' own scenarios (``dialogs.testing``) through the WhatsApp emulator → webhook → engine → client →
emulator, as a WhatsApp user would have them."""

from __future__ import annotations

import pytest

from dialogs.testing import WORDS, erase_scenario, income_scenario, onboarding_scenario, taxes_scenario
from tests.bot.whatsapp.harness import WhatsAppStack

LANGS = ("ru", "kk")


@pytest.mark.parametrize("lang", LANGS)
async def test_full_conversation_through_whatsapp(stack: WhatsAppStack, lang: str) -> None:
    person = stack.person(lang)
    chat = stack.chat(person)
    await onboarding_scenario(chat, lang)
    await income_scenario(chat, lang)
    await taxes_scenario(chat, lang)
    assert chat.replies, "the explanation arrived"
    await chat.say("/deadlines")
    chat.expect("910.00", "25.12.2026")
    await chat.say("/income")
    images = [a for r in chat.replies for a in r.attachments if a.kind == "image"]
    assert images, "the chart arrives as an image, uploaded then sent by id"
    assert images[0].content.startswith(b"\x89PNG")
    await erase_scenario(chat, lang)
    sent = stack.emulator.bot_messages(person.chat_id)
    assert all(e.message["type"] in ("text", "interactive", "image", "document") for e in sent)


async def test_a_username_user_without_a_phone_is_keyed_by_bsuid(stack: WhatsAppStack) -> None:
    person = stack.person("ru", phone=False)
    assert person.user.wa_id is None
    assert person.chat_id.startswith("KZ.")
    chat = stack.chat(person)
    await onboarding_scenario(chat, "ru")
    chat.expect(WORDS["ru"]["done"])
