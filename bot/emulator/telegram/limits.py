"""Telegram's limits: message sizes, keyboards and send rates (tech-notes §4), all configurable."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from bot.emulator.clock import Clock
from bot.emulator.telegram.errors import bad_request, too_many_requests


@dataclass(frozen=True)
class Limits:
    """What the emulator enforces. ``None`` for a rate turns that rate limit off (benchmarks)."""

    max_text: int = 4096  # UTF-16 code units, as Telegram counts
    max_caption: int = 1024
    max_callback_data_bytes: int = 64
    max_callback_answer: int = 200
    max_buttons: int = 100
    max_buttons_per_row: int = 8
    chat_rate_per_second: float | None = 1.0
    chat_burst: int = 5
    global_rate_per_second: float | None = 30.0
    global_burst: int = 30
    max_upload_bytes: int = 50 * 1024 * 1024
    max_download_bytes: int = 20 * 1024 * 1024

    @classmethod
    def relaxed(cls) -> Limits:
        """Sizes as Telegram, no send rates: for benchmarks and long scripted conversations."""
        return replace(cls(), chat_rate_per_second=None, global_rate_per_second=None)


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def split_like_client(text: str, limit: int = 4096) -> list[str]:
    """Telegram apps send a longer text as several messages of at most ``limit`` UTF-16 units; so does the page."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        width = 2 if ord(char) > 0xFFFF else 1
        if size + width > limit:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    if current:
        chunks.append("".join(current))
    return chunks


def check_text(text: str, limits: Limits) -> None:
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_length(text) > limits.max_text:
        raise bad_request("message is too long")


def check_caption(caption: str | None, limits: Limits) -> None:
    if caption is not None and utf16_length(caption) > limits.max_caption:
        raise bad_request("message caption is too long")


def check_inline_keyboard(markup: dict[str, Any], limits: Limits) -> None:
    """Validate ``inline_keyboard`` rows: counts, callback data bytes, one action per button."""
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    if sum(len(row) for row in rows) > limits.max_buttons or any(len(r) > limits.max_buttons_per_row for r in rows):
        raise bad_request("BUTTONS_TOO_MUCH")
    for row in rows:
        for button in row:
            _check_button(button, limits)


_ACTIONS = ("callback_data", "url", "web_app", "login_url", "switch_inline_query", "copy_text", "pay")


def _check_button(button: Any, limits: Limits) -> None:
    if not isinstance(button, dict) or not str(button.get("text", "")).strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    if not any(key in button for key in _ACTIONS):
        raise bad_request("text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode("utf-8")) <= limits.max_callback_data_bytes:
        raise bad_request("BUTTON_DATA_INVALID")


@dataclass
class _Bucket:
    """A token bucket: ``burst`` sends at once, refilled at ``rate`` per second."""

    rate: float
    burst: int
    tokens: float = field(init=False)
    stamp: float = 0.0

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)

    def refill(self, now: float) -> None:
        self.tokens = min(float(self.burst), self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_seconds(self) -> float:
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate


class SendRateLimiter:
    """Per-chat and global send rates; a send over either answers 429 with ``retry_after`` and costs nothing."""

    def __init__(self, limits: Limits, clock: Clock) -> None:
        self._limits = limits
        self._clock = clock
        self._chats: dict[int, _Bucket] = {}
        self._global: _Bucket | None = None
        if limits.global_rate_per_second is not None:
            self._global = _Bucket(limits.global_rate_per_second, limits.global_burst, stamp=clock.monotonic())

    def acquire(self, chat_id: int) -> None:
        now = self._clock.monotonic()
        buckets = [b for b in (self._chat_bucket(chat_id, now), self._global) if b is not None]
        for bucket in buckets:
            bucket.refill(now)
        wait = max((bucket.wait_seconds() for bucket in buckets), default=0.0)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        for bucket in buckets:
            bucket.tokens -= 1.0

    def _chat_bucket(self, chat_id: int, now: float) -> _Bucket | None:
        rate = self._limits.chat_rate_per_second
        if rate is None:
            return None
        if chat_id not in self._chats:
            self._chats[chat_id] = _Bucket(rate, self._limits.chat_burst, stamp=now)
        return self._chats[chat_id]
