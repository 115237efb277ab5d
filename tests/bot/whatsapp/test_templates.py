"""Templates as data: one per proactive message kind, ru and kk, utility; exported in Meta's API shape."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.whatsapp.templates import TemplateError, default_registry, parse
from dialogs.contract import Button, Reply
from dialogs.ports import ObligationDue
from dialogs.reminders import KINDS, reminder_reply


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_reminder_has_its_template_in_both_languages(kind: str, lang: str) -> None:
    item = ObligationDue("910.00", "file", "2026-H2", dt.date(2027, 2, 15))
    reply = reminder_reply(item, kind, lang, dt.date(2027, 2, 14))  # type: ignore[arg-type]
    assert reply.template is not None
    registry = default_registry()
    template = registry.get(reply.template[0], lang)
    assert template is not None
    assert template.language == lang
    message = registry.message(Reply(text="", buttons=((Button("x", "dl:done:1"),),), template=reply.template), lang)
    body = message["template"]["components"][0]["parameters"]
    assert [p["text"] for p in body] == list(reply.template[1])
    assert message["template"]["components"][1]["parameters"][0]["payload"] == "dl:done:1"
    assert "15.02.2027" in template.render(reply.template[1])


def test_export_is_metas_template_shape() -> None:
    exported = default_registry().export()
    names = {(t["name"], t["language"]) for t in exported}
    for name in ("reminder_d7", "payment_due", "filing_status", "tax_notice"):
        assert {(name, "ru"), (name, "kk")} <= names
    for template in exported:
        assert template["category"] == "UTILITY"
        body = template["components"][0]
        assert body["type"] == "BODY"
        assert len(body["example"]["body_text"][0]) == body["text"].count("{{")
    done = next(t for t in exported if t["name"] == "reminder_d0" and t["language"] == "kk")
    assert done["components"][1] == {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Орындадым"}]}


def test_a_broken_definition_is_refused() -> None:
    good = {"category": "utility", "parameters": ["a"], "languages": {}}
    for languages in (
        {"ru": {"body": "Текст {{2}}.", "example": ["x"]}, "kk": {"body": "Мәтін {{1}}.", "example": ["x"]}},
        {"ru": {"body": "{{1}} в начале", "example": ["x"]}, "kk": {"body": "Мәтін {{1}}.", "example": ["x"]}},
        {"ru": {"body": "Текст {{1}}.", "example": ["x"]}},
    ):
        with pytest.raises(TemplateError):
            parse({"templates": {"t": {**good, "languages": languages}}})
    with pytest.raises(TemplateError):
        default_registry().message(Reply(text="no template"), "ru")
