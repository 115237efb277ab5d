"""The kept key over WhatsApp (the Cloud API emulator and the product's webhook): the same scenario as on Telegram;
WhatsApp cannot delete the user's messages, so each answer to the key file and to a password asks the user to."""

from __future__ import annotations

import pytest

from bot.whatsapp.render import DELETE_YOURSELF
from core import storage
from core.storage import Database
from dialogs.scenarios.keys import keys_scenario
from dialogs.testing import ScriptedChat, onboarding_scenario
from tests.bot.whatsapp.harness import WhatsAppStack
from tests.e2e.test_telegram_kept_key import kept_key_engine
from tests.integrations.signing.keys import RSA_PASSWORD, TEST_IIN, VALID_SIGN


class Recording:
    """Every reply the person saw, in order (the scenario keeps only the last ones)."""

    def __init__(self, chat: ScriptedChat) -> None:
        self.texts: list[str] = []
        inner = chat.send

        async def send(event: object) -> object:
            replies = await inner(event)  # type: ignore[arg-type]
            self.texts += [r.text for r in replies]
            return replies

        chat.send = send  # type: ignore[assignment]


@pytest.mark.parametrize("lang", ["ru", "kk"])
async def test_kept_key_over_whatsapp_asks_to_delete_the_messages(database: Database, lang: str) -> None:
    stack = await WhatsAppStack.start(kept_key_engine(database))
    try:
        person = stack.person(lang)
        chat = stack.chat(person)
        await onboarding_scenario(chat, lang)
        async with database.transaction() as session:
            binding = await storage.find_binding(session, "whatsapp", chat.chat_id)
            assert binding is not None
            await storage.update_profile(session, binding.user_id, iin=TEST_IIN, allow_test_iin=True)
        seen = Recording(chat)
        await keys_scenario(chat, lang, p12=VALID_SIGN.read_bytes(), password=RSA_PASSWORD)
    finally:
        await stack.close()
    hints = [text for text in seen.texts if DELETE_YOURSELF[lang] in text]
    assert len(hints) == 3  # the file, the wrong password, the password
    assert not any(RSA_PASSWORD in text for text in seen.texts)
