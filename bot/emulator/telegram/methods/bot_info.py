"""getMe, the bot's command menu, getFile."""

from __future__ import annotations

import re
from typing import Any

from bot.emulator.telegram.errors import bad_request
from bot.emulator.telegram.models import JsonDict
from bot.emulator.telegram.params import Params
from bot.emulator.telegram.state import TelegramEmulator

_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


async def get_me(emu: TelegramEmulator, params: Params) -> JsonDict:
    return emu.bot_user() | {"can_join_groups": False, "can_read_all_group_messages": False,
                             "supports_inline_queries": False}  # fmt: skip


def _scope_key(params: Params) -> tuple[str, str]:
    scope = params.get_json("scope") or {"type": "default"}
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    return str(scope["type"]), params.get_str("language_code") or ""


def _checked_commands(raw: Any) -> list[JsonDict]:
    if not isinstance(raw, list) or len(raw) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH" if isinstance(raw, list) else "can't parse commands JSON object")
    commands = []
    for item in raw:
        if not isinstance(item, dict) or not _COMMAND.match(str(item.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        description = str(item.get("description", ""))
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        commands.append({"command": item["command"], "description": description})
    return commands


async def set_my_commands(emu: TelegramEmulator, params: Params) -> bool:
    emu.commands[_scope_key(params)] = _checked_commands(params.get_json("commands"))
    emu.changes.notify()
    return True


async def get_my_commands(emu: TelegramEmulator, params: Params) -> list[JsonDict]:
    return emu.commands.get(_scope_key(params), [])


async def delete_my_commands(emu: TelegramEmulator, params: Params) -> bool:
    emu.commands.pop(_scope_key(params), None)
    emu.changes.notify()
    return True


async def get_file(emu: TelegramEmulator, params: Params) -> JsonDict:
    stored = emu.files.by_id(params.get_str("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.content) > emu.limits.max_download_bytes:
        raise bad_request("file is too big")
    return stored.as_file()


METHODS = {
    "getMe": get_me,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "getFile": get_file,
}
