"""One router per concern: commands, text messages, files, button presses, and everything else."""

from __future__ import annotations

from aiogram import F, Router

from bot.telegram.routers import buttons, commands, files, messages, other


def build_root_router() -> Router:
    """The tree under the dispatcher; private chats only (the bot keeps one person's books per chat)."""
    root = Router(name="telegram")
    root.message.filter(F.chat.type == "private")
    root.include_routers(commands.router(), messages.router(), files.router(), buttons.router(), other.router())
    return root
