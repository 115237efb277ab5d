"""The world around a chat in the parity tests (``dialogs.testing.ChatWorld``): local mode's sandboxes on a manual
clock, the person's phone signing in eGov mobile, the worker's ticks, and the outbox delivered through the channel.

The sandboxes and ports are exactly local mode's (``bot.app.local_sandboxes``: the filing and payment ports, and each
later area's ports and ticks as the areas add them), so a scenario needs nothing wired by hand. Only their clocks are
swapped for one ``ManualClock`` (nothing waits), and the phone is played in process: the signing request's link is
read from the chat's text (as a person would follow it), the documents fetched, signed with the sandbox CA's key of
the user's ИИН, and sent back — what eGov mobile does.

Each channel says how a person sees what the outbox sends (``Observer``): the engine collects the replies, Telegram
and WhatsApp read the emulators' chats.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bot.app import LocalSandboxes, local_sandboxes
from bot.outbox import ChannelSender, OutboxSender, TokenBucket
from bot.outbox.protocol import SendResult
from bot.outbox.sql import SqlOutbox
from core.payments import PlatformSettings
from core.settings import Settings
from core.storage import Database
from dialogs.contract import Channel, Reply
from dialogs.effects.ports import EffectServices
from dialogs.engine import Engine
from dialogs.services import effect_services
from dialogs.sql_store import SqlStores
from dialogs.testing import ScriptedChat, ScriptError
from integrations.common.clock import ManualClock
from integrations.signing.egov_mobile.phone import service_url_from
from integrations.signing.sandbox_keys import SandboxCA, SandboxPolicy

SECRET = b"parity-payload-secret"
NOW = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)  # 11:00 in Kazakhstan, as the dialogs scenarios expect
URL = re.compile(r"https?://\S+")
#: the platform's requisites for the subscription (a valid test IBAN/BIN/BIC, not a real account)
PLATFORM = PlatformSettings(PLATFORM_IBAN="KZ31601A000000000001", PLATFORM_BIN="141140001547", PLATFORM_BIC="HSBKKZKX")
_OTHER_IDS = itertools.count(9_000_001)


class Observer(Protocol):
    """How a channel shows its person what the outbox sent: a mark before, the new messages after."""

    def mark(self, chat: ScriptedChat) -> Any: ...

    def since(self, chat: ScriptedChat, mark: Any) -> list[Reply]: ...


@dataclass
class Collected:
    """The bare engine's "channel": the outbox's replies kept per chat."""

    channel: str
    sent: dict[str, list[Reply]] = field(default_factory=dict)

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        self.sent.setdefault(chat_id, []).append(reply)
        return SendResult(provider_message_id=f"engine-{chat_id}-{len(self.sent[chat_id])}")

    def mark(self, chat: ScriptedChat) -> int:
        return len(self.sent.get(chat.chat_id, []))

    def since(self, chat: ScriptedChat, mark: Any) -> list[Reply]:
        return list(self.sent.get(chat.chat_id, [])[int(mark) :])


def build_sandboxes(data_dir: Path, *, test_mode: bool = False) -> tuple[LocalSandboxes, ManualClock]:
    """Local mode's sandboxes with every clock on one manual clock at ``NOW`` (the sandbox CA made at ``NOW`` too,
    so its certificates hold on that clock whatever the day the suite runs)."""
    _sandbox_ca_at_now(data_dir)
    settings = Settings(_env_file=None, DATA_DIR=data_dir, ALLOW_TEST_KEYS=test_mode)  # type: ignore[call-arg]
    sandboxes = local_sandboxes(settings)
    clock = ManualClock(NOW)
    effects = sandboxes.effects
    effects.cabinet.clock = clock
    effects.bank._clock = clock
    effects.egov._clock = clock.now
    effects.payment.platform = PLATFORM
    registration = sandboxes.services.get("registration")
    register = getattr(getattr(registration, "registrar", None), "register", None)
    if register is not None:  # the sandbox register registers at once, on the manual clock
        register.clock = clock
        register.delay = dt.timedelta(0)
    return sandboxes, clock


@functools.cache
def _shared_ca() -> SandboxCA:
    """One sandbox CA per test process (key generation is the slow part of a world); its person keys cached too."""
    return SandboxCA.create(now=NOW)


def _sandbox_ca_at_now(data_dir: Path) -> SandboxCA:
    """The shared CA written to ``data_dir`` where local mode loads it from."""
    from cryptography.hazmat.primitives import serialization

    from integrations.signing.sandbox_keys import CA_DIR

    made = _shared_ca()
    folder = data_dir / CA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ca.key").write_bytes(
        made.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (folder / "ca.pem").write_bytes(made.certificate.public_bytes(serialization.Encoding.PEM))
    return made


def services_of(sandboxes: LocalSandboxes) -> EffectServices:
    """What ``asistent run`` gives the engine in local mode, and the in-process ports local mode does not wire yet
    (documents: nothing outside the process)."""
    ports = dict(sandboxes.services)
    if "documents" not in ports:
        from dialogs.adapters.documents import core_document_ports

        ports["documents"] = core_document_ports()
    return effect_services(sandboxes.effects.filing, sandboxes.effects.payment, **ports)


@dataclass
class LocalWorld:
    """``ChatWorld`` over local mode's sandboxes for one channel (``senders`` deliver its outbox rows)."""

    database: Database
    sandboxes: LocalSandboxes
    clock: ManualClock
    services: EffectServices
    ca: SandboxCA
    senders: Sequence[ChannelSender] = ()
    observer: Observer | None = None
    #: the person's chat on the other channel's stack (a channel run sets it); else a bare engine chat
    other: Callable[[ScriptedChat], Awaitable[ScriptedChat]] | None = None
    ticked: list[str] = field(default_factory=list)

    @classmethod
    def create(cls, database: Database, data_dir: Path, *, test_mode: bool = False) -> LocalWorld:
        sandboxes, clock = build_sandboxes(data_dir, test_mode=test_mode)
        return cls(database, sandboxes, clock, services_of(sandboxes), _shared_ca())

    def engine(self) -> Engine:
        return Engine(SqlStores(self.database), self.services, SECRET)

    # ---- ChatWorld -------------------------------------------------------------------------------------------

    async def sign_on_phone(self, chat: ScriptedChat) -> None:
        egov = self.sandboxes.effects.egov
        links = [u for u in URL.findall(chat.text) if "link=" in u or "/requests/" in u]
        if not links:
            raise ScriptError(f"no signing link in the reply:\n{chat.text}")
        request_id = service_url_from(links[-1]).rstrip("/").rsplit("/", 1)[-1]
        context = egov.context(request_id)
        assert context is not None
        assert context.expected_iin, "the request names the signer's ИИН"
        self.ca.issue(context.expected_iin, now=NOW)  # the person's key, valid on the manual clock
        signer = self.ca.signer(context.expected_iin, SandboxPolicy(sandbox=self.ca, clock=self.clock.now))
        token = egov.service_info(request_id)["document"]["auth_token"]
        documents = egov.documents(request_id, f"Bearer {token}")
        for item in documents["documentsToSign"]:
            item["documentXml"] = signer.sign(item["documentXml"].encode()).decode()
        egov.submit(request_id, f"Bearer {token}", documents)

    async def pass_time(self, chat: ScriptedChat, delta: dt.timedelta) -> list[Reply]:
        self.clock.advance(delta)
        now = self.clock.now()
        for name, tick in self.sandboxes.ticks:
            async with self.database.transaction() as session:
                await tick(session, now)
            self.ticked.append(name)
        pushed = await self.deliver(chat)
        chat.replies = pushed  # so ``chat.expect`` reads what was pushed
        return pushed

    async def other_chat(self, chat: ScriptedChat) -> ScriptedChat:
        if self.other is not None:
            return await self.other(chat)
        other: Channel = "whatsapp" if chat.channel == "telegram" else "telegram"
        engine = self.engine()
        return ScriptedChat(engine.handle, str(next(_OTHER_IDS)), other, chat.language_code, now=chat.now, world=self)

    # ---- the outbox, through the channel ---------------------------------------------------------------------

    async def deliver(self, chat: ScriptedChat) -> list[Reply]:
        """Drain the outbox through the channel's senders; what reached ``chat``."""
        assert self.observer is not None
        mark = self.observer.mark(chat)
        buckets = {s.channel: TokenBucket(1000.0) for s in self.senders}
        sender = OutboxSender(SqlOutbox(self.database), list(self.senders), buckets, now=self.clock.now)
        for _ in range(20):
            if await sender.drain_once() == 0:
                break
        return self.observer.since(chat, mark)
