"""Cloud API errors by code (``{"error": {"code", "message", "error_data": {"details"}}}``), sorted by what to do.

- throughput (130429, and Graph's app rate limits 4 / 80007): wait, then retry — the whole number slows down;
- 131047 outside the 24-hour window: send the message's template instead;
- 131056 pair rate: slow down for that one user;
- 131026 undeliverable / 131051 unsupported type: mark the chat binding, do not retry;
- authentication (190, 0, 10, 200–299, HTTP 401): stop sending and tell the operator loudly;
- temporary service errors (1, 2, 131000, 131016, HTTP 5xx): retry with backoff.
"""

from __future__ import annotations

from typing import Any

RATE_LIMIT = 130429
OUTSIDE_WINDOW = 131047
PAIR_RATE = 131056
UNDELIVERABLE = 131026
UNSUPPORTED_TYPE = 131051
TEMPLATE_PARAMS = 132000
TEMPLATE_MISSING = 132001
APP_RATE_LIMITS = frozenset({4, 80007, RATE_LIMIT})
AUTH_CODES = frozenset({0, 10, 190, *range(200, 300)})
TRANSIENT_CODES = frozenset({1, 2, 131000, 131016})


class WhatsAppError(Exception):
    """Anything that kept a message from going out."""


class WhatsAppApiError(WhatsAppError):
    """The Graph API answered with an error object."""

    def __init__(self, code: int, message: str, *, status: int, details: str = "", retry_after: float = 0.0) -> None:
        super().__init__(f"({code}) {message}" + (f": {details}" if details else ""))
        self.code = code
        self.message = message
        self.status = status
        self.details = details
        self.retry_after = retry_after

    @property
    def is_rate_limit(self) -> bool:
        return self.code in APP_RATE_LIMITS or (self.status == 429 and self.code != PAIR_RATE)

    @property
    def is_pair_rate(self) -> bool:
        return self.code == PAIR_RATE

    @property
    def is_outside_window(self) -> bool:
        return self.code == OUTSIDE_WINDOW

    @property
    def is_undeliverable(self) -> bool:
        return self.code in (UNDELIVERABLE, UNSUPPORTED_TYPE)

    @property
    def is_auth(self) -> bool:
        return self.status == 401 or self.code in AUTH_CODES

    @property
    def is_transient(self) -> bool:
        return self.code in TRANSIENT_CODES or self.status >= 500


class WhatsAppNetworkError(WhatsAppError):
    """The API could not be reached (connection, timeout)."""


def from_response(status: int, body: Any, retry_after: float = 0.0) -> WhatsAppApiError:
    """The error of a non-2xx answer; a body that is not Meta's shape still gives a usable error."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return WhatsAppApiError(-1, f"HTTP {status}", status=status, retry_after=retry_after)
    data = error.get("error_data")
    details = str(data.get("details", "")) if isinstance(data, dict) else ""
    try:
        code = int(error.get("code", -1))
    except (TypeError, ValueError):
        code = -1
    return WhatsAppApiError(
        code, str(error.get("message", "")), status=status, details=details, retry_after=retry_after
    )
