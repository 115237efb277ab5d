"""Bot API errors, answered with Telegram's own codes and texts."""

from __future__ import annotations

from typing import Any


class BotApiError(Exception):
    """An error the emulator answers as ``{"ok": false, "error_code", "description", "parameters"}``."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> BotApiError:
    """A 400 with Telegram's ``Bad Request: …`` prefix."""
    return BotApiError(400, f"Bad Request: {detail}")


def too_many_requests(retry_after: int) -> BotApiError:
    return BotApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


UNAUTHORIZED = BotApiError(401, "Unauthorized")
NOT_FOUND = BotApiError(404, "Not Found")
WEBHOOK_ACTIVE = BotApiError(
    409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
OTHER_POLLER = BotApiError(
    409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)


class UserSideError(ValueError):
    """A simulated user did something impossible (unknown chat, a button that is not there); a short reason."""
