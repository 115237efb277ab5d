"""The registration ports over ``integrations.egov``: the taxpayer lookup and, in local mode, the sandbox register.

``local_registration(delay=…)`` builds the sandbox register, the ports and the aiohttp sub-app that serves the
lookup (local mode mounts it); the sandbox registers an applicant ``delay`` after «Я подал заявку».
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dialogs.effects.ports import EffectUnavailable
from dialogs.effects.registration_ports import RegisteredIp, RegistrationApplication, RegistrationPorts
from integrations.egov import SandboxRegister, TaxpayerLookup, TaxpayerLookupError
from integrations.egov.sandbox import LocalTaxpayerLookup


class LookupAdapter:
    """``TaxpayerLookupPort`` over an ``integrations.egov.TaxpayerLookup`` (local or HTTP)."""

    def __init__(self, lookup: TaxpayerLookup) -> None:
        self.lookup = lookup

    async def find(self, iin: str) -> RegisteredIp | None:
        try:
            found = await self.lookup.find(iin)
        except TaxpayerLookupError as exc:
            raise EffectUnavailable(exc.code) from None
        if found is None:
            return None
        return RegisteredIp(found.iin, found.registered_on, found.status, found.name)


class SandboxRegistrarAdapter:
    """``SandboxRegistrar`` over ``SandboxRegister.apply`` — SANDBOX ONLY: plays the user's eGov form."""

    def __init__(self, register: SandboxRegister) -> None:
        self.register = register

    async def submitted(self, application: RegistrationApplication) -> None:
        self.register.apply(
            application.iin, application.name, start=application.start, oked=application.oked, kato=application.kato
        )


@dataclass(slots=True)
class LocalRegistration:
    register: SandboxRegister
    ports: RegistrationPorts
    app: Any  # aiohttp.web.Application: integrations.egov.server.create_app(register)


def local_registration(delay: dt.timedelta, clock: Any = None) -> LocalRegistration:
    """The sandbox register (``clock`` for tests), its ports with the sandbox registrar, and its HTTP sub-app."""
    from integrations.egov.server import create_app

    register = SandboxRegister(clock=clock, delay=delay)
    ports = RegistrationPorts(LookupAdapter(LocalTaxpayerLookup(register)), SandboxRegistrarAdapter(register))
    return LocalRegistration(register, ports, create_app(register))
