"""Money arithmetic: ``Decimal`` only, every computed line rounded half-up to whole tenge.

The 2026 Tax Code (art. 204, per KGD) keeps tax accounting in tenge and rounds tiyn to one tenge; before 2026 the
forms had no tiyn cells. Intermediate bases keep tiyn; only the resulting lines are rounded.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

TENGE = Decimal(1)
ZERO = Decimal(0)


def whole_tenge(amount: Decimal) -> Decimal:
    """Round an amount half-up to whole tenge (49 tiyn → down, 50 tiyn → up)."""
    return amount.quantize(TENGE, rounding=ROUND_HALF_UP)


def parse_amount(text: str) -> Decimal:
    """Parse a user or CLI amount ("300000", "300 000", "300000.50") into a ``Decimal``.

    Raises ``ValueError`` for anything that is not a finite number.
    """
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not a finite number: {text!r}")
    return value


def as_int(amount: Decimal) -> int:
    """Whole-tenge ``Decimal`` → ``int`` for JSON output (the amount must already be whole)."""
    rounded = whole_tenge(amount)
    if rounded != amount:
        raise ValueError(f"{amount} is not a whole-tenge amount")
    return int(rounded)
