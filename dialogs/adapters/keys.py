"""The kept key's ports bound to ``integrations.signing``: ``SqlKeyKeeper`` is the flow's ``KeyKeeper`` and the
filing's ``KeptSigning`` at once, over ``KeyVault`` records in ``secret_blobs`` inside the event's transaction.

Two purposes: ``signing_key`` (the kept key and its password, sealed together) and ``signing_key_upload`` (a file
sent before its password, sealed under a key derived from the master key, so an upload never opens as a kept key).
Every signature goes through ``KeptKeySigner`` — purpose check (declaration, payment order, ESF), the policy again,
``signature.kept_key`` / ``signature.refused`` in the audit log of the same transaction.

    keeper = SqlKeyKeeper(vault_master_key(settings), CertificatePolicy.from_settings(settings))
    filing = FilingPorts(cabinet, phone, kept=keeper)
    services = effect_services(filing, payment, keys=KeyPorts(keeper))
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core import storage
from core.settings import Settings
from dialogs.effects.key_ports import KeyFacts, KeyRefused
from dialogs.effects.ports import SignDocument, SignRefused
from integrations.signing import KEPT_KEY_PURPOSES, CertificatePolicy, KeptKeySigner, SigningContext, SigningError
from integrations.signing.certificates import signer_info
from integrations.signing.pkcs12 import load_pkcs12
from integrations.signing.vault import KeyVault, master_key_from_settings
from integrations.signing.vault_sql import KEPT_KEY_PURPOSE, PENDING_KEY_PURPOSE, SqlKeyRepository

_UPLOAD_LABEL = b"asistent/key-vault/upload/v1"
#: local mode without MASTER_KEY / MASTER_KEY_FILE: a random master key kept here, in DATA_DIR (mode 0600)
LOCAL_MASTER_FILE = "key-vault-master"


def vault_master_key(settings: Settings, *, local: bool = False) -> bytes:
    """``MASTER_KEY`` / ``MASTER_KEY_FILE``; in local mode, when neither is set, a random key in ``DATA_DIR``."""
    if settings.MASTER_KEY is not None or settings.MASTER_KEY_FILE is not None or not local:
        return master_key_from_settings(settings)
    path = Path(settings.DATA_DIR) / LOCAL_MASTER_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(fd, "wb") as fh:
        key = os.urandom(32)
        fh.write(key)
    return key


class SessionAudit:
    """``AuditSink`` into the audit log of the current transaction (details hold codes and serials, no secret)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, event: str, user_id: str, details: Mapping[str, str]) -> None:
        await storage.append_audit(self.session, "user", event, user_id=int(user_id), details=dict(details))


def _session(store: object) -> AsyncSession:
    session = store if isinstance(store, AsyncSession) else getattr(store, "session", None)
    if not isinstance(session, AsyncSession):
        raise SignRefused("no_storage")  # an in-memory store: the vault needs the database
    return session


def _facts(meta: Mapping[str, Any]) -> KeyFacts | None:
    try:
        not_after = dt.datetime.fromisoformat(str(meta["not_after"]))
    except (KeyError, ValueError):
        return None
    return KeyFacts(
        iin=meta.get("iin"),
        name=meta.get("name"),
        serial=str(meta.get("serial", "")),
        not_after=not_after,
        test_key=bool(meta.get("test_key", False)),
    )


class SqlKeyKeeper:
    """``KeyKeeper`` (the key flow) and ``KeptSigning`` (filing, payments, ESF) over ``secret_blobs``."""

    def __init__(
        self, master_key: bytes, policy: CertificatePolicy, purposes: Iterable[str] = KEPT_KEY_PURPOSES
    ) -> None:
        self._master = master_key
        self._upload_master = hmac.new(master_key, _UPLOAD_LABEL, hashlib.sha256).digest()
        self.policy = policy
        self.purposes = tuple(purposes)

    def __repr__(self) -> str:
        return "SqlKeyKeeper(<master key>)"

    def _vault(
        self, store: object, purpose: str = KEPT_KEY_PURPOSE, meta: Mapping[str, Any] | None = None
    ) -> KeyVault:
        master = self._upload_master if purpose == PENDING_KEY_PURPOSE else self._master
        return KeyVault(master, SqlKeyRepository(_session(store), purpose, meta))

    # ---- KeyKeeper ----
    def check(self, p12: bytes, password: str) -> KeyFacts:
        try:
            loaded = load_pkcs12(p12, password)
        except SigningError as exc:
            raise KeyRefused(exc.code) from None
        cert = loaded.certificate
        problems = self.policy.problems(cert)
        if problems:
            code = problems[0].code
            day = {"expired": cert.not_valid_after_utc, "not_yet_valid": cert.not_valid_before_utc}.get(code)
            raise KeyRefused(code, day.date() if day else None)
        info = signer_info(cert)
        return KeyFacts(info.iin, info.name, info.serial, info.not_after, self.policy.is_test_certificate(cert))

    async def hold(self, store: object, user_id: str, p12: bytes, now: dt.datetime) -> None:
        repository = SqlKeyRepository(_session(store), PENDING_KEY_PURPOSE)
        await KeyVault(self._upload_master, repository, clock=lambda: now).store(user_id, p12, "")

    async def held(self, store: object, user_id: str, max_age: dt.timedelta, now: dt.datetime) -> bytes | None:
        repository = SqlKeyRepository(_session(store), PENDING_KEY_PURPOSE)
        sealed = await repository.get(user_id)
        if sealed is None:
            return None
        if now - sealed.created_at > max_age:
            await repository.delete(user_id)
            return None
        try:
            return (await KeyVault(self._upload_master, repository).load(user_id)).p12
        except SigningError:
            await repository.delete(user_id)
            return None

    async def drop_held(self, store: object, user_id: str) -> None:
        await self._vault(store, PENDING_KEY_PURPOSE).destroy(user_id)

    async def keep(self, store: object, user_id: str, p12: bytes, password: str, facts: KeyFacts) -> None:
        meta = {
            "serial": facts.serial,
            "not_after": facts.not_after.isoformat(),
            "name": facts.name,
            "iin": facts.iin,
            "test_key": facts.test_key,
        }
        await self._vault(store, KEPT_KEY_PURPOSE, meta).store(user_id, p12, password)

    async def is_kept_password(self, store: object, user_id: str, text: str) -> bool:
        try:
            stored = await self._vault(store).load(user_id)
        except SigningError:
            return False
        return hmac.compare_digest(stored.password.get_secret_value().encode(), text.encode())

    async def kept(self, store: object, user_id: str) -> KeyFacts | None:
        meta = await SqlKeyRepository(_session(store), KEPT_KEY_PURPOSE).meta_of(user_id)
        return _facts(meta) if meta is not None else None

    async def destroy(self, store: object, user_id: str) -> bool:
        await self.drop_held(store, user_id)
        return await self._vault(store).destroy(user_id)

    # ---- KeptSigning ----
    async def has_key(self, user_id: str, store: object | None = None) -> bool:
        if store is None:
            return False
        try:
            return await self._vault(store).has_key(user_id)
        except SignRefused:
            return False

    async def sign(self, xml: bytes, document: SignDocument, store: object | None = None) -> bytes:
        if store is None:
            raise SignRefused("no_key")
        session = _session(store)
        signer = KeptKeySigner(self._vault(session), self.policy, SessionAudit(session), self.purposes)
        context = SigningContext(
            document.user_id,
            document.document_id,
            document.purpose,
            document.title_ru,
            document.title_kk,
            document.expected_iin,
        )
        try:
            return await signer.sign_xml(xml, context)
        except SigningError as exc:
            raise SignRefused(exc.code) from None
