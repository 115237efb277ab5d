"""Sending and editing messages, callback answers: each checks Telegram's limits before it changes anything."""

from __future__ import annotations

from typing import Any

from bot.emulator.telegram.errors import bad_request
from bot.emulator.telegram.formatting import parse_text
from bot.emulator.telegram.limits import check_caption, check_inline_keyboard, check_text, utf16_length
from bot.emulator.telegram.models import Chat, JsonDict
from bot.emulator.telegram.params import Params
from bot.emulator.telegram.state import TelegramEmulator


def _markup(emu: TelegramEmulator, params: Params, *, inline_only: bool = False) -> JsonDict | None:
    markup = params.get_json("reply_markup")
    if markup in (None, ""):
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        check_inline_keyboard(markup, emu.limits)
    elif inline_only:
        raise bad_request("inline keyboard expected")
    return markup


def _text(emu: TelegramEmulator, params: Params) -> JsonDict:
    """``text`` and ``entities`` fields (``entities`` None when there are none, so an edit drops old ones)."""
    text, entities = parse_text(params.get_str("text") or "", params.get_str("parse_mode"))
    check_text(text, emu.limits)
    return {"text": text, "entities": entities or None}


def _caption(emu: TelegramEmulator, params: Params) -> JsonDict:
    raw = params.get_str("caption")
    if not raw:
        return {}
    caption, entities = parse_text(raw, params.get_str("parse_mode"))
    check_caption(caption, emu.limits)
    return {"caption": caption, "caption_entities": entities or None}


def _present(fields: JsonDict) -> JsonDict:
    return {key: value for key, value in fields.items() if value is not None}


def _reply_to(chat: Chat, params: Params) -> JsonDict:
    reply = params.get_json("reply_parameters")
    message_id = reply.get("message_id") if isinstance(reply, dict) else params.get_int("reply_to_message_id")
    entry = chat.messages.get(message_id) if isinstance(message_id, int) else None
    if entry is None or entry.message is None:
        return {}
    return {"reply_to_message": {k: v for k, v in entry.message.items() if k != "reply_to_message"}}


async def send_message(emu: TelegramEmulator, params: Params) -> JsonDict:
    chat = emu.chat(params.get_int("chat_id"))
    content = _present(_text(emu, params))
    markup = _markup(emu, params)
    emu.rates.acquire(chat.user.id)
    return emu.post_message(chat, content | _reply_to(chat, params), markup)


async def send_document(emu: TelegramEmulator, params: Params) -> JsonDict:
    return await _send_file(emu, params, "document")


async def send_photo(emu: TelegramEmulator, params: Params) -> JsonDict:
    return await _send_file(emu, params, "photo")


async def _send_file(emu: TelegramEmulator, params: Params, field: str) -> JsonDict:
    chat = emu.chat(params.get_int("chat_id"))
    caption = _caption(emu, params)
    markup = _markup(emu, params)
    value = params.get_file(field)
    if value is None:
        raise bad_request(f"there is no {field} in the request")
    stored = emu.files.resolve(
        value, kind="documents" if field == "document" else "photos"
    )  # a bad file costs no send
    emu.rates.acquire(chat.user.id)
    media: Any = stored.as_document() if field == "document" else stored.as_photo()
    return emu.post_message(chat, {field: media} | _present(caption) | _reply_to(chat, params), markup)


async def edit_message_text(emu: TelegramEmulator, params: Params) -> JsonDict:
    _, message = _editable(emu, params)
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    text = _text(emu, params)
    return emu.edited(message, text | {"reply_markup": _markup(emu, params, inline_only=True)})


async def edit_message_caption(emu: TelegramEmulator, params: Params) -> JsonDict:
    _, message = _editable(emu, params)
    if "text" in message:
        raise bad_request("there is no caption in the message to edit")
    caption = _caption(emu, params) or {"caption": None, "caption_entities": None}
    return emu.edited(message, caption | {"reply_markup": _markup(emu, params, inline_only=True)})


async def edit_message_reply_markup(emu: TelegramEmulator, params: Params) -> JsonDict:
    _, message = _editable(emu, params)
    return emu.edited(message, {"reply_markup": _markup(emu, params, inline_only=True)})


def _editable(emu: TelegramEmulator, params: Params) -> tuple[Chat, JsonDict]:
    if params.has("inline_message_id"):
        raise bad_request("inline messages are not emulated")
    chat = emu.chat(params.get_int("chat_id"))
    return chat, emu.bot_message(chat, params.get_int("message_id"), "edit")


async def delete_message(emu: TelegramEmulator, params: Params) -> bool:
    chat = emu.chat(params.get_int("chat_id"))
    emu.delete_message(chat, params.get_int("message_id"))
    return True


async def answer_callback_query(emu: TelegramEmulator, params: Params) -> bool:
    text = params.get_str("text") or ""
    if utf16_length(text) > emu.limits.max_callback_answer:
        raise bad_request("MESSAGE_TOO_LONG")
    toast = {"text": text, "show_alert": params.get_bool("show_alert"), "url": params.get_str("url")}
    emu.answer_callback(params.get_str("callback_query_id") or "", toast)
    return True


async def send_chat_action(emu: TelegramEmulator, params: Params) -> bool:
    emu.chat(params.get_int("chat_id"))
    return True


METHODS = {
    "sendMessage": send_message,
    "sendDocument": send_document,
    "sendPhoto": send_photo,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
    "sendChatAction": send_chat_action,
}
