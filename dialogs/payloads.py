"""Button payloads: short ASCII ``flow:action:arg:tag`` strings, ≤ 64 bytes (Telegram callback_data).

``tag`` is a keyed hash (HMAC-SHA256, server secret) of the owner's user id and the payload's body, so a payload
pressed in another user's chat (a forwarded message, a forged or edited callback) decodes to nothing and the engine
does nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

from dialogs.contract import MAX_PAYLOAD_BYTES

_PART = re.compile(r"^[A-Za-z0-9_.\-]*$")
TAG_BYTES = 6  # 8 base64url characters: 48 bits, plenty against guessing within one chat


@dataclass(frozen=True, slots=True)
class Payload:
    """A decoded button press."""

    flow: str
    action: str
    arg: str = ""


class PayloadCodec:
    """Encodes and checks payloads for one server secret."""

    def __init__(self, secret: bytes) -> None:
        if not secret:
            raise ValueError("payload secret must not be empty")
        self._secret = secret

    def tag(self, owner: str, body: str) -> str:
        message = f"{owner}\x1f{body}".encode()
        digest = hmac.new(self._secret, message, hashlib.sha256).digest()[:TAG_BYTES]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def encode(self, owner: str, flow: str, action: str, arg: str = "") -> str:
        for part in (flow, action, arg):
            if not _PART.match(part):
                raise ValueError(f"payload part not plain ASCII: {part!r}")
        body = f"{flow}:{action}:{arg}"
        raw = f"{body}:{self.tag(owner, body)}"
        if len(raw.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"payload over {MAX_PAYLOAD_BYTES} bytes: {raw!r}")
        return raw

    def decode(self, owner: str, raw: str) -> Payload | None:
        """The payload when well-formed and owned by ``owner``; ``None`` otherwise."""
        if len(raw.encode("utf-8", "replace")) > MAX_PAYLOAD_BYTES:
            return None
        parts = raw.split(":")
        if len(parts) != 4 or not all(_PART.match(p) for p in parts[:3]):
            return None
        flow, action, arg, tag = parts
        if not flow or not action or not hmac.compare_digest(tag, self.tag(owner, f"{flow}:{action}:{arg}")):
            return None
        return Payload(flow, action, arg)
