"""The outbox sender: drains queued replies (reminders, deferred inline replies) through the channels."""

from __future__ import annotations

from bot.outbox.protocol import ChannelSender, OutboxItem, OutboxStore, OutboxWriter
from bot.outbox.ratelimit import TokenBucket
from bot.outbox.sender import OutboxSender, SenderConfig

__all__ = ["ChannelSender", "OutboxItem", "OutboxSender", "OutboxStore", "OutboxWriter", "SenderConfig", "TokenBucket"]
