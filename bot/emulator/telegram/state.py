"""The emulator's state: the bot, its chats with simulated users, files and the update queue.

Bot-side operations (``post_message``, ``edited``, ``delete_message``, ``answer_callback``) are called by the Bot
API methods; user-side operations (``create_user``, ``send_text``, ``press_button``, ``send_file``, ``history``) by
the web chat and by tests acting as a Telegram client.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from typing import Any

from bot.emulator.clock import Clock, SystemClock
from bot.emulator.notifier import ChangeNotifier
from bot.emulator.telegram.errors import UserSideError, bad_request
from bot.emulator.telegram.files import FileStore, image_size
from bot.emulator.telegram.limits import Limits, SendRateLimiter
from bot.emulator.telegram.models import Chat, ChatEntry, JsonDict, SimUser, StoredFile
from bot.emulator.telegram.params import Upload
from bot.emulator.telegram.updates import UpdateQueue

_TOKEN = re.compile(r"^(\d+):[\w-]+$")
DEFAULT_TOKEN = "1000000001:EMULATOR-local-token"  # noqa: S105 - a public placeholder
#: Bot API deleteMessage: "a message can only be deleted if it was sent less than 48 hours ago"
DELETE_WINDOW_SECONDS = 48 * 3600
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(@\w+)?")


class TelegramEmulator:
    """One bot's world. ``token=None`` accepts any well-formed token (and takes the bot id from it)."""

    def __init__(
        self,
        *,
        token: str | None = None,
        limits: Limits | None = None,
        clock: Clock | None = None,
        bot_first_name: str = "Asistent (local)",
        bot_username: str = "asistent_local_bot",
        first_user_id: int = 700_000_001,
    ) -> None:
        self.token = token
        self.limits = limits or Limits()
        self.clock = clock or SystemClock()
        self.bot_first_name = bot_first_name
        self.bot_username = bot_username
        match = _TOKEN.match(token or "")
        self.bot_id = int(match.group(1)) if match else 1_000_000_001
        self.chats: dict[int, Chat] = {}
        self.files = FileStore(self.limits.max_upload_bytes)
        self.updates = UpdateQueue()
        self.rates = SendRateLimiter(self.limits, self.clock)
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.changes = ChangeNotifier()  # chat history changed (the web chat waits on it)
        self.update_arrived = ChangeNotifier()  # an update was queued (getUpdates and the webhook wait on it)
        self.callback_queries: dict[str, tuple[int, int]] = {}
        self.poll_generation = 0
        self.closed = False
        self._next_user_id = first_user_id

    # -- the bot -------------------------------------------------------------------------------------------------

    def accepts_token(self, token: str) -> bool:
        match = _TOKEN.match(token)
        if match is None:
            return False
        if self.token is None:
            self.bot_id = int(match.group(1))
            return True
        return secrets.compare_digest(token, self.token)

    def bot_user(self) -> JsonDict:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.bot_first_name, "username": self.bot_username}

    def now(self) -> int:
        return int(self.clock.unix_time())

    def chat(self, chat_id: int | None) -> Chat:
        """The chat a bot method addresses (Telegram: 400 chat not found)."""
        chat = self.chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def post_message(self, chat: Chat, content: JsonDict, reply_markup: JsonDict | None) -> JsonDict:
        """Store a bot message (``content``: text/document/photo fields) and return it in the Bot API shape."""
        message = self._message(chat, self.bot_user(), content)
        if reply_markup and "inline_keyboard" in reply_markup:
            message["reply_markup"] = reply_markup
        elif reply_markup is not None:
            self._apply_reply_keyboard(chat, reply_markup)
        self._append(chat, ChatEntry("message", from_bot=True, message=message))
        return message

    def bot_message(self, chat: Chat, message_id: int | None, action: str) -> JsonDict:
        entry = chat.messages.get(message_id or 0)
        if entry is None or entry.deleted or entry.message is None:
            raise bad_request(f"message to {action} not found")
        if not entry.from_bot:
            raise bad_request(f"message can't be {'edited' if action == 'edit' else 'deleted'}")
        return entry.message

    def edited(self, message: JsonDict, changes: JsonDict) -> JsonDict:
        """Apply an edit in place (Telegram: 400 when nothing changes)."""
        after = dict(message)
        for key, value in changes.items():
            if value is None:
                after.pop(key, None)
            else:
                after[key] = value
        if after == message:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are exactly the same as a "
                "current content and reply markup of the message"
            )
        message.clear()
        message.update(after, edit_date=self.now())
        self.changes.notify()
        return message

    def delete_message(self, chat: Chat, message_id: int | None) -> None:
        """The bot deletes a message of its private chat: its own, or the user's (Telegram allows incoming ones in
        private chats), sent less than 48 hours ago."""
        entry = chat.messages.get(message_id or 0)
        if entry is None or entry.deleted or entry.message is None:
            raise bad_request("message to delete not found")
        if self.now() - int(entry.message.get("date", 0)) >= DELETE_WINDOW_SECONDS:
            raise bad_request("message can't be deleted")
        entry.deleted = True
        self.changes.notify()

    def answer_callback(self, query_id: str, toast: JsonDict) -> None:
        where = self.callback_queries.pop(query_id, None)
        if where is None:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        chat = self.chats[where[0]]
        self._append(chat, ChatEntry("toast", from_bot=True, toast={**toast, "message_id": where[1]}))

    def queue_update(self, kind: str, payload: JsonDict) -> JsonDict:
        update = self.updates.add(kind, payload)
        self.update_arrived.notify()
        return update

    def redeliver(self, update_id: int) -> JsonDict:
        """Send an update again with the same update_id (duplicate-delivery tests)."""
        try:
            update = self.updates.redeliver(update_id)
        except KeyError:
            raise UserSideError(f"no update {update_id}") from None
        self.update_arrived.notify()
        return update

    def close(self) -> None:
        """Wake every long poll so the server can stop."""
        self.closed = True
        self.update_arrived.notify()
        self.changes.notify()

    # -- the user side -------------------------------------------------------------------------------------------

    def create_user(
        self,
        first_name: str = "Тест",
        language_code: str = "ru",
        *,
        user_id: int | None = None,
        username: str | None = None,
    ) -> SimUser:
        """A new simulated user with an (empty) private chat with the bot."""
        if user_id is None:
            user_id = self._next_user_id
            self._next_user_id += 1
        if user_id in self.chats:
            raise UserSideError(f"user {user_id} exists")
        user = SimUser(user_id, first_name.strip() or "Тест", language_code, username)
        self.chats[user_id] = Chat(user)
        self.changes.notify()
        return user

    def user_chat(self, chat_id: int) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise UserSideError(f"no chat {chat_id}")
        return chat

    def send_text(self, chat_id: int, text: str) -> JsonDict:
        """The user writes ``text``; returns the queued update."""
        chat = self.user_chat(chat_id)
        if not text.strip():
            raise UserSideError("empty message")
        content: JsonDict = {"text": text}
        command = _COMMAND.match(text)
        if command:
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command.group(0))}]
        if chat.reply_keyboard and chat.reply_keyboard.get("one_time_keyboard"):
            chat.reply_keyboard = None
        return self._user_message(chat, content)

    def send_file(
        self, chat_id: int, filename: str, content: bytes, mime_type: str = "", *, caption: str | None = None
    ) -> JsonDict:
        """The user sends a file: an image as a photo, anything else as a document."""
        chat = self.user_chat(chat_id)
        upload = Upload(filename, content, mime_type)
        try:
            as_photo = mime_type in ("image/png", "image/jpeg") and image_size(content) is not None
            stored = self.files.store(upload, kind="photos" if as_photo else "documents")
        except Exception as exc:
            raise UserSideError(str(exc)) from None
        fields: JsonDict = {"photo": stored.as_photo()} if as_photo else {"document": stored.as_document()}
        if caption:
            fields["caption"] = caption
        return self._user_message(chat, fields)

    def press_button(
        self, chat_id: int, message_id: int, callback_data: str, *, as_user: int | None = None, forge: bool = False
    ) -> JsonDict:
        """The user presses an inline button of a bot message; the button must be on it now.

        ``as_user`` presses as another simulated user (a button from someone else's chat) and ``forge`` skips the
        button check (crafted callback data): both for tests of the "not your button" rules.
        """
        chat = self.user_chat(chat_id)
        presser = self.user_chat(as_user).user if as_user is not None else chat.user
        entry = chat.messages.get(message_id)
        if entry is None or entry.message is None or entry.deleted:
            raise UserSideError("no such message")
        rows = entry.message.get("reply_markup", {}).get("inline_keyboard", [])
        if not forge and not any(button.get("callback_data") == callback_data for row in rows for button in row):
            raise UserSideError("no such button")
        query_id = str(secrets.randbelow(10**18))
        self.callback_queries[query_id] = (chat_id, message_id)
        query = {
            "id": query_id,
            "from": presser.as_api(),
            "message": entry.message,
            "chat_instance": str(chat_id * 7 + 13),
            "data": callback_data,
        }
        return self.queue_update("callback_query", query)

    def history(self, chat_id: int) -> list[ChatEntry]:
        return list(self.user_chat(chat_id).history)

    def bot_messages(self, chat_id: int) -> list[JsonDict]:
        """The bot's messages in a chat, current after edits (deleted ones left out)."""
        entries = self.user_chat(chat_id).history
        return [e.message for e in entries if e.kind == "message" and e.from_bot and not e.deleted and e.message]

    async def wait_for_bot_messages(self, chat_id: int, count: int, timeout: float = 5.0) -> list[JsonDict]:  # noqa: ASYNC109
        """Wait (on changes, not on a clock) until the bot has sent ``count`` messages to the chat."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.bot_messages(chat_id)) < count:
            if loop.time() >= deadline:
                raise TimeoutError(f"bot sent {len(self.bot_messages(chat_id))} of {count} messages")
            await self.changes.wait(self.changes.version, deadline - loop.time())
        return self.bot_messages(chat_id)

    def stored_file(self, file_id: str) -> StoredFile | None:
        return self.files.by_id(file_id)

    # -- internals -----------------------------------------------------------------------------------------------

    def _message(self, chat: Chat, sender: JsonDict, content: JsonDict) -> JsonDict:
        return {
            "message_id": chat.next_message_id(),
            "from": sender,
            "chat": chat.user.as_chat(),
            "date": self.now(),
        } | (content)

    def _user_message(self, chat: Chat, content: JsonDict) -> JsonDict:
        message = self._message(chat, chat.user.as_api(), content)
        self._append(chat, ChatEntry("message", from_bot=False, message=message))
        return self.queue_update("message", message)

    def _append(self, chat: Chat, entry: ChatEntry) -> None:
        chat.history.append(entry)
        if entry.message is not None:
            chat.messages[entry.message["message_id"]] = entry
        self.changes.notify()

    def _apply_reply_keyboard(self, chat: Chat, markup: Any) -> None:
        if isinstance(markup, dict) and "keyboard" in markup:
            chat.reply_keyboard = markup
        elif isinstance(markup, dict) and markup.get("remove_keyboard"):
            chat.reply_keyboard = None
