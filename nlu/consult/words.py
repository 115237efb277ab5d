"""Word lists written as plain space-separated text (readable in review, one place to split them)."""

from __future__ import annotations


def wordlist(text: str) -> tuple[str, ...]:
    """``"а б в"`` → ``("а", "б", "в")``."""
    return tuple(text.split())
