"""The kept key through real aiogram and the Telegram emulator: the key file and every password message are
deleted from the chat (the web chat shows no bubble for them), the key is kept, shown, deleted (ru, kk)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.webchat.telegram_channel import TelegramWebChannel
from core import storage
from core.storage import Database
from dialogs.adapters.keys import SqlKeyKeeper
from dialogs.effects.key_ports import KeyPorts
from dialogs.effects.ports import EffectServices
from dialogs.engine import Engine
from dialogs.scenarios.keys import WRONG_PASSWORD, keys_scenario
from dialogs.services import CoreCalendar, CoreConsultant, CorePlaces, CoreTaxes, default_interpreter
from dialogs.sql_store import SqlStores
from dialogs.testing import onboarding_scenario
from integrations.signing import CertificatePolicy
from tests.e2e.harness import NOW, SECRET, TelegramStack
from tests.integrations.signing.keys import RSA_PASSWORD, TEST_IIN, VALID_SIGN

LANGS = ("ru", "kk")


def kept_key_engine(database: Database) -> Engine:
    keeper = SqlKeyKeeper(bytes(range(32)), CertificatePolicy(allow_test_keys=True, clock=lambda: NOW))
    services = EffectServices(
        interpreter=default_interpreter(),
        taxes=CoreTaxes(),
        places=CorePlaces(),
        calendar=CoreCalendar(),
        consultant=CoreConsultant(),
        keys=KeyPorts(keeper),
    )
    return Engine(SqlStores(database), services, SECRET)


@pytest.fixture
async def key_stack(database: Database) -> AsyncIterator[TelegramStack]:
    running = await TelegramStack.start(database, engine_factory=kept_key_engine)
    try:
        yield running
    finally:
        await running.close()


@pytest.mark.parametrize("lang", LANGS)
async def test_key_file_and_passwords_are_deleted_from_the_chat(
    key_stack: TelegramStack, database: Database, lang: str
) -> None:
    person = key_stack.person(lang)
    chat = key_stack.chat(person)
    await onboarding_scenario(chat, lang)
    async with database.transaction() as session:
        binding = await storage.find_binding(session, "telegram", str(person.user.id))
        assert binding is not None
        await storage.update_profile(session, binding.user_id, iin=TEST_IIN, allow_test_iin=True)
    await keys_scenario(chat, lang, p12=VALID_SIGN.read_bytes(), password=RSA_PASSWORD)
    mine = [e for e in key_stack.emulator.history(person.user.id) if e.kind == "message" and not e.from_bot]
    deleted = [e.message for e in mine if e.deleted and e.message is not None]
    assert [m.get("text") or m["document"]["file_name"] for m in deleted] == [
        "RSA256_key.p12",
        WRONG_PASSWORD,
        RSA_PASSWORD,
    ]
    assert all(not e.deleted for e in mine if e.message and e.message.get("text", "").startswith("/"))
    shown = TelegramWebChannel(key_stack.emulator).history(str(person.user.id))["entries"]
    texts = [str(e["text"] or "") for e in shown]
    assert not any(RSA_PASSWORD in text or WRONG_PASSWORD in text for text in texts)
    assert not any(e["document"] for e in shown if e["sender"] == "user")
