"""The documents scenario (``dialogs.scenarios.documents``) through the WhatsApp emulator → webhook → engine over SQL
storage → client → emulator: buttons as reply buttons or lists, the PDFs uploaded and sent as documents."""

from __future__ import annotations

import pytest

from core.storage import Database
from dialogs.adapters.documents import core_document_ports
from dialogs.effects.ports import EffectServices
from dialogs.engine import Engine
from dialogs.scenarios.documents import documents_scenario
from dialogs.sql_store import SqlStores
from dialogs.testing import onboarding_scenario
from tests.bot.whatsapp.harness import SECRET, WhatsAppStack, services

LANGS = ("ru", "kk")


@pytest.mark.parametrize("lang", LANGS)
async def test_documents_through_whatsapp(database: Database, lang: str) -> None:
    base = services()
    with_documents = EffectServices(
        interpreter=base.interpreter,
        taxes=base.taxes,
        places=base.places,
        calendar=base.calendar,
        consultant=base.consultant,
        documents=core_document_ports(),
    )
    stack = await WhatsAppStack.start(Engine(SqlStores(database), with_documents, SECRET))
    try:
        person = stack.person(lang)
        chat = stack.chat(person)
        await onboarding_scenario(chat, lang)
        await documents_scenario(chat, lang)
        sent = stack.emulator.bot_messages(person.chat_id)
        documents = [e for e in sent if e.message["type"] == "document"]
        assert len(documents) == 2, "the invoice and the act arrive as PDF documents"
    finally:
        await stack.close()
