"""The page in a real headless Chromium (Debian's), driven by playwright: type, see the answer, press, upload."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiogram import Dispatcher

from bot.emulator import Limits, RunningServer, TelegramEmulator, serve
from bot.webchat import create_webchat_app
from tests.bot.emulator.helpers import TOKEN, PNG_1x1, close_bot, echo_router, make_bot, polling
from tests.conftest import REQUIRE_BROWSER

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

# One browser for the module (its start is most of the cost); each test gets a fresh server and context.
pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

if not CHROMIUM.exists():
    if REQUIRE_BROWSER:
        pytest.fail(f"ASISTENT_REQUIRE_BROWSER=1 but {CHROMIUM} is missing", pytrace=False)
    pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM}", allow_module_level=True)

from playwright.async_api import Browser, Page, async_playwright, expect  # noqa: E402 - only with a browser

# A loaded 2-core CI machine can take longer than playwright's 5 s default to round-trip a long poll; waits are
# event-driven (they end as soon as the page shows the answer), so a generous ceiling costs nothing when it passes.
expect.set_options(timeout=20_000)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        await browser.close()


@pytest.fixture
def emulator() -> TelegramEmulator:
    return TelegramEmulator(token=TOKEN, limits=Limits.relaxed())


@pytest_asyncio.fixture(loop_scope="module")
async def chat_server(emulator: TelegramEmulator) -> AsyncIterator[RunningServer]:
    running = await serve(create_webchat_app(emulator))
    bot = make_bot(running.url)
    dp = Dispatcher()
    dp.include_router(echo_router())
    async with polling(dp, bot):
        yield running
    await close_bot(bot)
    await running.close()


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Browser, chat_server: RunningServer) -> AsyncIterator[Page]:
    context = await browser.new_context(accept_downloads=True)
    context.set_default_timeout(20_000)
    page = await context.new_page()
    await page.goto(chat_server.url + "/")
    yield page
    await context.close()


async def _send(page: Page, text: str) -> None:
    await page.get_by_role("textbox", name="Сообщение").fill(text)
    await page.keyboard.press("Enter")


async def test_type_press_and_upload(page: Page, emulator: TelegramEmulator, tmp_path: Path) -> None:
    await expect(page.locator("#user option")).to_have_count(1)  # a first user is created for a newcomer
    await _send(page, "привет")
    await expect(page.locator(".bubble.user .text")).to_have_text(["привет"])
    await expect(page.locator(".bubble.bot .text").last).to_have_text("эхо: привет")

    await _send(page, "/kb")
    await page.get_by_role("button", name="Да").click()
    await expect(page.locator(".bubble.bot .text").last).to_have_text("Вы выбрали: yes")
    await expect(page.get_by_role("status")).to_have_text("ok yes")
    await expect(page.locator(".bubble.bot").last.locator(".meta")).to_have_text("изменено")
    await expect(page.get_by_role("button", name="Да")).to_have_count(0)  # the edit removed the keyboard

    upload = tmp_path / "выписка.csv"
    upload.write_bytes(b"date;amount\n2026-01-05;150000\n")
    await page.locator("#file").set_input_files(upload)
    await expect(page.locator(".bubble.user .document")).to_contain_text("выписка.csv")
    await expect(page.locator(".bubble.bot .text").last).to_have_text("получил 30 байт")


async def test_documents_images_and_kazakh_chrome(page: Page, tmp_path: Path) -> None:
    await _send(page, "/doc")
    link = page.locator(".bubble.bot .document")
    await expect(link).to_contain_text("report.pdf")
    async with page.expect_download() as download_info:
        await link.click()
    download = await download_info.value
    target = tmp_path / "report.pdf"
    await download.save_as(target)
    assert target.read_bytes() == b"%PDF-1.4 test"

    await _send(page, "/photo")
    image = page.get_by_role("img", name="График")
    await expect(image).to_be_visible()
    assert await image.evaluate("img => img.naturalWidth") == 1

    photo = tmp_path / "chart.png"
    photo.write_bytes(PNG_1x1)
    await page.locator("#file").set_input_files(photo)
    await expect(page.locator(".bubble.user img")).to_have_count(1)

    await _send(page, "/html")
    bold = page.locator(".bubble.bot strong").last
    await expect(bold).to_have_text("Налог: 12 000 ₸")
    await expect(bold.locator("em")).to_have_text("12 000")
    await expect(page.locator(".bubble.bot .text").last).to_have_text("💰 Налог: 12 000 ₸ 910")
    await expect(page.locator(".bubble.bot code").last).to_have_text("910")

    await page.get_by_label("Язык").select_option("kk")
    await expect(page.get_by_role("button", name="Жіберу")).to_be_visible()
    await expect(page.locator("html")).to_have_attribute("lang", "kk")


async def test_new_user_gets_an_empty_chat(page: Page, emulator: TelegramEmulator) -> None:
    await _send(page, "первый")
    await expect(page.locator(".bubble.bot")).to_have_count(1)
    await page.get_by_placeholder("Имя").fill("Жанар")
    await page.get_by_role("button", name="Новый пользователь").click()
    await expect(page.locator("#user option")).to_have_count(2)
    await expect(page.locator(".bubble")).to_have_count(0)
    await _send(page, "второй")
    await expect(page.locator(".bubble.bot .text")).to_have_text(["эхо: второй"])
    names = sorted(chat.user.first_name for chat in emulator.chats.values())
    assert "Жанар" in names


async def test_reply_keyboard_and_command_menu(page: Page) -> None:
    await _send(page, "/menu")
    await expect(page.locator(".bubble.bot .text").last).to_have_text("Меню")
    await page.locator("#reply-keyboard").get_by_role("button", name="Налоги").click()
    await expect(page.locator(".bubble.bot .text").last).to_have_text("эхо: Налоги")
    await expect(page.locator("#reply-keyboard")).to_be_hidden()  # one-time keyboard
    await page.locator("#commands").get_by_role("button", name="/kb").click()
    await expect(page.get_by_role("button", name="Да")).to_be_visible()
