"""A webhook notification → what the users sent (``messages[]``) and what happened to our messages (``statuses[]``).

Malformed parts are skipped, never raised: Meta would redeliver a notification we failed on, forever.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, Literal

from bot.whatsapp.stores import DeliveryStatus
from dialogs.contract import ChatRef

Kind = Literal["text", "button", "media", "other"]
#: message types that are no conversation (a reaction to a message, a system notice): not answered
IGNORED_TYPES = frozenset({"reaction", "system", "ephemeral", "unsupported_ignored"})
MEDIA_TYPES = ("document", "image")


@dataclass(frozen=True, slots=True)
class Inbound:
    """One user message, channel-shaped; ``chat.chat_id`` is the BSUID when present, else the ``wa_id``."""

    chat: ChatRef
    wamid: str
    received_at: dt.datetime
    kind: Kind
    text: str = ""
    payload: str = ""
    context_id: str | None = None
    media_id: str = ""
    mime_type: str = ""
    file_name: str = ""
    caption: str | None = None


def parse(body: Any, now: dt.datetime) -> tuple[list[Inbound], list[DeliveryStatus]]:
    messages: list[Inbound] = []
    statuses: list[DeliveryStatus] = []
    if not isinstance(body, dict):
        return messages, statuses
    for entry in _dicts(body.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field") != "messages" or not isinstance(value, dict):
                continue
            contacts = list(_dicts(value.get("contacts")))
            for raw in _dicts(value.get("messages")):
                message = _message(raw, contacts, now)
                if message is not None:
                    messages.append(message)
            statuses += [s for raw in _dicts(value.get("statuses")) if (s := _status(raw)) is not None]
    return messages, statuses


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _chat(raw: dict[str, Any], contacts: list[dict[str, Any]]) -> ChatRef | None:
    sender = str(raw.get("from") or "")
    sender_id = str(raw.get("from_user_id") or "")
    matching = [c for c in contacts if (sender and c.get("wa_id") == sender) or c.get("user_id") == (sender_id or 0)]
    contact = matching[0] if matching else (contacts[0] if len(contacts) == 1 else {})
    profile = _dict(contact.get("profile"))
    user_id = str(contact.get("user_id") or sender_id or "")
    wa_id = str(contact.get("wa_id") or sender or "")
    if sender and not sender.isdigit() and not user_id:  # a username user: ``from`` holds the BSUID
        user_id, wa_id = sender, ""
    chat_id = user_id or wa_id
    if not chat_id:
        return None
    return ChatRef(
        channel="whatsapp",
        chat_id=chat_id,
        username=(str(profile.get("username")) if profile.get("username") else None),
        display_name=(str(profile.get("name")) if profile.get("name") else None),
        phone=wa_id or None,
    )


def _received_at(raw: dict[str, Any], now: dt.datetime) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(int(raw["timestamp"]), dt.UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return now


def _message(raw: dict[str, Any], contacts: list[dict[str, Any]], now: dt.datetime) -> Inbound | None:
    chat = _chat(raw, contacts)
    wamid = str(raw.get("id") or "")
    kind = str(raw.get("type") or "")
    if chat is None or not wamid or kind in IGNORED_TYPES:
        return None
    context = _dict(raw.get("context"))
    context_id = str(context["id"]) if context.get("id") else None
    base = Inbound(chat, wamid, _received_at(raw, now), "other", context_id=context_id)
    if kind == "text" and isinstance(raw.get("text"), dict):
        return replace(base, kind="text", text=str(raw["text"].get("body", "")))
    if kind == "interactive" and isinstance(raw.get("interactive"), dict):
        interactive = raw["interactive"]
        reply = interactive.get(str(interactive.get("type")))
        if isinstance(reply, dict) and reply.get("id"):
            return replace(base, kind="button", payload=str(reply["id"]))
    if kind == "button" and isinstance(raw.get("button"), dict):  # a template's quick reply
        button = raw["button"]
        return replace(base, kind="button", payload=str(button.get("payload") or ""), text=str(button.get("text", "")))
    if kind in MEDIA_TYPES and isinstance(raw.get(kind), dict):
        media = raw[kind]
        return replace(
            base,
            kind="media",
            media_id=str(media.get("id", "")),
            mime_type=str(media.get("mime_type") or "application/octet-stream"),
            file_name=str(media.get("filename") or ("photo.jpg" if kind == "image" else "document")),
            caption=str(media["caption"]) if media.get("caption") else None,
        )
    return base  # audio, sticker, location, …: answered as a message without words


def _status(raw: dict[str, Any]) -> DeliveryStatus | None:
    if not raw.get("id") or raw.get("status") not in ("sent", "delivered", "read", "failed"):
        return None
    codes: list[int] = []
    for error in _dicts(raw.get("errors")):
        try:
            codes.append(int(error.get("code", -1)))
        except (TypeError, ValueError):
            continue
    recipient = str(raw.get("recipient_user_id") or raw.get("recipient_id") or "")
    return DeliveryStatus(str(raw["id"]), str(raw["status"]), recipient, tuple(codes))
