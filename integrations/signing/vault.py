"""Key vault for the "key kept by the service" way (opt-in): a user's PKCS#12 and password, encrypted at rest.

Envelope encryption: each user's key file and password are sealed with AES-256-GCM under a fresh per-user data key;
the data key is sealed under the master key (``MASTER_KEY`` or ``MASTER_KEY_FILE``). Both use the user id as
associated data, so a record copied to another user does not open. ``destroy`` deletes the record (erasure).
Storage is a small repository protocol: the lead binds it to the database; ``InMemoryKeyRepository`` is for tests.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import SecretStr

from core.settings import Settings
from integrations.signing.errors import SigningError

_NONCE = 12
_KEY_BYTES = 32
_AAD_PREFIX = b"asistent/key-vault/v1/"


@dataclass(frozen=True, slots=True)
class SealedKey:
    """What the repository stores: nothing in it is readable without the master key."""

    wrapped_data_key: bytes  # nonce ‖ AES-GCM(master, data key)
    ciphertext: bytes  # nonce ‖ AES-GCM(data key, {p12, password})
    master_key_id: str  # fingerprint of the master key (for rotation)
    created_at: dt.datetime


@dataclass(frozen=True)
class StoredKey:
    """A key file opened from the vault; the password stays a ``SecretStr``."""

    p12: bytes
    password: SecretStr

    def __repr__(self) -> str:
        return f"StoredKey(p12=<{len(self.p12)} bytes>, password=**********)"


class KeyRepository(Protocol):
    """Persistence of sealed keys, one per user."""

    async def save(self, user_id: str, sealed: SealedKey) -> None: ...

    async def get(self, user_id: str) -> SealedKey | None: ...

    async def delete(self, user_id: str) -> bool: ...


class InMemoryKeyRepository:
    """A ``KeyRepository`` in a dict (tests, local mode)."""

    def __init__(self) -> None:
        self.records: dict[str, SealedKey] = {}

    async def save(self, user_id: str, sealed: SealedKey) -> None:
        self.records[user_id] = sealed

    async def get(self, user_id: str) -> SealedKey | None:
        return self.records.get(user_id)

    async def delete(self, user_id: str) -> bool:
        return self.records.pop(user_id, None) is not None


def _decode_master(text: str) -> bytes:
    cleaned = text.strip()
    candidates: list[Callable[[str], bytes]] = [bytes.fromhex, base64.urlsafe_b64decode, base64.b64decode]
    for decode in candidates:
        try:
            key = decode(cleaned)
        except (ValueError, binascii.Error):
            continue
        if len(key) == _KEY_BYTES:
            return key
    raise SigningError("bad_master_key", "MASTER_KEY must be 32 bytes, as 64 hex digits or base64")


def master_key_from_settings(settings: Settings) -> bytes:
    """The master key from ``MASTER_KEY`` (hex or base64) or ``MASTER_KEY_FILE`` (raw 32 bytes, hex or base64)."""
    if settings.MASTER_KEY is not None:
        return _decode_master(settings.MASTER_KEY.get_secret_value())
    if settings.MASTER_KEY_FILE is not None:
        data = Path(settings.MASTER_KEY_FILE).read_bytes()
        return data if len(data) == _KEY_BYTES else _decode_master(data.decode("ascii", errors="replace"))
    raise SigningError("no_master_key", "The key vault needs MASTER_KEY or MASTER_KEY_FILE")


def _seal(key: bytes, plain: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plain, aad)


def _open(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    return AESGCM(key).decrypt(sealed[:_NONCE], sealed[_NONCE:], aad)


class KeyVault:
    """Store, load and destroy a user's key file; never logs or returns anything secret by accident."""

    def __init__(
        self,
        master_key: bytes,
        repository: KeyRepository,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        if len(master_key) != _KEY_BYTES:
            raise SigningError("bad_master_key", "the master key must be 32 bytes")
        self._master = master_key
        self._repository = repository
        self._clock = clock
        self.master_key_id = hashlib.sha256(b"asistent-master-key-id" + master_key).hexdigest()[:16]

    def __repr__(self) -> str:
        return f"KeyVault(master_key_id={self.master_key_id})"

    @staticmethod
    def _aad(user_id: str, part: bytes) -> bytes:
        return _AAD_PREFIX + part + b"/" + user_id.encode("utf-8")

    async def store(self, user_id: str, p12: bytes, password: str) -> None:
        """Seal and save (replacing any previous key of this user)."""
        data_key = AESGCM.generate_key(bit_length=256)
        payload = json.dumps({"p12": base64.b64encode(p12).decode("ascii"), "password": password}).encode("utf-8")
        sealed = SealedKey(
            wrapped_data_key=_seal(self._master, data_key, self._aad(user_id, b"dek")),
            ciphertext=_seal(data_key, payload, self._aad(user_id, b"key")),
            master_key_id=self.master_key_id,
            created_at=self._clock(),
        )
        await self._repository.save(user_id, sealed)

    async def load(self, user_id: str) -> StoredKey:
        """Open the user's key; ``SigningError('no_key')`` when there is none or it does not open."""
        sealed = await self._repository.get(user_id)
        if sealed is None:
            raise SigningError("no_key", "Ключ не сохранён в сервисе.")
        try:
            data_key = _open(self._master, sealed.wrapped_data_key, self._aad(user_id, b"dek"))
            payload = json.loads(_open(data_key, sealed.ciphertext, self._aad(user_id, b"key")))
        except (InvalidTag, ValueError):
            raise SigningError("key_unreadable", "Сохранённый ключ не открывается (сменился мастер-ключ?).") from None
        return StoredKey(p12=base64.b64decode(payload["p12"]), password=SecretStr(payload["password"]))

    async def has_key(self, user_id: str) -> bool:
        return await self._repository.get(user_id) is not None

    async def destroy(self, user_id: str) -> bool:
        """Delete the user's key (on request or erasure); True when there was one."""
        return await self._repository.delete(user_id)
