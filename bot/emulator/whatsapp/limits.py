"""What the emulated Cloud API checks in a message (tech-notes §5.2) and its send rates, all configurable."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from bot.emulator.clock import Clock
from bot.emulator.whatsapp.errors import GraphError, invalid

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class WaLimits:
    max_text: int = 4096
    max_interactive_body: int = 1024
    max_caption: int = 1024
    max_buttons: int = 3
    max_button_title: int = 20
    max_button_id: int = 256
    max_rows: int = 10
    max_sections: int = 10
    max_row_title: int = 24
    max_row_description: int = 72
    max_row_id: int = 200
    max_list_button: int = 20
    max_media_bytes: int = 100 * 1024 * 1024
    window_hours: float = 24.0
    #: messages per second per business number (inbound and outbound share it at Meta; outbound here)
    rate_per_second: float | None = 80.0
    rate_burst: int = 80
    #: about one message per 6 seconds to one user, after a burst (reported as up to 45 at once; 3p, tech-notes §5.4)
    pair_rate_per_second: float | None = 1 / 6
    pair_burst: int = 45

    @classmethod
    def relaxed(cls) -> WaLimits:
        """Sizes and the window as Meta, no send rates: long scripted conversations on a clock that stands still."""
        return replace(cls(), rate_per_second=None, pair_rate_per_second=None)


def _text(value: Any, name: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid(f"{name} is required")
    if len(value) > limit:
        raise invalid(f"{name} is too long: {len(value)} characters, {limit} at most")
    return value


def check_message(message: JsonDict, limits: WaLimits) -> str:
    """Validate the type part of a ``/messages`` request; its type."""
    kind = message.get("type", "text")
    if kind == "text":
        _text((message.get("text") or {}).get("body"), "text.body", limits.max_text)
    elif kind == "interactive":
        _check_interactive(message.get("interactive"), limits)
    elif kind in ("document", "image"):
        media = message.get(kind)
        if not isinstance(media, dict) or not (media.get("id") or media.get("link")):
            raise invalid(f"{kind}.id or {kind}.link is required")
        if media.get("caption") is not None:
            _text(media["caption"], f"{kind}.caption", limits.max_caption)
    elif kind != "template":
        raise GraphError(131051, f"message type {kind!r} is not supported here")
    return str(kind)


def _check_interactive(interactive: Any, limits: WaLimits) -> None:
    if not isinstance(interactive, dict):
        raise invalid("interactive is required")
    _text((interactive.get("body") or {}).get("text"), "interactive.body.text", limits.max_interactive_body)
    action = interactive.get("action") or {}
    if interactive.get("type") == "button":
        buttons = action.get("buttons")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= limits.max_buttons:
            raise invalid(f"interactive.action.buttons: 1 to {limits.max_buttons} buttons")
        ids, titles = [], []
        for button in buttons:
            reply = button.get("reply") if isinstance(button, dict) else None
            if not isinstance(reply, dict) or button.get("type") != "reply":
                raise invalid("a button must be {type: reply, reply: {id, title}}")
            ids.append(_text(reply.get("id"), "button id", limits.max_button_id))
            titles.append(_text(reply.get("title"), "button title", limits.max_button_title))
        if len(set(ids)) != len(ids) or len(set(titles)) != len(titles):
            raise invalid("button ids and titles must be unique")
    elif interactive.get("type") == "list":
        _text(action.get("button"), "interactive.action.button", limits.max_list_button)
        sections = action.get("sections")
        if not isinstance(sections, list) or not 1 <= len(sections) <= limits.max_sections:
            raise invalid(f"interactive.action.sections: 1 to {limits.max_sections} sections")
        rows = [row for section in sections for row in (section.get("rows") or [])]
        if not 1 <= len(rows) <= limits.max_rows:
            raise invalid(f"a list has 1 to {limits.max_rows} rows in all")
        if len(sections) > 1 and any(not s.get("title") for s in sections):
            raise invalid("section titles are required when there are several sections")
        ids = []
        for row in rows:
            ids.append(_text(row.get("id"), "row id", limits.max_row_id))
            _text(row.get("title"), "row title", limits.max_row_title)
            if row.get("description") is not None:
                _text(row["description"], "row description", limits.max_row_description)
        if len(set(ids)) != len(ids):
            raise invalid("row ids must be unique")
    else:
        raise invalid("interactive.type must be button or list")


@dataclass
class Bucket:
    rate: float
    burst: int
    stamp: float
    tokens: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)

    def take(self, now: float) -> float:
        """0 when a send is allowed (and costs a token), else the seconds to wait."""
        self.tokens = min(float(self.burst), self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


class Rates:
    """The number's throughput (130429) and each user's pair rate (131056)."""

    def __init__(self, limits: WaLimits, clock: Clock) -> None:
        self.limits = limits
        self.clock = clock
        now = clock.monotonic()
        rate = limits.rate_per_second
        self.number = Bucket(rate, limits.rate_burst, now) if rate is not None else None
        self.pairs: dict[str, Bucket] = {}

    def acquire(self, chat_id: str) -> None:
        now = self.clock.monotonic()
        if self.number is not None and self.number.take(now) > 0:
            raise GraphError(130429, "Too many messages sent from this phone number in a short period of time.")
        rate = self.limits.pair_rate_per_second
        if rate is None:
            return
        bucket = self.pairs.setdefault(chat_id, Bucket(rate, self.limits.pair_burst, now))
        wait = bucket.take(now)
        if wait > 0:
            raise GraphError(131056, f"Too many messages sent to this user; wait {math.ceil(wait)} s.")
