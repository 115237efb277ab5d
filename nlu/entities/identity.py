"""``iin_bin`` — ИИН/БИН: exactly 12 digits with a valid check digit (integrations.md §6.1).

Any 12-digit run blocks the span (so it never becomes an amount) but only a valid one is emitted.
"""

from __future__ import annotations

import re

from nlu.entities.base import Span

try:
    from core.identity import is_valid_iin_bin
except ImportError:  # pragma: no cover - TODO: drop once core/identity.py is merged everywhere
    _W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
    _W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

    def is_valid_iin_bin(s: str) -> bool:
        """Private copy of the check-digit rule for when ``core.identity`` is absent."""
        if len(s) != 12 or not (s.isascii() and s.isdigit()):
            return False
        digits = [int(ch) for ch in s]
        for weights in (_W1, _W2):
            c = sum(d * w for d, w in zip(digits[:11], weights, strict=True)) % 11
            if c != 10:
                return c == digits[11]
        return False


EXTRACTOR = "RegexIinBinExtractor"
_TWELVE = re.compile(r"(?<![\d])(\d{12}|\d{6}[ -]\d{6}|\d{4}[ -]\d{4}[ -]\d{4})(?![\d])")


def extract(low: str) -> list[Span]:
    """ИИН/БИН spans; invalid 12-digit runs become blocking spans with no value."""
    spans = []
    for match in _TWELVE.finditer(low):
        digits = re.sub(r"[ -]", "", match.group(1))
        value = digits if is_valid_iin_bin(digits) else None
        spans.append(Span("iin_bin", value, match.start(), match.end(), EXTRACTOR))
    return spans
