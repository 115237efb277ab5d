"""The ESF pushes (``poll_esf``'s statuses, the issue-term reminder) fit their registered WhatsApp templates."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.whatsapp.templates import default_registry
from dialogs.contract import Button, Reply
from dialogs.effects.esf_reminders import deadline_reminder
from dialogs.effects.store import EffectRow
from dialogs.flows.esf import status_push

REQUEST = {"doc_kind": "act", "doc_number": "7", "doc_date": "2026-11-20", "esf_num": "2202600007"}


def replies(lang: str) -> list[Reply]:
    found = []
    for status, result in (
        ("uploaded", {"esf_status": "IN_QUEUE"}),
        ("created", {"registration_number": "ESF-1"}),
        ("failed", {"problems": [["CUSTOMER_TIN_ABSENT_IN_DICTIONARY", "", ""]]}),
        ("declined", {"problems": [["INCORRECT_TOTAL_SUM", "", ""]]}),
    ):
        found.append(status_push(EffectRow(1, "k", "7", "esf", status, REQUEST, result), lang))  # type: ignore[arg-type]
    button = Button("x", "esf:new:1")
    found.append(deadline_reminder("Акт № 7", dt.date(2026, 12, 5), dt.date(2026, 12, 2), lang, button))  # type: ignore[arg-type]
    return found


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_esf_push_has_its_template(lang: str) -> None:
    registry = default_registry()
    for reply in replies(lang):
        assert reply.template is not None, reply.text
        template = registry.get(reply.template[0], lang)
        assert template is not None, reply.template[0]
        message = registry.message(reply, lang)
        assert message["template"]["name"] == reply.template[0]
        assert len(template.buttons) <= len([b for row in reply.buttons for b in row])
    reminder = replies(lang)[-1]
    assert reminder.template is not None
    assert "05.12.2026" in registry.get("esf_deadline", lang).render(reminder.template[1])  # type: ignore[union-attr]
