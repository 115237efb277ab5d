"""Meta's webhook signature: ``X-Hub-Signature-256: sha256=<hex>``, HMAC-SHA256 of the raw body with the app secret.

Checked in constant time, before the body is parsed (tech-notes §5.1)."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Hub-Signature-256"
_PREFIX = "sha256="


def sign(body: bytes, app_secret: str) -> str:
    """The header value Meta sends for ``body``."""
    return _PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def is_valid(body: bytes, header: str | None, app_secret: str) -> bool:
    """True when ``header`` is the signature of ``body``; a missing or malformed header is invalid."""
    if not header or not header.startswith(_PREFIX) or not app_secret:
        return False
    return hmac.compare_digest(sign(body, app_secret).encode(), header.strip().encode())
