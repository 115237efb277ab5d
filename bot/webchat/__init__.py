"""The local web chat: a page where a person talks to the bot through a channel emulator (Telegram now)."""

from bot.webchat.app import create_webchat_app
from bot.webchat.channel import WebChatChannel
from bot.webchat.routes import CHANNELS_KEY, setup_webchat
from bot.webchat.telegram_channel import TelegramWebChannel

__all__ = ["CHANNELS_KEY", "TelegramWebChannel", "WebChatChannel", "create_webchat_app", "setup_webchat"]
