"""The boundary between channels and dialogs: input events in, replies out.

Channels (Telegram, WhatsApp, the web chat) turn their updates into the events below and render the replies; the
dialog engine knows nothing about any channel. Names here are a contract between packages: extend, never rename.

```mermaid
flowchart LR
    TG[Telegram update] --> EV[InputEvent]
    WA[WhatsApp webhook] --> EV
    EV --> ENG[DialogEngine.handle]
    ENG --> R[list of Reply]
    R --> TGR[Telegram renderer]
    R --> WAR[WhatsApp renderer]
```
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Channel = Literal["telegram", "whatsapp", "web"]

#: Telegram's callback_data limit; every button payload must fit it (WhatsApp ids allow 256, we keep 64 everywhere).
MAX_PAYLOAD_BYTES = 64


@dataclass(frozen=True, slots=True)
class ChatRef:
    """Who wrote, on which channel. ``chat_id`` is the channel's chat (or BSUID/wa_id) as a string."""

    channel: Channel
    chat_id: str
    language_code: str | None = None  # the channel's hint on first contact (Telegram ``language_code``)
    username: str | None = None
    display_name: str | None = None
    phone: str | None = None  # WhatsApp ``wa_id`` when present; kept apart from the id


@dataclass(frozen=True, slots=True)
class TextEvent:
    """A text message. ``event_id`` is the channel's delivery id (Telegram update_id, WhatsApp wamid) for dedupe."""

    chat: ChatRef
    text: str
    event_id: str
    received_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ButtonEvent:
    """A press on a button the bot sent: ``payload`` is the raw string the button carried (≤ 64 bytes)."""

    chat: ChatRef
    payload: str
    event_id: str
    received_at: dt.datetime
    message_ref: str | None = None  # the message holding the button, so a reply can edit it


@dataclass(frozen=True, slots=True)
class FileEvent:
    """A document or photo from the user; ``content`` already downloaded by the channel (size-capped)."""

    chat: ChatRef
    file_name: str
    mime_type: str
    content: bytes
    event_id: str
    received_at: dt.datetime
    caption: str | None = None


InputEvent = TextEvent | ButtonEvent | FileEvent


@dataclass(frozen=True, slots=True)
class Button:
    """An inline/reply button. ``payload`` is ASCII, ≤ 64 bytes, built by the dialogs' payload codec."""

    text: str
    payload: str

    def __post_init__(self) -> None:
        if len(self.payload.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"button payload over {MAX_PAYLOAD_BYTES} bytes: {self.payload!r}")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A document (PDF, XML, …) or an image (PNG chart) sent with a reply."""

    kind: Literal["document", "image"]
    file_name: str
    mime_type: str
    content: bytes
    caption: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "content_b64": base64.b64encode(self.content).decode(),
            "caption": self.caption,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Attachment:
        return cls(
            kind=raw["kind"],
            file_name=raw["file_name"],
            mime_type=raw["mime_type"],
            content=base64.b64decode(raw["content_b64"]),
            caption=raw.get("caption"),
        )


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to the user. ``buttons`` are rows; ``edit`` asks the channel to edit the message the pressed
    button belongs to (where the channel can; otherwise it sends a new message). ``notice`` is a short toast for a
    button press (Telegram answerCallbackQuery text), optional."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    attachments: tuple[Attachment, ...] = ()
    edit: bool = False
    notice: str | None = None
    #: WhatsApp template to use when the 24-hour window is closed (proactive messages only): name + parameters.
    template: tuple[str, tuple[str, ...]] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    #: delete the user's message this reply answers (a key file, a password): Telegram deletes it; where the
    #: channel cannot (WhatsApp), the channel asks the user to delete it
    delete_incoming: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form for the outbox."""
        return {
            "text": self.text,
            "buttons": [[{"text": b.text, "payload": b.payload} for b in row] for row in self.buttons],
            "attachments": [a.to_dict() for a in self.attachments],
            "edit": self.edit,
            "notice": self.notice,
            "template": [self.template[0], list(self.template[1])] if self.template else None,
            "meta": self.meta,
            "delete_incoming": self.delete_incoming,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Reply:
        template = raw.get("template")
        return cls(
            text=raw["text"],
            buttons=tuple(tuple(Button(b["text"], b["payload"]) for b in row) for row in raw.get("buttons", [])),
            attachments=tuple(Attachment.from_dict(a) for a in raw.get("attachments", [])),
            edit=bool(raw.get("edit", False)),
            notice=raw.get("notice"),
            template=(template[0], tuple(template[1])) if template else None,
            meta=dict(raw.get("meta", {})),
            delete_incoming=bool(raw.get("delete_incoming", False)),
        )


class DialogEngine(Protocol):
    """What a channel calls. Never raises to the channel: failures become an apology reply in the user's language.

    A repeated ``event_id`` on the same channel returns ``[]`` (no second effect). A button whose payload belongs to
    another user returns ``[]`` (does nothing)."""

    async def handle(self, event: InputEvent) -> Sequence[Reply]: ...
