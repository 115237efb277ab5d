"""The bot's update queue: monotonically increasing update_id, getUpdates offsets, redelivery, webhook settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.emulator.telegram.models import JsonDict

# Telegram's default when allowed_updates is empty: everything except these.
_OPT_IN = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
SENT_KEPT = 10_000  # bounded, so a long benchmark does not grow without end


@dataclass
class _Pending:
    update: JsonDict
    redelivery: bool = False
    delivered: bool = False


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] = field(default_factory=list)
    last_error_date: int | None = None
    last_error_message: str | None = None


def update_type(update: JsonDict) -> str:
    return next(key for key in update if key != "update_id")


class UpdateQueue:
    """Updates not yet confirmed by the bot (``offset`` in polling, a 2xx in webhook mode)."""

    def __init__(self, first_update_id: int = 1) -> None:
        self._next_id = first_update_id
        self._pending: list[_Pending] = []
        self._sent: dict[int, JsonDict] = {}  # for redelivery; the oldest are forgotten past SENT_KEPT
        self.allowed_updates: list[str] = []
        self.webhook: WebhookConfig | None = None

    def add(self, kind: str, payload: Any) -> JsonDict:
        update: JsonDict = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self._sent[update["update_id"]] = update
        if len(self._sent) > SENT_KEPT:
            del self._sent[next(iter(self._sent))]
        self._pending.append(_Pending(update))
        return update

    def redeliver(self, update_id: int) -> JsonDict:
        """Queue an already delivered update again, with the same update_id (as Telegram does after a timeout)."""
        update = self._sent.get(update_id)
        if update is None:
            raise KeyError(update_id)
        self._pending.append(_Pending(update, redelivery=True))
        return update

    def confirm(self, offset: int) -> None:
        """Forget updates below ``offset``; a redelivered update survives until it has been delivered once."""
        if offset < 0:
            self._pending = self._pending[offset:]
            return
        self._pending = [p for p in self._pending if p.update["update_id"] >= offset or not p.delivered]

    def take(self, limit: int) -> list[JsonDict]:
        """Up to ``limit`` pending updates of the allowed types, marked delivered (still pending until confirmed)."""
        self._drop_disallowed()
        batch = self._pending[:limit]
        for pending in batch:
            pending.delivered = True
        return [pending.update for pending in batch]

    def peek_first(self) -> JsonDict | None:
        self._drop_disallowed()
        return self._pending[0].update if self._pending else None

    def done(self, update: JsonDict) -> None:
        """A webhook accepted ``update``: forget its first pending copy."""
        for index, pending in enumerate(self._pending):
            if pending.update is update:
                del self._pending[index]
                return

    def clear(self) -> None:
        self._pending.clear()

    def __len__(self) -> int:
        return len(self._pending)

    def _allowed(self) -> list[str]:
        return self.webhook.allowed_updates if self.webhook else self.allowed_updates

    def _drop_disallowed(self) -> None:
        allowed = set(self._allowed())
        self._pending = [p for p in self._pending if _is_allowed(update_type(p.update), allowed)]


def _is_allowed(kind: str, allowed: set[str]) -> bool:
    return kind in allowed if allowed else kind not in _OPT_IN
