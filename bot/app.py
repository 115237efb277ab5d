"""The running product: ``asistent run`` (everything in one process) and ``asistent worker`` (sender + scheduler).

```mermaid
flowchart LR
    subgraph run["asistent run (one process, HTTP_HOST:HTTP_PORT)"]
        HTTP[aiohttp app] --> PAGE[web chat page /]
        HTTP --> EMU["Bot API emulator /bot&lt;token&gt;/… (local mode only)"]
        HTTP --> WH["/telegram/webhook (webhook mode)"]
        POLL[long polling] --> DP[aiogram Dispatcher]
        WH --> DP
        DP --> ENG[dialogs Engine] --> DB[(SQLite / PostgreSQL)]
        DP -->|inline replies| API
        SND[outbox sender] --> API
        SCH[reminder scheduler] -->|scheduler_tick| DB
        SND -->|claim, mark| DB
    end
    API{{"Bot API: emulator, TELEGRAM_API_SERVER or Telegram"}}
    POLL -->|getUpdates| API
    subgraph worker["asistent worker (any number)"]
        SND2[outbox sender] --> API
        SCH2[reminder scheduler]
    end
    SND2 & SCH2 --> DB
```

Modes of ``asistent run`` (chosen by the settings):

- **local** — no ``TELEGRAM_BOT_TOKEN``: the Telegram emulator and the web chat are served at the root of
  ``http://HTTP_HOST:HTTP_PORT`` (page at ``/``, Bot API at ``/bot<token>/<method>``), and the bot long-polls that
  emulator exactly as it would Telegram. Filing and paying go to in-process sandboxes (tax cabinet, bank) with eGov
  mobile signing under ``/egov`` and a simulated phone at ``/egov/phone`` (``local_sandboxes``), followed by
  ``effects_loop``; see docs/telegram-runtime.md, "Filing and paying in local mode".
- **polling** — a token: long polling against ``TELEGRAM_API_SERVER``; the HTTP app serves ``/healthz``.
- **webhook** — a token and ``WEBHOOK_URL``: ``setWebhook`` with ``TELEGRAM_WEBHOOK_SECRET``, updates on the path of
  ``WEBHOOK_URL`` (``/telegram/webhook`` if it has none) of the same HTTP app.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from bot.emulator import RunningServer, serve
from bot.emulator.telegram import DEFAULT_TOKEN, TelegramEmulator
from bot.emulator.whatsapp import WhatsAppEmulator
from bot.outbox import ChannelSender, OutboxSender, SenderConfig, TokenBucket
from bot.outbox.sql import SqlOutbox
from bot.outbox.telegram import TelegramChannelSender
from bot.runtime.bounded import for_dialect
from bot.telegram import build_dispatcher, make_bot
from bot.telegram.webhook import mount_webhook, register_webhook, webhook_path
from bot.webchat.app import create_webchat_app
from bot.whatsapp.local import connect_local
from bot.whatsapp.local import local_settings as local_whatsapp_settings
from core.settings import Settings
from core.storage import Database, run_migrations
from dialogs.effects.ports import EffectServices
from dialogs.effects.ticks import poll_filings, poll_payments
from dialogs.engine import Engine
from dialogs.reminders import scheduler_tick
from dialogs.services import LocalEffects, effect_services
from dialogs.sql_store import SqlStores

#: one worker tick of local mode: ``await tick(session, now)`` → a report with ``pushed`` and ``failed``
Tick = Callable[[AsyncSession, dt.datetime], Awaitable[Any]]
log = logging.getLogger("asistent.app")

Mode = Literal["local", "polling", "webhook"]
PAYLOAD_SECRET_FILE = "payload_secret"  # noqa: S105 — a file name, not a secret
EGOV_PREFIX = "/egov"
LOCAL_EFFECTS_TICK_SECONDS = 2.0  # local mode: statuses show within seconds
LOCAL_CABINET_DELAY = dt.timedelta(seconds=5)  # sandbox cabinet: accepted → processed
LOCAL_BANK_DELAYS = (dt.timedelta(seconds=1), dt.timedelta(seconds=1), dt.timedelta(seconds=3))  # → executed
LOCAL_REGISTRATION_DELAY = dt.timedelta(seconds=5)  # SANDBOX register: «Я подал заявку» → the ИП is registered
TAXPAYERS_PATH = "/taxpayers"  # the sandbox taxpayer lookup under /egov (GET /egov/taxpayers/v1/taxpayers/{iin})


_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ConfigError(Exception):
    """The settings cannot work together (told to the operator in one line)."""


def secret(value: SecretStr | None) -> str | None:
    """A secret setting's value; an empty one (``VAR=`` in compose) counts as unset."""
    raw = value.get_secret_value() if value is not None else ""
    return raw or None


def mode_of(settings: Settings) -> Mode:
    if secret(settings.TELEGRAM_BOT_TOKEN) is None:
        return "local"
    return "webhook" if settings.WEBHOOK_URL else "polling"


def check(settings: Settings) -> None:
    """Refuse a webhook without a valid secret: anyone could post updates to it. Warn when no НУЦ РК trust anchor
    is configured (``NCA_TRUST_DIR``): every production signature would be refused."""
    from integrations.signing.policy import trust_warning

    if (warning := trust_warning(settings)) is not None:
        log.log(logging.INFO if mode_of(settings) == "local" else logging.WARNING, "%s", warning)
    if mode_of(settings) != "webhook":
        return
    if not (settings.WEBHOOK_URL or "").startswith(("https://", "http://")):
        raise ConfigError("WEBHOOK_URL must be an http(s) URL")
    hook_secret = secret(settings.TELEGRAM_WEBHOOK_SECRET)
    if hook_secret is None or not _WEBHOOK_SECRET.match(hook_secret):
        raise ConfigError("webhook mode needs TELEGRAM_WEBHOOK_SECRET: 1-256 characters of A-Z a-z 0-9 _ -")


def payload_secret(settings: Settings) -> bytes:
    """``DIALOG_PAYLOAD_SECRET``, or a random secret kept in ``DATA_DIR`` (created once, readable by us only)."""
    configured = secret(settings.DIALOG_PAYLOAD_SECRET)
    if configured is not None:
        return configured.encode()
    path = Path(settings.DATA_DIR) / PAYLOAD_SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip().encode()


def local_api_base(settings: Settings) -> str:
    """Where the local emulator of ``asistent run`` answers, as a bot in another process (a worker) sees it."""
    return _loopback(f"http://{settings.HTTP_HOST}:{settings.HTTP_PORT}")


def local_first_user_id(now: float | None = None) -> int:
    """Simulated users' ids for this run of local mode: 10-digit, increasing with the start time (1 000 per second)."""
    return 2_000_000_000 + int((time.time() if now is None else now) % 7_000_000) * 1000


def _loopback(url: str) -> str:
    """A wildcard bind (``0.0.0.0``) is reached over loopback."""
    for wildcard in ("//0.0.0.0:", "//[::]:", "//:"):
        url = url.replace(wildcard, "//127.0.0.1:")
    return url


def bot_for(settings: Settings) -> Bot:
    """The bot of the settings: the real token against ``TELEGRAM_API_SERVER``, or the emulator's in local mode."""
    if mode_of(settings) == "local":
        return make_bot(DEFAULT_TOKEN, local_api_base(settings))
    token = secret(settings.TELEGRAM_BOT_TOKEN)
    assert token is not None
    return make_bot(token, settings.TELEGRAM_API_SERVER)


def sender_for(settings: Settings, database: Database, bot: Bot, others: Sequence[ChannelSender] = ()) -> OutboxSender:
    """The outbox sender over Telegram (and any other configured channel, e.g. WhatsApp), each with its own rate."""
    config = SenderConfig(
        batch_size=settings.OUTBOX_BATCH_SIZE,
        lease=_seconds(settings.OUTBOX_LEASE_SECONDS),
        max_attempts=settings.OUTBOX_MAX_ATTEMPTS,
    )
    rates = {"telegram": settings.OUTBOX_RATE_PER_SECOND, "whatsapp": settings.WHATSAPP_RATE_PER_SECOND}
    channels: list[ChannelSender] = [TelegramChannelSender(bot), *others]
    buckets = {c.channel: TokenBucket(rates.get(c.channel, settings.OUTBOX_RATE_PER_SECOND)) for c in channels}
    return OutboxSender(SqlOutbox(database), channels, buckets, config=config)


def whatsapp_configured(settings: Settings) -> bool:
    from bot.whatsapp.setup import is_configured

    return is_configured(settings)


def _seconds(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=value)


async def scheduler_loop(database: Database, stop: asyncio.Event, every: float, buttons_secret: bytes) -> None:
    """Call ``dialogs.reminders.scheduler_tick`` every ``every`` seconds until ``stop``; a failed tick is logged.

    ``buttons_secret`` is the engine's payload secret, so reminders carry a working «Уже сделал» button."""
    log.info("reminder scheduler started (every %.0f s)", every)
    while not stop.is_set():
        try:
            async with database.transaction() as session:
                report = await scheduler_tick(session, dt.datetime.now(dt.UTC), payload_secret=buttons_secret)
            if report.reminders:
                log.info("scheduler: %d reminders queued", report.reminders)
        except Exception:
            log.exception("scheduler tick failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
    log.info("reminder scheduler stopped")


@dataclass
class LocalSandboxes:
    """Local mode's effects: the sandbox cabinet and bank, eGov mobile signing under ``/egov`` with the simulated
    phone (``/egov/phone``) signing by keys of the sandbox CA in ``DATA_DIR``."""

    effects: LocalEffects
    app: web.Application
    #: the worker ticks of local mode: (name, tick(session, now)) — filings and payments, and each later area's
    ticks: list[tuple[str, Tick]] = field(default_factory=list)
    #: the other areas' ports (documents / ESF, notices, registration), passed to ``effect_services``
    services: dict[str, Any] = field(default_factory=dict)


def local_sandboxes(settings: Settings) -> LocalSandboxes:
    """Built before the server listens; ``serve_sandboxes`` sets the base URL once the port is known."""
    from dialogs.adapters.documents import core_document_ports
    from dialogs.adapters.esf import local_esf
    from dialogs.adapters.keys import SqlKeyKeeper, vault_master_key
    from dialogs.adapters.notices import local_notices
    from dialogs.adapters.registration import local_registration
    from dialogs.effects.consent_ticks import consent_tick
    from dialogs.effects.esf_ticks import esf_tick
    from dialogs.effects.key_ports import KeyPorts
    from dialogs.effects.notice_ticks import notice_tick
    from dialogs.effects.ports import FilingPorts, PaymentPorts
    from dialogs.effects.registration_ticks import poll_registrations
    from dialogs.flows.payment_signing import poll_payment_signatures
    from dialogs.payloads import PayloadCodec
    from dialogs.services import BankAdapter, CabinetAdapter, EgovPhoneSigning, SandboxAccounts
    from integrations.bank import LocalBank, SandboxBank
    from integrations.signing.egov_mobile import EgovMobileService
    from integrations.signing.egov_mobile.app import create_egov_app
    from integrations.signing.egov_mobile.simulator import add_phone_simulator
    from integrations.signing.sandbox_keys import SandboxCA, SandboxPolicy
    from integrations.tax_cabinet import LocalTaxCabinet, SandboxCabinet

    test_mode = settings.ALLOW_TEST_KEYS
    ca = SandboxCA.load_or_create(settings.DATA_DIR)
    policy = SandboxPolicy(allow_test_keys=test_mode, sandbox=ca)
    cabinet = SandboxCabinet(test_mode=test_mode, policy=policy, processing_delay=LOCAL_CABINET_DELAY)
    egov = EgovMobileService("http://127.0.0.1" + EGOV_PREFIX, policy)
    confirm, start, execute = LOCAL_BANK_DELAYS
    bank = SandboxBank(
        confirm_delay=confirm, start_delay=start, execute_delay=execute, verify_signature=_signer_of(policy)
    )
    phone = EgovPhoneSigning(egov)
    keeper = SqlKeyKeeper(vault_master_key(settings, local=True), policy)  # the opt-in kept key (/key)
    filing = FilingPorts(CabinetAdapter(LocalTaxCabinet(cabinet)), phone, keeper, allow_test_iin=test_mode)
    payment = PaymentPorts(BankAdapter(LocalBank(bank)), SandboxAccounts(bank), phone, sign_orders=True, kept=keeper)
    app = create_egov_app(egov)
    add_phone_simulator(app, egov, ca, policy)
    registration = local_registration(LOCAL_REGISTRATION_DELAY)  # clearly a sandbox: it plays the state register
    app.add_subapp(TAXPAYERS_PATH, registration.app)
    ticks: list[tuple[str, Tick]] = [
        ("filings", functools.partial(_with_ports, poll_filings, filing)),
        ("payments", functools.partial(_with_ports, poll_payments, payment)),
        ("autopay", functools.partial(consent_tick, ports=payment, codec=PayloadCodec(payload_secret(settings)))),
        ("payment signatures", functools.partial(_with_ports, poll_payment_signatures, payment)),
    ]
    ticks.append(("registration", functools.partial(_with_ports, poll_registrations, registration.ports)))
    sandboxes = LocalSandboxes(LocalEffects(cabinet, egov, bank, filing, payment), app, ticks)
    sandboxes.services["registration"] = registration.ports
    sandboxes.services["keys"] = KeyPorts(keeper)
    esf = local_esf(phone, policy, test_mode=test_mode, kept=keeper, follow=egov)  # ИС ЭСФ in process, eGov clock
    sandboxes.services["esf"] = esf.ports
    sandboxes.services["documents"] = core_document_ports()  # invoices, acts, waybills: the product's own storage
    notices = local_notices(cabinet, phone)  # the same sandbox cabinet; «Пример (песочница)» issues a sample notice
    sandboxes.services["notices"] = notices
    sandboxes.ticks.append(
        ("notices", functools.partial(notice_tick, ports=notices, payload_secret=payload_secret(settings)))
    )
    sandboxes.ticks.append(("esf", esf_tick(esf.ports, payload_secret(settings))))
    return sandboxes


def _signer_of(policy: Any) -> Callable[[bytes], str | None]:
    """The sandbox bank's check of the payer's signature on an order: the signer's ИИН when it verifies."""
    from integrations.signing import verify_xml

    def signer(signed: bytes) -> str | None:
        found = verify_xml(signed, policy)
        return found.signer.iin if found.valid and found.signer is not None else None

    return signer


async def _with_ports(tick: Callable[..., Awaitable[Any]], ports: Any, session: AsyncSession, now: dt.datetime) -> Any:
    return await tick(session, now, ports)


def serve_sandboxes(sandboxes: LocalSandboxes, server_url: str) -> None:
    """The server listens at ``server_url``: eGov requests and the deep links (to the simulated phone) use it."""
    from integrations.signing.egov_mobile.simulator import PHONE_PATH, local_links

    egov = sandboxes.effects.egov
    egov.base_url = _loopback(server_url).rstrip("/") + EGOV_PREFIX
    egov.links = local_links(egov.base_url + PHONE_PATH)


async def effects_loop(
    database: Database, ticks: Sequence[tuple[str, Tick]], stop: asyncio.Event, every: float
) -> None:
    """Run each tick (``poll_filings``, ``poll_payments``, …) every ``every`` seconds, each in its own committed
    transaction; a failed tick is logged."""
    log.info("effects ticks started (every %.0f s)", every)
    while not stop.is_set():
        for name, tick in ticks:
            try:
                async with database.transaction() as session:
                    report = await tick(session, dt.datetime.now(dt.UTC))
                if report.pushed or report.failed:
                    log.info("effects %s: %d pushed, %d failed", name, report.pushed, report.failed)
            except Exception:
                log.exception("effects tick (%s) failed", name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)
    log.info("effects ticks stopped")


def production_services() -> EffectServices:
    """Polling / webhook mode: what needs only our own storage (documents) is on; the state and bank effects stay
    off — their flows answer «недоступно» — until each integration's real transport is bound (the clients exist;
    the gateways need the operator's credentials: docs/filings.md, payments.md, esf.md, notices-registration.md)."""
    from dialogs.adapters.documents import core_document_ports

    return effect_services(documents=core_document_ports())


async def _healthz(_: web.Request) -> web.Response:
    return web.json_response({"ok": True})


@dataclass
class Runtime:
    """What ``run_all`` started, so tests and the shutdown path can reach it."""

    settings: Settings
    mode: Mode
    database: Database
    bot: Bot
    dispatcher: Dispatcher
    server: RunningServer
    emulator: TelegramEmulator | None = None
    webhook: SimpleRequestHandler | None = None
    wa_emulator: WhatsAppEmulator | None = None
    sandboxes: LocalSandboxes | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)


async def start_all(settings: Settings, *, migrate: bool = True) -> Runtime:
    """Start ``asistent run``: HTTP app, bot (polling or webhook), outbox sender, scheduler."""
    check(settings)
    mode = mode_of(settings)
    if migrate:
        await run_migrations(settings.DATABASE_URL)
    database = Database(settings.DATABASE_URL)
    sandboxes = local_sandboxes(settings) if mode == "local" else None
    services = (
        production_services()
        if sandboxes is None
        else effect_services(sandboxes.effects.filing, sandboxes.effects.payment, **sandboxes.services)
    )
    engine = for_dialect(Engine(SqlStores(database), services, payload_secret(settings)), database.dialect)
    dp = build_dispatcher(engine, outbox=SqlOutbox(database), max_file_bytes=settings.TELEGRAM_MAX_FILE_BYTES)
    emulator: TelegramEmulator | None = None
    wa_emulator: WhatsAppEmulator | None = None
    if mode == "local":
        # the emulator forgets its chats on restart; fresh user ids keep a new web chat user from inheriting an old
        # user's data in the (persistent) database
        emulator = TelegramEmulator(first_user_id=local_first_user_id())
        if not whatsapp_configured(settings):  # WhatsApp in the web chat too, through the local Cloud API emulator
            wa_emulator = WhatsAppEmulator()
        app = create_webchat_app(emulator, whatsapp=wa_emulator)
        if sandboxes is not None:
            app.add_subapp(EGOV_PREFIX, sandboxes.app)
    else:
        app = web.Application()
    app.router.add_get("/healthz", _healthz)
    bot = None if mode == "local" else bot_for(settings)
    webhook: SimpleRequestHandler | None = None
    if mode == "webhook" and bot is not None:
        assert settings.WEBHOOK_URL is not None
        hook_secret = secret(settings.TELEGRAM_WEBHOOK_SECRET)
        webhook = mount_webhook(app, dp, bot, path=webhook_path(settings.WEBHOOK_URL), secret=hook_secret)
    whatsapp = None
    if whatsapp_configured(settings) or wa_emulator is not None:  # the webhook on the same app, sender in the outbox
        from bot.whatsapp.setup import WEBHOOK_PATH, setup_whatsapp

        whatsapp = setup_whatsapp(
            app,
            engine,
            settings if wa_emulator is None else local_whatsapp_settings(settings),
            database=database,
            outbox=SqlOutbox(database),
            max_file_bytes=settings.TELEGRAM_MAX_FILE_BYTES,
        )
        log.info("WhatsApp webhook at %s", WEBHOOK_PATH)
    server = await serve(app, settings.HTTP_HOST, settings.HTTP_PORT)
    if bot is None:  # local: the emulator is up now, at the real port (HTTP_PORT=0 picks a free one)
        bot = make_bot(DEFAULT_TOKEN, _loopback(server.url))
    if whatsapp is not None and wa_emulator is not None:
        connect_local(whatsapp, wa_emulator, _loopback(server.url))
    if sandboxes is not None:
        serve_sandboxes(sandboxes, server.url)
    runtime = Runtime(settings, mode, database, bot, dp, server, emulator, webhook, wa_emulator, sandboxes)
    try:
        await _start_bot(runtime)
    except BaseException:
        await stop_all(runtime)
        raise
    others = [whatsapp.sender()] if whatsapp is not None else []
    runtime.tasks.append(asyncio.create_task(sender_for(settings, database, bot, others).run(runtime.stop)))
    tick = scheduler_loop(database, runtime.stop, settings.REMINDER_TICK_SECONDS, payload_secret(settings))
    runtime.tasks.append(asyncio.create_task(tick))
    if sandboxes is not None:
        ticks = effects_loop(database, sandboxes.ticks, runtime.stop, LOCAL_EFFECTS_TICK_SECONDS)
        runtime.tasks.append(asyncio.create_task(ticks))
        log.info(
            "filing and paying: sandboxes; eGov signing on the simulated phone at %s", sandboxes.effects.egov.base_url
        )
    log.info("asistent run: %s mode, http %s", mode, server.url)
    if mode == "local":
        log.info("open %s/ to chat with the bot", server.url)
    return runtime


async def _start_bot(runtime: Runtime) -> None:
    settings, bot, dp = runtime.settings, runtime.bot, runtime.dispatcher
    if runtime.mode == "webhook":
        assert settings.WEBHOOK_URL is not None
        await dp.emit_startup(bot=bot, dispatcher=dp)
        await register_webhook(bot, dp, url=settings.WEBHOOK_URL, secret=secret(settings.TELEGRAM_WEBHOOK_SECRET))
        log.info("webhook registered at %s", webhook_path(settings.WEBHOOK_URL))
        return
    await bot.delete_webhook(drop_pending_updates=False)  # getUpdates is refused while a webhook is set
    runtime.tasks.append(
        asyncio.create_task(
            dp.start_polling(
                bot,
                handle_signals=False,
                close_bot_session=False,
                tasks_concurrency_limit=settings.TELEGRAM_POLLING_CONCURRENCY,
            )
        )
    )


async def stop_all(runtime: Runtime) -> None:
    """Graceful shutdown: stop taking updates, let the loops finish their round, close everything."""
    runtime.stop.set()
    if runtime.mode != "webhook":
        with contextlib.suppress(RuntimeError):  # polling had not started
            await runtime.dispatcher.stop_polling()
    # updates already taken are handled to the end (aiogram does not wait for them on stop)
    in_flight = set(getattr(runtime.dispatcher, "_handle_update_tasks", set()))
    if runtime.webhook is not None:
        in_flight |= set(getattr(runtime.webhook, "_background_feed_update_tasks", set()))
    await _finish(list(in_flight), "update")
    await _finish(runtime.tasks, "background")
    await runtime.server.close()
    await runtime.bot.session.close()
    await runtime.database.dispose()
    log.info("asistent stopped")


async def _finish(tasks: list[asyncio.Task[Any]], what: str, timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Wait for ``tasks`` up to ``timeout`` seconds in all; cancel the rest."""
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=timeout)
    for task in pending:
        task.cancel()
    if pending:
        log.warning("%d %s tasks did not finish in %.0f s; cancelled", len(pending), what, timeout)
        await asyncio.gather(*pending, return_exceptions=True)


async def run_worker(settings: Settings, stop: asyncio.Event) -> None:
    """``asistent worker``: the outbox sender and the scheduler only; run as many as you like."""
    check(settings)
    database = Database(settings.DATABASE_URL)
    bot = bot_for(settings)
    others: list[ChannelSender] = []
    if whatsapp_configured(settings):
        from bot.whatsapp.setup import whatsapp_sender

        others.append(whatsapp_sender(settings, database))
    try:
        await asyncio.gather(
            sender_for(settings, database, bot, others).run(stop),
            scheduler_loop(database, stop, settings.REMINDER_TICK_SECONDS, payload_secret(settings)),
        )
    finally:
        for other in others:
            client = getattr(getattr(other, "delivery", None), "client", None)
            if client is not None:
                await client.close()
        await bot.session.close()
        await database.dispose()
