"""ИИН / БИН — the 12-digit identification numbers of individuals and legal entities, and their check digit.

Algorithm and test vectors: ``shared/docs/integrations.md`` §6.1. Both numbers share one check digit (the 12th):
a weighted sum of the first eleven digits modulo 11 with weights 1…11; when that gives 10, a second pass with weights
3…11, 1, 2; when that gives 10 as well, the prefix is never issued.

An ИИН starts with the birth date ``YYMMDD``; its 7th digit encodes century and sex (1/2 — 1800s, 3/4 — 1900s,
5/6 — 2000s).
"""

from __future__ import annotations

import datetime as dt

_WEIGHTS_FIRST = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_CENTURY_BY_DIGIT = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


def check_digit(prefix: str) -> int | None:
    """The check digit for an 11-digit prefix, or ``None`` when no number with this prefix is ever issued."""
    if len(prefix) != 11 or not (prefix.isascii() and prefix.isdigit()):
        raise ValueError("prefix must be 11 ASCII digits")
    digits = [int(ch) for ch in prefix]
    for weights in (_WEIGHTS_FIRST, _WEIGHTS_SECOND):
        c = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if c != 10:
            return c
    return None


def is_valid_iin_bin(s: str) -> bool:
    """True when ``s`` is 12 ASCII digits with a correct check digit (ИИН or БИН)."""
    if len(s) != 12 or not (s.isascii() and s.isdigit()):
        return False
    return check_digit(s[:11]) == int(s[11])


def iin_birth_date(iin: str) -> dt.date | None:
    """The birth date encoded in a valid ИИН, or ``None`` (invalid number, unknown century digit, impossible date)."""
    if not is_valid_iin_bin(iin):
        return None
    century = _CENTURY_BY_DIGIT.get(int(iin[6]))
    if century is None:
        return None
    try:
        return dt.date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None
