"""The command menu (``setMyCommands``), in Russian (the default) and Kazakh."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand

from bot.telegram.texts import Lang, text

log = logging.getLogger(__name__)

#: Commands the engine understands; descriptions come from ``bot.telegram.texts``.
COMMANDS = ("start", "help", "income", "taxes", "deadlines", "settings")


def bot_commands(lang: Lang) -> list[BotCommand]:
    return [BotCommand(command=name, description=text(f"cmd_{name}", lang)) for name in COMMANDS]


async def set_commands(bot: Bot) -> None:
    """Publish the menu: the default list in Russian, and a Kazakh one for ``language_code=kk`` clients."""
    try:
        await bot.set_my_commands(bot_commands("ru"))
        await bot.set_my_commands(bot_commands("kk"), language_code="kk")
    except TelegramAPIError as exc:  # a menu is a nicety: never block the start on it
        log.warning("setMyCommands failed: %s", exc.message)
