"""Shared by the emulator and web chat tests: a real aiogram Bot over loopback HTTP, and a tiny test router."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import Command
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    Update,
)

TOKEN = "42:TEST-emulator-token"
PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def make_bot(base_url: str) -> Bot:
    return Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))


async def close_bot(bot: Bot) -> None:
    """Close the HTTP session without AiohttpSession.close()'s fixed 250 ms wait (nothing to drain on loopback)."""
    session = getattr(bot.session, "_session", None)
    if session is not None:
        await session.close()


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in pairs])


def echo_router(seen_update_ids: list[int] | None = None) -> Router:
    """Echo text; /kb sends buttons; a press edits the message and answers a toast; files are read back."""
    router = Router(name="test-echo")

    @router.message(Command("kb"))
    async def send_keyboard(message: Message) -> None:
        await message.answer("Выберите:", reply_markup=keyboard(("Да", "yes"), ("Нет", "no")))

    @router.message(Command("html"))
    async def send_html(message: Message) -> None:
        await message.answer("💰 <b>Налог: <i>12 000</i> ₸</b> <code>910</code>", parse_mode="HTML")

    @router.message(Command("menu"))
    async def send_menu(message: Message, bot: Bot) -> None:
        await bot.set_my_commands([BotCommand(command="kb", description="Кнопки")], language_code="ru")
        rows = [[KeyboardButton(text="Налоги"), KeyboardButton(text="Доходы")]]
        await message.answer("Меню", reply_markup=ReplyKeyboardMarkup(keyboard=rows, one_time_keyboard=True))

    @router.message(Command("doc"))
    async def send_document(message: Message) -> None:
        await message.answer_document(BufferedInputFile(b"%PDF-1.4 test", "report.pdf"), caption="Отчёт")

    @router.message(Command("photo"))
    async def send_photo(message: Message) -> None:
        await message.answer_photo(BufferedInputFile(PNG_1x1, "chart.png"), caption="График")

    @router.message(F.document | F.photo)
    async def read_file(message: Message, bot: Bot) -> None:
        file_id = message.document.file_id if message.document else message.photo[-1].file_id  # type: ignore[index]
        data = await bot.download(file_id)
        assert data is not None
        await message.answer(f"получил {len(data.read())} байт")

    @router.message(F.text)
    async def echo(message: Message, event_update: Update) -> None:
        if seen_update_ids is not None:
            seen_update_ids.append(event_update.update_id)
        await message.answer(f"эхо: {message.text}")

    @router.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text(f"Вы выбрали: {query.data}")
        await query.answer(f"ok {query.data}")

    return router


@contextlib.asynccontextmanager
async def polling(dp: Dispatcher, bot: Bot) -> AsyncIterator[None]:
    """Run ``dp`` by long polling for the duration of the block."""
    task = asyncio.create_task(
        dp.start_polling(bot, polling_timeout=30, handle_signals=False, close_bot_session=False)
    )
    try:
        yield
    finally:
        if dp._running_lock.locked():  # stop_polling() raises if polling never got to start
            await dp.stop_polling()
            await asyncio.wait_for(task, 5)
        else:
            task.cancel()
