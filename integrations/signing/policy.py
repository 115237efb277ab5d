"""When a certificate may sign or be trusted: production mode and the explicit test mode (ALLOW_TEST_KEYS).

Production: a chain to a production anchor (``NCA_TRUST_DIR``: the НУЦ РК CA certificates — the issuer *name* alone
proves nothing, see ``chain.py``), valid now, a ИИН that passes its check digit, not revoked, a signing key. Without
any production anchor every non-test certificate is refused (``no_trust_anchors``) rather than trusted by name.
Test mode additionally accepts certificates chaining to the bundled NCA test CA (``anchors/test/``) and the test
ИИН, and checks validity at a time inside the certificate's own validity period (the test keys expired in 2022–2023).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cryptography import x509

from core.settings import Settings, get_settings
from integrations.signing.certificates import can_sign_documents, iin_checksum_ok, issuer_name, subject_iin
from integrations.signing.chain import ChainFault, TrustAnchors, load_anchor_dir, nca_test_anchors
from integrations.signing.errors import KeyRefusedError
from integrations.signing.revocation import RevocationChecker, default_revocation
from integrations.signing.trust import TrustData, trust


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def production_anchors() -> TrustAnchors:
    """The CA certificates in ``NCA_TRUST_DIR`` of the process settings (none when unset)."""
    return load_anchor_dir(get_settings().NCA_TRUST_DIR)


def trust_warning(settings: Settings) -> str | None:
    """What ``asistent run`` / ``worker`` log at startup when production certificates cannot be trusted, else None.

    Without anchors every non-test signature is refused (``no_trust_anchors``): loud at startup rather than a
    surprise at the first filing.
    """
    anchors = load_anchor_dir(settings.NCA_TRUST_DIR)
    if anchors:
        return None
    where = (
        f"NCA_TRUST_DIR={settings.NCA_TRUST_DIR} holds no certificate"
        if settings.NCA_TRUST_DIR
        else "NCA_TRUST_DIR is not set"
    )
    return (
        f"{where}: every НУЦ РК signature will be refused (no_trust_anchors). Put the НУЦ РК root and intermediate "
        "CA certificates (pki.gov.kz) there — see docs/signing.md, «Chain of trust»."
    )


def _ddmmyyyy(moment: dt.datetime) -> str:
    return moment.strftime("%d.%m.%Y")


@dataclass
class CertificatePolicy:
    """Checks a certificate; ``allow_test_keys`` is the test mode, ``clock`` the time source (injected in tests)."""

    allow_test_keys: bool = False
    revocation: RevocationChecker = field(default_factory=default_revocation)
    clock: Callable[[], dt.datetime] = utc_now
    trust_data: TrustData = field(default_factory=trust)
    anchors: TrustAnchors = field(default_factory=production_anchors)
    test_anchors: TrustAnchors = field(default_factory=nca_test_anchors)

    @classmethod
    def from_settings(cls, settings: Settings, *, allow_test_keys: bool = False) -> CertificatePolicy:
        """Test mode when the ``ALLOW_TEST_KEYS`` setting or the caller (``--allow-test-keys``) says so."""
        return cls(
            allow_test_keys=allow_test_keys or settings.ALLOW_TEST_KEYS,
            anchors=load_anchor_dir(settings.NCA_TRUST_DIR),
        )

    def is_test_certificate(self, cert: x509.Certificate) -> bool:
        return issuer_name(cert) in self.trust_data.test_issuers

    def check_time(self, cert: x509.Certificate) -> dt.datetime:
        """The moment validity is checked at: now, or for a test certificate in test mode a moment inside it."""
        now = self.clock()
        start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
        if self.allow_test_keys and self.is_test_certificate(cert) and not start <= now <= end:
            return start + (end - start) / 2
        return now

    def problems(self, cert: x509.Certificate, chain: Sequence[x509.Certificate] = ()) -> list[KeyRefusedError]:
        """Every reason the certificate cannot be used (empty when it can); ``chain``: CA certificates it came with."""
        found = [*self._issuer(cert, chain), *self._validity(cert), *self._iin(cert)]
        if self.revocation.status(cert) == "revoked":
            found.append(
                KeyRefusedError("revoked", "Сертификат отозван удостоверяющим центром — им нельзя подписывать.")
            )
        if not can_sign_documents(cert):
            found.append(
                KeyRefusedError(
                    "not_signing_key", "Это ключ для входа (AUTH), а не для подписи: нужен ключ подписи (RSA)."
                )
            )
        return found

    def require_usable(self, cert: x509.Certificate, chain: Sequence[x509.Certificate] = ()) -> None:
        """Raise the first problem, if any."""
        problems = self.problems(cert, chain)
        if problems:
            raise problems[0]

    def _issuer(self, cert: x509.Certificate, chain: Sequence[x509.Certificate] = ()) -> list[KeyRefusedError]:
        """The chain of trust: test-named certificates against the test CA (test mode only), others production."""
        if issuer_name(cert) in self.trust_data.test_issuers:
            if self.allow_test_keys:
                return self.chain_problems(cert, self.test_anchors, chain)
            return [KeyRefusedError("test_key", "Это тестовый ключ НУЦ РК: он принимается только в тестовом режиме.")]
        if not self.anchors:
            return [
                KeyRefusedError(
                    "no_trust_anchors",
                    "Проверка сертификатов не настроена: нет сертификатов НУЦ РК (NCA_TRUST_DIR) — ключ не принят.",
                )
            ]
        return self.chain_problems(cert, self.anchors, chain)

    def chain_problems(
        self, cert: x509.Certificate, anchors: TrustAnchors, chain: Sequence[x509.Certificate] = ()
    ) -> list[KeyRefusedError]:
        """Empty when ``cert`` chains to ``anchors`` at the check time, else why not."""
        fault = anchors.check(cert, self.check_time(cert), chain)
        return [] if fault is None else [self._chain_refusal(cert, fault)]

    def _chain_refusal(self, cert: x509.Certificate, fault: ChainFault) -> KeyRefusedError:
        issuer = issuer_name(cert)
        if fault == "ca_expired":
            return KeyRefusedError(
                "ca_expired", "Сертификат удостоверяющего центра, выдавшего ключ, недействителен на дату проверки."
            )
        if fault == "not_a_ca":
            return KeyRefusedError("bad_ca", "Издатель сертификата не является удостоверяющим центром.")
        if issuer in self.trust_data.production_issuers | self.trust_data.test_issuers:
            return KeyRefusedError(
                "forged_issuer", f"Сертификат называет издателем «{issuer}», но подпись НУЦ РК на нём не сходится."
            )
        return KeyRefusedError("unknown_issuer", f"Сертификат выдан не НУЦ РК ({issuer or 'издатель не указан'}).")

    def _validity(self, cert: x509.Certificate) -> list[KeyRefusedError]:
        moment = self.check_time(cert)
        if moment > cert.not_valid_after_utc:
            day = _ddmmyyyy(cert.not_valid_after_utc)
            return [
                KeyRefusedError("expired", f"Срок действия сертификата истёк {day}: получите новый ключ в НУЦ РК.")
            ]
        if moment < cert.not_valid_before_utc:
            day = _ddmmyyyy(cert.not_valid_before_utc)
            return [KeyRefusedError("not_yet_valid", f"Сертификат начнёт действовать только {day}.")]
        return []

    def _iin(self, cert: x509.Certificate) -> list[KeyRefusedError]:
        iin = subject_iin(cert)
        if iin is None:
            return [KeyRefusedError("no_iin", "В сертификате нет ИИН: нужен ключ физического лица или ИП.")]
        if iin_checksum_ok(iin):
            return []
        if self.allow_test_keys and iin in self.trust_data.test_iins:
            return []
        return [KeyRefusedError("bad_iin", f"ИИН в сертификате ({iin}) не проходит проверку контрольной цифры.")]
