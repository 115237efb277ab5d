"""The Telegram ``ChannelSender``: the front end's renderer, with aiogram's errors sorted into retry / wait / fail."""

from __future__ import annotations

import aiohttp
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramServerError,
)

from bot.outbox.protocol import PermanentSendError, RetryAfter, SendResult, TransientSendError
from bot.telegram.render import RenderInterrupted, TelegramRenderer
from dialogs.contract import Reply


class TelegramChannelSender:
    channel = "telegram"

    def __init__(self, bot: Bot) -> None:
        self.renderer = TelegramRenderer(bot)

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        try:
            sent = await self.renderer.render(int(chat_id), reply)
        except RenderInterrupted as exc:
            if exc.transient and not exc.sent:
                raise TransientSendError(type(exc.__cause__).__name__) from exc
            raise RetryAfter(exc.retry_after, exc.remainder if exc.sent else None) from exc
        except (TelegramForbiddenError, TelegramNotFound, TelegramBadRequest) as exc:
            raise PermanentSendError(exc.message) from exc
        except (TimeoutError, TelegramServerError, TelegramNetworkError, aiohttp.ClientError) as exc:
            raise TransientSendError(type(exc).__name__) from exc
        except ValueError as exc:  # a chat id that is not a number
            raise PermanentSendError(f"bad chat id: {type(exc).__name__}") from exc
        return SendResult(provider_message_id=str(sent[0]) if sent else "")
