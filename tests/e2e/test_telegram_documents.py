"""The documents scenario (``dialogs.scenarios.documents``) through real aiogram against the Telegram emulator: the
invoice from one message, the act from its button, both PDFs sent as Telegram documents, the list."""

from __future__ import annotations

import pytest

from core.storage import Database
from dialogs.adapters.documents import core_document_ports
from dialogs.contract import DialogEngine
from dialogs.effects.ports import EffectServices
from dialogs.engine import Engine
from dialogs.scenarios.documents import documents_scenario
from dialogs.services import default_services
from dialogs.sql_store import SqlStores
from dialogs.testing import onboarding_scenario
from tests.e2e.harness import SECRET, TelegramStack

LANGS = ("ru", "kk")


def documents_engine(database: Database) -> DialogEngine:
    base = default_services()
    services = EffectServices(
        interpreter=base.interpreter,
        taxes=base.taxes,
        places=base.places,
        calendar=base.calendar,
        consultant=base.consultant,
        documents=core_document_ports(),
    )
    return Engine(SqlStores(database), services, SECRET)


@pytest.mark.parametrize("lang", LANGS)
async def test_documents_through_telegram(database: Database, lang: str) -> None:
    stack = await TelegramStack.start(database, engine_factory=documents_engine)
    try:
        person = stack.person(lang)
        chat = stack.chat(person)
        await onboarding_scenario(chat, lang)
        await documents_scenario(chat, lang)
        sent = [m for m in stack.emulator.bot_messages(person.user.id) if "document" in m]
        assert len(sent) == 2, "the invoice and the act arrive as Telegram documents"
    finally:
        await stack.close()
