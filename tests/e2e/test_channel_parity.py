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
from pathlib import Path
from typing import Any

import pytest

import dialogs.scenarios
from core.storage import Database
from dialogs.scenarios.core import JOURNEY, Scenario, onboarding_scenario
from tests.e2e.channels import CHANNELS, start_channel

LANGS = ("ru", "kk")

#: another area's scenario known to fail for a reason in that area's flow: (module, channel or "*") → reason
KNOWN_FAILURES: dict[tuple[str, str], str] = {}
#: areas whose scenario starts from a new chat (it onboards itself); the others run after ``onboarding_scenario``
FRESH = frozenset({"registration"})
#: areas whose scenario needs what a channel run does not give it → why (its own tests run it)
NOT_HERE = {
    "keys": "needs the NCA test key file and password, test mode and the test ИИН in the profile "
    "(tests/dialogs/test_key_flow.py runs it)",
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
            if area in NOT_HERE:
                marks = [pytest.mark.skip(reason=NOT_HERE[area])]
            params.append(pytest.param(channel, scenario, id=f"{name}-{channel}", marks=marks))
    return params or [pytest.param("engine", None, id="none", marks=pytest.mark.skip(reason="no area scenarios yet"))]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("channel", "scenario"), _other_params())
async def test_every_areas_scenario_on_every_channel(
    channel: str, scenario: Scenario, lang: str, sqlite_db: Database, tmp_path: Path
) -> None:
    """Each area's scenario on a fresh, onboarded person of the channel."""
    async with start_channel(channel, sqlite_db, tmp_path) as run:
        chat = run.chat(lang)
        if scenario.__module__.rsplit(".", 1)[-1] not in FRESH:
            await onboarding_scenario(chat, lang)
        await scenario(chat, lang)
