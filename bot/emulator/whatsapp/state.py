"""The emulated WhatsApp world: one business number, simulated users and their chats, media, the webhook queue.

Bot side (the Graph API routes call it): ``send`` a message, ``upload`` media, ``media_info`` / ``media``. User side
(the web chat and tests act as a WhatsApp client): ``create_user``, ``send_text``, ``press``, ``send_file``,
``redeliver``, ``read``, ``bot_messages``. Every user message becomes a webhook notification, signed with the app
secret by the deliverer; every accepted bot message gets ``sent`` and ``delivered`` statuses.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.clock import Clock, SystemClock
from bot.emulator.notifier import ChangeNotifier
from bot.emulator.whatsapp.errors import GraphError, UserSideError, invalid
from bot.emulator.whatsapp.limits import JsonDict, Rates, WaLimits, check_message
from bot.whatsapp.templates import TemplateRegistry, default_registry

DEFAULT_PHONE_NUMBER_ID = "100000000000001"
DEFAULT_TOKEN = "EMULATOR-whatsapp-token"  # noqa: S105 - a public placeholder
DEFAULT_APP_SECRET = "emulator-app-secret"  # noqa: S105 - a public placeholder
DISPLAY_NUMBER = "77000000000"
WABA_ID = "200000000000001"


@dataclass
class WaUser:
    """A simulated WhatsApp user. ``chat_id`` is what the webhook keys them by: the BSUID, else the phone."""

    name: str
    language: str
    wa_id: str | None
    user_id: str | None
    reachable: bool = True
    interactive: bool = True  # an old client that cannot show buttons answers 131051

    @property
    def chat_id(self) -> str:
        return self.user_id or self.wa_id or ""

    def contact(self) -> JsonDict:
        contact: JsonDict = {"profile": {"name": self.name}}
        if self.wa_id:
            contact["wa_id"] = self.wa_id
        if self.user_id:
            contact["user_id"] = self.user_id
        return contact


@dataclass
class WaEntry:
    """One message of a chat: the bot's request body (its type part) or the user's webhook message."""

    wamid: str
    from_bot: bool
    message: JsonDict
    timestamp: int
    status: str = "sent"  # bot messages: sent → delivered → read


@dataclass
class Media:
    media_id: str
    content: bytes
    mime_type: str
    filename: str

    def info(self, url: str) -> JsonDict:
        return {
            "messaging_product": "whatsapp",
            "url": url,
            "mime_type": self.mime_type,
            "sha256": hashlib.sha256(self.content).hexdigest(),
            "file_size": len(self.content),
            "id": self.media_id,
        }


@dataclass
class Chat:
    user: WaUser
    history: list[WaEntry] = field(default_factory=list)
    last_inbound: float | None = None


class WhatsAppEmulator:
    def __init__(
        self,
        *,
        phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
        token: str = DEFAULT_TOKEN,
        app_secret: str = DEFAULT_APP_SECRET,
        clock: Clock | None = None,
        limits: WaLimits | None = None,
        templates: TemplateRegistry | None = None,
        statuses: bool = True,
        late_window_errors: bool = False,
    ) -> None:
        self.phone_number_id = phone_number_id
        self.token = token
        self.app_secret = app_secret
        self.clock = clock or SystemClock()
        self.limits = limits or WaLimits()
        self.templates = templates or default_registry()
        self.emit_statuses = statuses
        #: as Meta often does: accept a free-form message outside the window, then report 131047 as a failed status
        self.late_window_errors = late_window_errors
        self.rates = Rates(self.limits, self.clock)
        self.chats: dict[str, Chat] = {}
        self.by_wamid: dict[str, tuple[str, WaEntry]] = {}
        self.media_store: dict[str, Media] = {}
        self.webhook_url: str | None = None
        self.queue: list[JsonDict] = []
        self.delivered: list[JsonDict] = []
        self.sent_notifications: dict[str, JsonDict] = {}
        self.queued = ChangeNotifier()  # a notification is waiting for the webhook
        self.changes = ChangeNotifier()  # a chat changed (the web chat waits on it)
        self.late_failures: list[str] = []
        self.failures: list[tuple[int | None, str | None]] = []  # None: a send let through
        self.closed = False
        self._phones = itertools.count(77010000001)

    # -- the bot side --------------------------------------------------------------------------------------------

    def accepts(self, authorization: str | None) -> bool:
        expected = f"Bearer {self.token}"
        return authorization is not None and secrets.compare_digest(authorization.encode(), expected.encode())

    def now(self) -> int:
        return int(self.clock.unix_time())

    def fail_next(self, code: int, *, chat_id: str | None = None, times: int = 1, after: int = 0) -> None:
        """After ``after`` good sends, the next ``times`` sends (to ``chat_id``, or anyone) fail with ``code``."""
        self.failures += [(None, chat_id)] * after + [(code, chat_id)] * times

    def send(self, request: JsonDict) -> JsonDict:
        """``POST /{phone_number_id}/messages``: validate, check window/template/rates, store; the API's answer."""
        if request.get("messaging_product") != "whatsapp":
            raise invalid("messaging_product must be whatsapp")
        address = request.get("to") or request.get("recipient")
        chat = self._recipient(address)
        self._injected_failure(chat.user.chat_id)
        kind = check_message(request, self.limits)
        if kind == "template":
            self._check_template(request.get("template"))
        elif not self.window_open(chat):
            details = (
                "Message failed to send because more than 24 hours have passed since the customer last replied to "
                "this number."
            )
            if self.late_window_errors:
                return self._failed_later(chat, str(address), 131047, details)
            raise GraphError(131047, details)
        if kind == "interactive" and not chat.user.interactive:
            raise GraphError(131051, "the recipient's client does not support interactive messages")
        if kind in ("document", "image") and request[kind].get("id") not in self.media_store:
            raise GraphError(131053, "unknown media id")
        self.rates.acquire(chat.user.chat_id)
        envelope = ("messaging_product", "recipient_type", "to", "recipient")
        body = {k: v for k, v in request.items() if k not in envelope}
        entry = WaEntry(_wamid(), True, body, self.now())
        self._append(chat, entry)
        if self.emit_statuses:
            self._status(chat, entry, "sent")
            self._status(chat, entry, "delivered")
        contact: JsonDict = {"input": str(address)}
        if request.get("to"):
            contact["wa_id"] = chat.user.wa_id or str(address)
        else:
            contact["user_id"] = chat.user.user_id
        message: JsonDict = {"id": entry.wamid}
        if kind == "template":
            message["message_status"] = "accepted"
        return {"messaging_product": "whatsapp", "contacts": [contact], "messages": [message]}

    def _failed_later(self, chat: Chat, address: str, code: int, details: str) -> JsonDict:
        """Accepted now, ``failed`` with ``code`` in a status notification after."""
        wamid = _wamid()
        raw: JsonDict = {"id": wamid, "status": "failed", "timestamp": str(self.now())}
        raw["recipient_id" if chat.user.wa_id else "recipient_user_id"] = chat.user.wa_id or chat.user.user_id
        title = GraphError(code).title
        raw["errors"] = [{"code": code, "title": title, "message": title, "error_data": {"details": details}}]
        self.late_failures.append(wamid)
        self._queue(self._notification({"statuses": [raw]}))
        return {"messaging_product": "whatsapp", "contacts": [{"input": address}], "messages": [{"id": wamid}]}

    def window_open(self, chat: Chat) -> bool:
        if chat.last_inbound is None:
            return False
        return self.clock.unix_time() - chat.last_inbound < self.limits.window_hours * 3600

    def upload(self, content: bytes, mime_type: str, filename: str) -> str:
        if not content:
            raise GraphError(131053, "empty file")
        if len(content) > self.limits.max_media_bytes:
            raise GraphError(131053, "file too large")
        media_id = str(secrets.randbelow(10**15) + 10**15)
        self.media_store[media_id] = Media(media_id, content, mime_type or "application/octet-stream", filename)
        return media_id

    def media(self, media_id: str) -> Media:
        found = self.media_store.get(media_id)
        if found is None:
            raise GraphError(100, f"Unsupported get request. Object with ID '{media_id}' does not exist")
        return found

    def _recipient(self, address: Any) -> Chat:
        if not isinstance(address, str) or not address:
            raise invalid("to or recipient is required")
        for chat in self.chats.values():
            if address in (chat.user.wa_id, chat.user.user_id):
                if not chat.user.reachable:
                    raise GraphError(131026, "the recipient cannot receive this message")
                return chat
        raise GraphError(131026, "the recipient is not a WhatsApp user")

    def _injected_failure(self, chat_id: str) -> None:
        for index, (code, target) in enumerate(self.failures):
            if target is None or target == chat_id:
                del self.failures[index]
                if code is not None:
                    raise GraphError(code, "injected by the emulator")
                return

    def _check_template(self, template: Any) -> None:
        if not isinstance(template, dict):
            raise invalid("template is required")
        language = (template.get("language") or {}).get("code")
        known = self.templates.get(str(template.get("name")), str(language))
        if known is None or known.language != language:
            raise GraphError(132001, f"template name ({template.get('name')}) does not exist in {language}")
        components = template.get("components") or []
        body: JsonDict = next((c for c in components if c.get("type") == "body"), {"parameters": []})
        parameters = body.get("parameters") or []
        if len(parameters) != len(known.parameters):
            raise GraphError(132000, f"expected {len(known.parameters)} body parameters, got {len(parameters)}")
        for parameter in parameters:
            text = parameter.get("text")
            if not isinstance(text, str) or not text.strip() or "\n" in text or "\t" in text or "     " in text:
                raise GraphError(132000, "a parameter must be one line of text")
        for button in (c for c in components if c.get("type") == "button"):
            if not 0 <= int(button.get("index", -1)) < len(known.buttons):
                raise GraphError(132000, "a button parameter for a button the template does not have")

    # -- the user side -------------------------------------------------------------------------------------------

    def create_user(
        self, name: str = "Тест", language: str = "ru", *, phone: bool = True, bsuid: bool = True
    ) -> WaUser:
        """A new user; ``phone=False`` is a username user whose phone number the webhook omits."""
        if not (phone or bsuid):
            raise UserSideError("a user needs a phone or a BSUID")
        number = str(next(self._phones))
        user_id = "KZ." + "".join(secrets.choice("0123456789") for _ in range(20)) if bsuid else None
        user = WaUser(name.strip() or "Тест", language, number if phone else None, user_id)
        self.chats[user.chat_id] = Chat(user)
        self.changes.notify()
        return user

    def chat(self, chat_id: str) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise UserSideError(f"no chat {chat_id}")
        return chat

    def send_text(self, chat_id: str, text: str) -> str:
        if not text.strip():
            raise UserSideError("empty message")
        if len(text) > 65536:
            raise UserSideError("message too long")
        return self._user_message(chat_id, {"type": "text", "text": {"body": text}})

    def press(self, chat_id: str, wamid: str, choice_id: str, *, forge: bool = False) -> str:
        """Tap a reply button, pick a list row or a template's quick reply, of the bot message ``wamid``.

        ``forge`` skips the check that the message shows it (a crafted payload)."""
        chat = self.chat(chat_id)
        found = self.by_wamid.get(wamid)
        if found is None or found[0] != chat_id or not found[1].from_bot:
            raise UserSideError("no such message")
        message = found[1].message
        choice = next((c for c in choices_of(message, self.templates) if c["id"] == choice_id), None)
        if choice is None and not forge:
            raise UserSideError("no such button")
        title = choice["title"] if choice else "?"
        context = {"from": DISPLAY_NUMBER, "id": wamid}
        if message.get("type") == "template":
            content: JsonDict = {"type": "button", "button": {"payload": choice_id, "text": title}}
        else:
            kind = "list_reply" if message["interactive"]["type"] == "list" else "button_reply"
            reply: JsonDict = {"id": choice_id, "title": title}
            if choice and choice.get("description"):
                reply["description"] = choice["description"]
            content = {"type": "interactive", "interactive": {"type": kind, kind: reply}}
        return self._user_message(chat.user.chat_id, {**content, "context": context})

    def send_file(
        self, chat_id: str, filename: str, content: bytes, mime_type: str, caption: str | None = None
    ) -> str:
        kind = "image" if mime_type in ("image/jpeg", "image/png") else "document"
        media_id = self.upload(content, mime_type, filename)
        digest = hashlib.sha256(content).hexdigest()
        media: JsonDict = {"id": media_id, "mime_type": mime_type, "sha256": digest}
        if kind == "document":
            media["filename"] = filename
        if caption:
            media["caption"] = caption
        return self._user_message(chat_id, {"type": kind, kind: media})

    def redeliver(self, wamid: str) -> None:
        """Send the notification of a user message again, same ``wamid`` (Meta's redelivery)."""
        notification = self.sent_notifications.get(wamid)
        if notification is None:
            raise UserSideError(f"no message {wamid}")
        self._queue(notification)

    def read(self, chat_id: str) -> None:
        """The user opens the chat: every bot message not read yet gets a ``read`` status."""
        chat = self.chat(chat_id)
        for entry in chat.history:
            if entry.from_bot and entry.status != "read":
                self._status(chat, entry, "read")

    def bot_messages(self, chat_id: str) -> list[WaEntry]:
        return [e for e in self.chat(chat_id).history if e.from_bot]

    async def wait_for_bot_messages(self, chat_id: str, count: int, timeout: float = 5.0) -> list[WaEntry]:  # noqa: ASYNC109
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.bot_messages(chat_id)) < count:
            if loop.time() >= deadline:
                raise TimeoutError(f"bot sent {len(self.bot_messages(chat_id))} of {count} messages")
            await self.changes.wait(self.changes.version, deadline - loop.time())
        return self.bot_messages(chat_id)

    def close(self) -> None:
        self.closed = True
        self.queued.notify()
        self.changes.notify()

    # -- internals -----------------------------------------------------------------------------------------------

    def _append(self, chat: Chat, entry: WaEntry) -> None:
        chat.history.append(entry)
        self.by_wamid[entry.wamid] = (chat.user.chat_id, entry)
        self.changes.notify()

    def _user_message(self, chat_id: str, content: JsonDict) -> str:
        chat = self.chat(chat_id)
        user = chat.user
        message: JsonDict = {"id": _wamid(), "timestamp": str(self.now()), **content}
        if user.wa_id:
            message["from"] = user.wa_id
        if user.user_id:
            message["from_user_id"] = user.user_id
            if not user.wa_id:
                message["from"] = user.user_id
        entry = WaEntry(message["id"], False, message, self.now())
        chat.last_inbound = self.clock.unix_time()
        self._append(chat, entry)
        notification = self._notification({"contacts": [user.contact()], "messages": [message]})
        self.sent_notifications[entry.wamid] = notification
        self._queue(notification)
        return entry.wamid

    def _status(self, chat: Chat, entry: WaEntry, status: str) -> None:
        entry.status = status
        raw: JsonDict = {"id": entry.wamid, "status": status, "timestamp": str(self.now())}
        if chat.user.wa_id:
            raw["recipient_id"] = chat.user.wa_id
        if chat.user.user_id:
            raw["recipient_user_id"] = chat.user.user_id
        self._queue(self._notification({"statuses": [raw]}))
        self.changes.notify()

    def _notification(self, value: JsonDict) -> JsonDict:
        metadata = {"display_phone_number": DISPLAY_NUMBER, "phone_number_id": self.phone_number_id}
        change = {"field": "messages", "value": {"messaging_product": "whatsapp", "metadata": metadata, **value}}
        return {"object": "whatsapp_business_account", "entry": [{"id": WABA_ID, "changes": [change]}]}

    def _queue(self, notification: JsonDict) -> None:
        self.queue.append(notification)
        self.queued.notify()


def choices_of(message: JsonDict, templates: TemplateRegistry | None = None) -> list[JsonDict]:
    """The choices a bot message shows: reply buttons, list rows, or a template's quick replies (id = payload)."""
    if message.get("type") == "interactive":
        interactive = message["interactive"]
        action = interactive.get("action", {})
        if interactive.get("type") == "button":
            return [dict(b["reply"]) for b in action.get("buttons", [])]
        return [dict(row) for section in action.get("sections", []) for row in section.get("rows", [])]
    if message.get("type") == "template":
        spec = message["template"]
        known = (templates or default_registry()).get(str(spec.get("name")), str(spec["language"]["code"]))
        out = []
        for component in spec.get("components", []):
            if component.get("type") == "button":
                index = int(component.get("index", 0))
                title = known.buttons[index] if known and index < len(known.buttons) else f"#{index}"
                out.append({"id": component["parameters"][0]["payload"], "title": title})
        return out
    return []


def _wamid() -> str:
    return "wamid." + base64.urlsafe_b64encode(secrets.token_bytes(24)).decode().rstrip("=")
