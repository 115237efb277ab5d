"""What the registration flow needs: the taxpayer lookup (the state register of ИП by ИИН) and, in local mode only,
a sandbox that plays the state registering the applicant.

The dialogs never import the integration: ``dialogs.adapters.registration`` binds ``integrations.egov`` to these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class RegisteredIp:
    """The register's answer for an ИИН that is an ИП: since when (the start date) and its status."""

    iin: str
    registered_on: dt.date
    status: str = "active"  # active / suspended / closed
    name: str = ""


@dataclass(frozen=True, slots=True)
class RegistrationApplication:
    """What the user filed in eGov (as the chat prefilled it) — told to the sandbox in local mode only."""

    iin: str
    name: str
    start: dt.date
    oked: tuple[str, ...]
    kato: str


class TaxpayerLookupPort(Protocol):
    async def find(self, iin: str) -> RegisteredIp | None:
        """The ИП under this ИИН, ``None`` when there is none; ``EffectUnavailable`` when the register cannot say."""
        ...


class SandboxRegistrar(Protocol):
    """Local mode: the sandbox "registers" the applicant a moment after «Я подал заявку» (never in production)."""

    async def submitted(self, application: RegistrationApplication) -> None: ...


@dataclass(slots=True)
class RegistrationPorts:
    """``None`` in ``EffectServices`` means registration is guided without the lookup (no confirmation)."""

    lookup: TaxpayerLookupPort
    registrar: SandboxRegistrar | None = None  # local mode only (``SandboxRegistrarAdapter``)
