"""``KeptKeySigner``: signing with the key kept by the service (opt-in), one confirmed and audited use at a time.

The key is opened from the vault only for the moment of signing, only for a purpose the tariff lists
(declaration, payment order, ESF), and every use — refused or done — goes to the audit log. The user's explicit
confirmation of each use is the dialog's job; this signer is called after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from integrations.signing.base import SigningContext
from integrations.signing.errors import SigningError
from integrations.signing.pkcs12 import Pkcs12Signer
from integrations.signing.policy import CertificatePolicy
from integrations.signing.vault import KeyVault

# The uses of a kept key the tariff offers (issue 6 item 1); anything else is refused.
KEPT_KEY_PURPOSES: tuple[str, ...] = ("declaration", "payment_order", "esf")


class AuditSink(Protocol):
    """Where effects are recorded (the lead binds it to the audit log). Details never hold secrets."""

    async def record(self, event: str, user_id: str, details: Mapping[str, str]) -> None: ...


class MemoryAudit:
    """An ``AuditSink`` in a list (tests)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, dict[str, str]]] = []

    async def record(self, event: str, user_id: str, details: Mapping[str, str]) -> None:
        self.events.append((event, user_id, dict(details)))


class KeptKeySigner:
    """The ``Signer`` protocol over ``KeyVault``: the key of ``context.user_id``, re-checked on every use."""

    def __init__(
        self,
        vault: KeyVault,
        policy: CertificatePolicy,
        audit: AuditSink,
        purposes: Iterable[str] = KEPT_KEY_PURPOSES,
    ) -> None:
        self._vault = vault
        self._policy = policy
        self._audit = audit
        self._purposes = frozenset(purposes)

    async def sign_xml(self, xml: bytes, context: SigningContext) -> bytes:
        details = {"document_id": context.document_id, "purpose": context.purpose}
        try:
            if context.purpose not in self._purposes:
                raise SigningError(
                    "purpose_not_allowed", "Сохранённый ключ используется только для отчётов и платежей."
                )
            stored = await self._vault.load(context.user_id)
            signer = Pkcs12Signer.from_pkcs12(stored.p12, stored.password.get_secret_value(), self._policy)
            signed = await signer.sign_xml(xml, context)
        except SigningError as exc:
            await self._audit.record("signature.refused", context.user_id, {**details, "code": exc.code})
            raise
        info = signer.info
        await self._audit.record("signature.kept_key", context.user_id, {**details, "serial": info.serial})
        return signed
