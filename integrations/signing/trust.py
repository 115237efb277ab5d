"""Trust data (``trust.yaml``): known NCA issuers, test ИИН, the local revocation list."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

TRUST_FILE = Path(__file__).with_name("trust.yaml")


@dataclass(frozen=True, slots=True)
class TrustData:
    production_issuers: frozenset[str]
    test_issuers: frozenset[str]
    test_iins: frozenset[str]
    revoked_serials: frozenset[str]


def load_trust(path: Path = TRUST_FILE) -> TrustData:
    """Read ``trust.yaml``."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    issuers = raw.get("issuers") or {}
    return TrustData(
        production_issuers=frozenset(issuers.get("production") or ()),
        test_issuers=frozenset(issuers.get("test") or ()),
        test_iins=frozenset(str(i) for i in raw.get("test_iins") or ()),
        revoked_serials=frozenset(str(item["serial"]).upper() for item in raw.get("revoked") or ()),
    )


@lru_cache(maxsize=1)
def trust() -> TrustData:
    """The project's trust data, loaded once."""
    return load_trust()
