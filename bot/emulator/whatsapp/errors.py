"""Graph API errors in Meta's shape: ``{"error": {"message", "type", "code", "error_data": {"details"}, …}}``."""

from __future__ import annotations

import secrets
from typing import Any

#: code → (HTTP status, title), as the Cloud API answers them
KNOWN: dict[int, tuple[int, str]] = {
    100: (400, "Invalid parameter"),
    190: (401, "Invalid OAuth access token - Cannot parse access token"),
    130429: (400, "Rate limit hit"),
    131009: (400, "Parameter value is not valid"),
    131026: (400, "Message undeliverable"),
    131047: (400, "Re-engagement message"),
    131051: (400, "Unsupported message type"),
    131052: (400, "Media download error"),
    131053: (400, "Media upload error"),
    131056: (400, "(Business Account, Consumer Account) pair rate limit hit"),
    132000: (400, "Number of parameters does not match the expected number of params"),
    132001: (400, "Template name does not exist in the translation"),
    133010: (400, "Phone number not registered"),
}


class GraphError(Exception):
    def __init__(self, code: int, details: str = "", *, status: int | None = None, title: str | None = None) -> None:
        known_status, known_title = KNOWN.get(code, (400, "Error"))
        self.code = code
        self.status = status or known_status
        self.title = title or known_title
        self.details = details
        super().__init__(f"({code}) {self.title}: {details}")

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "message": f"(#{self.code}) {self.title}",
            "type": "OAuthException",
            "code": self.code,
            "fbtrace_id": secrets.token_urlsafe(12),
        }
        if self.details:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        return {"error": error}


def invalid(details: str) -> GraphError:
    """A request the API refuses for its content (a limit, a missing field)."""
    return GraphError(100, details)


class UserSideError(ValueError):
    """A simulated user did something impossible (no such chat, a button that is not there)."""
