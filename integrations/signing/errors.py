"""Signing errors: a stable ``code`` for dialogs (which translate it) and a short Russian message."""

from __future__ import annotations


class SigningError(Exception):
    """Something the user or operator can act on; never carries a password or key material."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


class KeyRefusedError(SigningError):
    """The key or its certificate cannot be used (expired, revoked, GOST, test key in production, …)."""
