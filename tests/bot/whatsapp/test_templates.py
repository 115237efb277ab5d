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


def _proactive_replies() -> list[Reply]:
    """Every proactive message the dialogs push (status pushes of filings and payments, the automatic payment's)."""
    from dialogs.effects.store import EffectRow
    from dialogs.flows import autopay, filing, payment
    from dialogs.payloads import PayloadCodec

    replies: list[Reply] = []
    for lang in ("ru", "kk"):
        for status in ("submitted", "processed", "rejected"):  # what poll_filings pushes
            request = {"period": "2026-H2", "year": 2026, "half": 2}
            row = EffectRow(1, "k", "7", "f910", status, request, {"registration_number": "N1", "reasons": []})
            replies.append(filing.status_push(row, lang))
        for status in ("executed", "rejected"):  # what poll_payments pushes
            row = EffectRow(2, "k", "7", "pay", status, {"order_kind": "opv", "amount": "8500"}, {"bank_id": "B1"})
            replies.append(payment.status_push(row, lang))
        codec = PayloadCodec(b"secret")
        run = {"period": "2026-11", "total": "15725", "limit": "30000", "due": "2026-12-25"}
        for status in ("announced", "over_limit", "no_account"):
            row = EffectRow(3, "k", "7", "apr", status, run, {})
            replies.append(autopay.run_push(row, [], lang, codec))
        replies.append(autopay.sent_push(EffectRow(3, "k", "7", "apr", "sent", run, {}), ["x"], lang))
    return replies


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_proactive_message_has_a_registered_template(lang: str) -> None:
    registry = default_registry()
    for reply in _proactive_replies():
        assert reply.template is not None, reply.text
        name = reply.template[0]
        template = registry.get(name, lang)
        assert template is not None, name
        assert template.language == lang, name
        message = registry.message(reply, lang)  # the parameters fit the template
        assert message["template"]["name"] == name
        # each quick-reply button of the template is filled with a payload of the reply's buttons
        assert len(template.buttons) <= len([b for row in reply.buttons for b in row]), name


def test_every_template_name_in_the_code_is_registered() -> None:
    """A scan of the dialogs' code: each literal template name, and each f-string prefix (``payment_{status}``)
    has at least one registered template."""
    import re
    from pathlib import Path

    import dialogs

    registry = default_registry()
    names = {t.name for t in registry}
    pattern = re.compile(r"template=\(\s*(f?)\"([a-z0-9_]+)(\{?)")
    found = 0
    for path in Path(dialogs.__file__).parent.rglob("*.py"):
        for is_f, name, brace in pattern.findall(path.read_text(encoding="utf-8")):
            found += 1
            if is_f and brace:
                assert any(n.startswith(name) for n in names), (path.name, name)
            else:
                assert name in names, (path.name, name)
    assert found >= 4
