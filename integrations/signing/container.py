"""A look inside a PKCS#12 container that ``cryptography`` refuses, to tell a wrong password from a GOST key.

``cryptography`` gives the same "Invalid password or PKCS12 data" for both. NCA GOST containers are otherwise standard
(RFC 7292: SHA-1 MAC, key bag under pbeWithSHAAnd3-KeyTripleDES-CBC), so we check the MAC with the password and
decrypt the shrouded key bag just far enough to read the private key's algorithm OID. Only DER is supported.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes

OID_DATA = "1.2.840.113549.1.7.1"
OID_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"
OID_PBE_SHA1_3DES = "1.2.840.113549.1.12.1.3"
_MAC_HASHES = {"1.3.14.3.2.26": "sha1", "2.16.840.1.101.3.4.2.1": "sha256"}
# Kazakhstan's GOST (НУЦ РК, 1.2.398.3.10.1.1.*) and Russian GOST (1.2.643.*) key algorithms.
GOST_OID_PREFIXES = ("1.2.398.3.10.", "1.2.643.")


class ContainerError(ValueError):
    """The container is not DER PKCS#12 we can read."""


@dataclass
class ContainerInfo:
    """What we learned: whether the password opens it, and the private keys' algorithm OIDs."""

    password_ok: bool
    key_algorithms: list[str] = field(default_factory=list)

    @property
    def is_gost(self) -> bool:
        return any(oid.startswith(GOST_OID_PREFIXES) for oid in self.key_algorithms)


@dataclass(frozen=True)
class _Tlv:
    tag: int
    value: bytes


def _read(data: bytes, pos: int) -> tuple[_Tlv, int]:
    """One TLV at ``pos``; BER indefinite lengths and constructed OCTET STRINGs (Java keystores use them) allowed."""
    if pos + 2 > len(data):
        raise ContainerError("truncated DER")
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length == 0x80:  # indefinite: children up to the end-of-contents marker
        start, parts = pos, []
        while data[pos : pos + 2] != b"\x00\x00":
            child, pos = _read(data, pos)
            parts.append(child)
        value, pos = data[start:pos], pos + 2
    else:
        if length & 0x80:
            count = length & 0x7F
            if count > 4:
                raise ContainerError("DER length too long")
            length = int.from_bytes(data[pos : pos + count], "big")
            pos += count
        value, pos = data[pos : pos + length], pos + length
        if pos > len(data):
            raise ContainerError("truncated DER")
        parts = _children(value) if tag == 0x24 else []
    if tag == 0x24:  # constructed OCTET STRING: the concatenation of its pieces
        return _Tlv(0x04, b"".join(p.value for p in parts)), pos
    return _Tlv(tag, value), pos


def _children(value: bytes) -> list[_Tlv]:
    out, pos = [], 0
    while pos < len(value):
        item, pos = _read(value, pos)
        out.append(item)
    return out


def _one(data: bytes) -> _Tlv:
    return _read(data, 0)[0]


def _oid(tlv: _Tlv) -> str:
    if tlv.tag != 0x06 or not tlv.value:
        raise ContainerError("expected an OID")
    first = tlv.value[0]
    parts = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    acc = 0
    for byte in tlv.value[1:]:
        acc = (acc << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(acc)
            acc = 0
    return ".".join(map(str, parts))


def _explicit_octets(tlv: _Tlv) -> bytes:
    """Content of ``[0] EXPLICIT OCTET STRING``."""
    inner = _one(tlv.value)
    if inner.tag != 0x04:
        raise ContainerError("expected an OCTET STRING")
    return inner.value


def _pkcs12_kdf(password: bytes, salt: bytes, purpose: int, iterations: int, size: int, algo: str = "sha1") -> bytes:
    """RFC 7292 appendix B.2 key derivation (purpose 1 key, 2 IV, 3 MAC)."""
    u, v = hashlib.new(algo).digest_size, 64

    def stretch(b: bytes) -> bytes:
        if not b:
            return b
        size = v * ((len(b) + v - 1) // v)
        return (b * (size // len(b) + 1))[:size]

    block = stretch(salt) + stretch(password)
    out = b""
    while len(out) < size:
        a = bytes([purpose]) * v + block
        digest = hashlib.new(algo, a).digest()
        for _ in range(iterations - 1):
            digest = hashlib.new(algo, digest).digest()
        out += digest
        b_int = int.from_bytes((digest * (v // u + 1))[:v], "big")
        block = b"".join(
            ((int.from_bytes(block[i : i + v], "big") + b_int + 1) % (1 << (8 * v))).to_bytes(v, "big")
            for i in range(0, len(block), v)
        )
    return out[:size]


def _bmp_password(password: str) -> bytes:
    return password.encode("utf-16-be") + b"\x00\x00" if password else b""


def _mac_ok(pfx: list[_Tlv], auth_content: bytes, password: bytes) -> bool:
    if len(pfx) < 3:
        return True  # no MAC: the key bag decryption decides
    mac_data = _children(pfx[2].value)
    digest_info = _children(mac_data[0].value)
    algo = _MAC_HASHES.get(_oid(_children(digest_info[0].value)[0]))
    if algo is None:
        raise ContainerError("unsupported PKCS#12 MAC algorithm")
    salt = mac_data[1].value
    iterations = int.from_bytes(mac_data[2].value, "big") if len(mac_data) > 2 else 1
    key = _pkcs12_kdf(password, salt, 3, iterations, hashlib.new(algo).digest_size, algo)
    return hmac.compare_digest(hmac.new(key, auth_content, algo).digest(), digest_info[1].value)


def _key_algorithm(bag_value: bytes, password: bytes) -> str | None:
    epki = _children(bag_value)
    alg = _children(epki[0].value)
    if _oid(alg[0]) != OID_PBE_SHA1_3DES:
        return None  # PBES2 and others: not needed for NCA containers
    params = _children(alg[1].value)
    salt, iterations = params[0].value, int.from_bytes(params[1].value, "big")
    key = _pkcs12_kdf(password, salt, 1, iterations, 24)
    iv = _pkcs12_kdf(password, salt, 2, iterations, 8)
    decryptor = Cipher(TripleDES(key), modes.CBC(iv)).decryptor()
    plain = decryptor.update(epki[1].value) + decryptor.finalize()
    plain = plain[: -plain[-1]] if plain and 0 < plain[-1] <= 8 else plain
    pki = _children(_one(plain).value)
    return _oid(_children(pki[1].value)[0])


def inspect(p12: bytes, password: str) -> ContainerInfo:
    """Check the password against the MAC and read the key algorithm OIDs of the shrouded key bags."""
    try:
        pfx = _children(_one(p12).value)
        auth_safe = _children(pfx[1].value)
        if _oid(auth_safe[0]) != OID_DATA:
            raise ContainerError("public-key integrity mode is not supported")
        auth_content = _explicit_octets(auth_safe[1])
        secret = _bmp_password(password)
        if not _mac_ok(pfx, auth_content, secret):
            return ContainerInfo(password_ok=False)
        algorithms: list[str] = []
        for content_info in _children(_one(auth_content).value):
            parts = _children(content_info.value)
            if _oid(parts[0]) != OID_DATA:
                continue  # encrypted certificate bags
            for bag in _children(_one(_explicit_octets(parts[1])).value):
                fields = _children(bag.value)
                if _oid(fields[0]) == OID_SHROUDED_KEY_BAG:
                    found = _key_algorithm(_one(fields[1].value).value, secret)
                    if found:
                        algorithms.append(found)
        return ContainerInfo(password_ok=True, key_algorithms=algorithms)
    except (IndexError, ValueError) as exc:
        if isinstance(exc, ContainerError):
            raise
        raise ContainerError(f"not a readable PKCS#12 container: {exc}") from None
