"""One scenario table, every channel: the chat's journey (``dialogs.scenarios.core.JOURNEY``: onboarding, income,
taxes with «как посчитано?», deadlines, the chart, filing 910.00 to «обработана» with the phone played by the test,
paying the month to «Исполнено», the subscription, linking Telegram ↔ WhatsApp, erasure) and every other area's
``dialogs/scenarios/<area>.py`` ``<area>_scenario``, run through the bare engine, the Telegram stack (real aiogram
over the emulator) and the WhatsApp stack (Cloud API emulator → signed webhook → renderer), in Russian and Kazakh.

Every run has local mode's sandboxes and ports (``tests.e2e.world``) on a manual clock; the pushes of the worker's
ticks go through the outbox and the channel's own sender, and the scenario checks they reached the chat. SQLite for
the table; one representative run (WhatsApp, Russian) on PostgreSQL.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import dialogs.scenarios
from core import storage
from core.storage import Database, find_binding
from dialogs.scenarios.core import JOURNEY, Scenario, onboarding_scenario
from dialogs.testing import ScriptedChat
from tests.e2e.channels import CHANNELS, ChannelRun, start_channel

LANGS = ("ru", "kk")

#: another area's scenario known to fail for a reason in that area's flow: (module, channel or "*") → reason
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Needs:
    """What an area's scenario needs beyond an onboarded chat of local mode (see each scenario's docstring)."""

    onboard: bool = True  # False: it starts from a new chat and onboards itself
    test_mode: bool = False  # ALLOW_TEST_KEYS: the NCA test keys and the test ИИН accepted
    prepare: Callable[[ChannelRun, ScriptedChat], Awaitable[dict[str, Any]]] | None = None  # → its keyword args


async def _nca_test_key(run: ChannelRun, chat: ScriptedChat) -> dict[str, Any]:
    """The profile carries the NCA test key's ИИН (test data: it cannot be typed in); the key file and password."""
    from tests.integrations.signing.keys import RSA_PASSWORD, TEST_IIN, VALID_SIGN

    if not VALID_SIGN.exists():
        pytest.skip(f"the NCA test key is missing: {VALID_SIGN}")
    async with run.world.database.transaction() as session:
        binding = await find_binding(session, chat.channel, chat.chat_id)
        assert binding is not None
        await storage.update_profile(session, binding.user_id, iin=TEST_IIN, allow_test_iin=True)
    return {"p12": VALID_SIGN.read_bytes(), "password": RSA_PASSWORD}


NEEDS: dict[str, Needs] = {
    "registration": Needs(onboard=False),
    "keys": Needs(test_mode=True, prepare=_nca_test_key),
}


def other_scenarios() -> list[tuple[str, Scenario]]:
    """Every ``<name>_scenario`` of ``dialogs/scenarios/*.py`` but ``core`` (the journey runs those)."""
    found: list[tuple[str, Scenario]] = []
    for info in pkgutil.iter_modules(dialogs.scenarios.__path__):
        if info.name == "core" or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"dialogs.scenarios.{info.name}")
        for name in sorted(vars(module)):
            value = getattr(module, name)
            if name.endswith("_scenario") and callable(value) and getattr(value, "__module__", "") == module.__name__:
                found.append((f"{info.name}.{name}", value))
    return found


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("channel", CHANNELS)
async def test_the_journey_on_every_channel(channel: str, lang: str, sqlite_db: Database, tmp_path: Path) -> None:
    async with start_channel(channel, sqlite_db, tmp_path) as run:
        chat = run.chat(lang)
        for name, scenario in JOURNEY:
            try:
                await scenario(chat, lang)
            except AssertionError as exc:
                raise AssertionError(f"{channel}/{lang}: step {name!r} failed: {exc}") from exc
        assert {"filings", "payments"} <= set(run.world.ticked)


async def test_the_journey_on_postgres(postgres_db: Database, tmp_path: Path) -> None:
    async with start_channel("whatsapp", postgres_db, tmp_path) as run:
        chat = run.chat("ru")
        for name, scenario in JOURNEY:
            try:
                await scenario(chat, "ru")
            except AssertionError as exc:
                raise AssertionError(f"whatsapp/ru on PostgreSQL: step {name!r} failed: {exc}") from exc


def _other_params() -> list[Any]:
    params: list[Any] = []
    for name, scenario in other_scenarios():
        area = name.split(".")[0]
        for channel in CHANNELS:
            reason = KNOWN_FAILURES.get((area, channel)) or KNOWN_FAILURES.get((area, "*"))
            marks = [pytest.mark.xfail(reason=reason, strict=False)] if reason else []
            params.append(pytest.param(channel, scenario, id=f"{name}-{channel}", marks=marks))
    return params or [pytest.param("engine", None, id="none", marks=pytest.mark.skip(reason="no area scenarios yet"))]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("channel", "scenario"), _other_params())
async def test_every_areas_scenario_on_every_channel(
    channel: str, scenario: Scenario, lang: str, sqlite_db: Database, tmp_path: Path
) -> None:
    """Each area's scenario on a fresh person of the channel, onboarded unless it onboards itself."""
    needs = NEEDS.get(scenario.__module__.rsplit(".", 1)[-1], Needs())
    async with start_channel(channel, sqlite_db, tmp_path, test_mode=needs.test_mode) as run:
        chat = run.chat(lang)
        if needs.onboard:
            await onboarding_scenario(chat, lang)
        extra = await needs.prepare(run, chat) if needs.prepare is not None else {}
        await scenario(chat, lang, **extra)
