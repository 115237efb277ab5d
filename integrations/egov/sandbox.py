"""The sandbox register of ИП: answers like the state lookup by ИИН, on a clock tests control.

Nobody is an ИП until ``apply`` (what the user's eGov form does in real life); the application is *registered*
``delay`` after it was made (``ManualClock.advance`` in tests, a few seconds in local mode), and from then ``find``
returns the ИП with the registration date = the start date asked for (default: the day it was registered).
``register`` adds an existing ИП directly (the "already an ИП" case).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from integrations.common.clock import Clock, SystemClock
from integrations.egov.base import TaxpayerRecord, check_iin

KZ = dt.timezone(dt.timedelta(hours=5))
DEFAULT_DELAY = dt.timedelta(hours=1)  # the register takes "up to one working day"; the sandbox an hour


@dataclass(frozen=True, slots=True)
class Application:
    """An application for registration as an ИП (the sandbox's copy of the eGov form)."""

    iin: str
    name: str
    applied_at: dt.datetime
    start: dt.date | None = None
    oked: tuple[str, ...] = ()
    kato: str = ""


class SandboxRegister:
    """In-memory register; ``delay`` between an application and its registration."""

    def __init__(self, clock: Clock | None = None, delay: dt.timedelta = DEFAULT_DELAY) -> None:
        self.clock = clock or SystemClock()
        self.delay = delay
        self._applications: dict[str, Application] = {}
        self._registered: dict[str, TaxpayerRecord] = {}
        self.lookups = 0

    def apply(
        self, iin: str, name: str, *, start: dt.date | None = None, oked: tuple[str, ...] = (), kato: str = ""
    ) -> Application:
        """File the application once per ИИН (a repeat keeps the first: the state refuses a second ИП)."""
        check_iin(iin)
        existing = self._applications.get(iin)
        if existing is not None or iin in self._registered:
            return existing or Application(iin, name, self.clock.now())
        application = Application(iin, name, self.clock.now(), start, tuple(oked), kato)
        self._applications[iin] = application
        return application

    def register(self, record: TaxpayerRecord) -> None:
        self._registered[record.iin] = record

    def close(self, iin: str) -> None:
        record = self.find_now(iin)
        if record is not None:
            self._registered[iin] = TaxpayerRecord(
                record.iin, record.name, record.registered_on, "closed", record.tax_office, record.oked, record.kato
            )

    def find_now(self, iin: str) -> TaxpayerRecord | None:
        check_iin(iin)
        self.lookups += 1
        found = self._registered.get(iin)
        if found is not None:
            return found
        application = self._applications.get(iin)
        if application is None:
            return None
        done_at = application.applied_at + self.delay
        if self.clock.now() < done_at:
            return None
        registered_on = application.start or done_at.astimezone(KZ).date()
        record = TaxpayerRecord(
            iin, application.name, registered_on, "active", "SANDBOX", application.oked, application.kato
        )
        self._registered[iin] = record
        return record


class LocalTaxpayerLookup:
    """``TaxpayerLookup`` in process over a ``SandboxRegister`` (no HTTP)."""

    def __init__(self, register: SandboxRegister) -> None:
        self.register = register

    async def find(self, iin: str) -> TaxpayerRecord | None:
        return self.register.find_now(iin)
