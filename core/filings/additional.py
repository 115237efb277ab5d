"""Additional declaration (дополнительная): income of a submitted period changed, so its 910.00 is corrected.

The new declaration keeps the full corrected lines in the model; on the wire its lines carry the differences
against the original (mapping ``additional.values``) and the extension names the original's registration number.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from core.calc import CalcResult
from core.filings.f910 import declaration_from_result
from core.filings.model import Declaration910, DeclarationKind, FilingInputError


def additional_910(
    original: Declaration910,
    registration_number: str,
    corrected: CalcResult,
    *,
    submit_date: dt.date,
    allow_test_iin: bool = False,
) -> Declaration910:
    """An additional declaration correcting ``original`` (registered as ``registration_number``) to ``corrected``.

    ``FilingInputError`` when the corrected result is for another period or changes nothing.
    """
    if not registration_number.strip():
        raise FilingInputError("the original's registration number is required")
    new = declaration_from_result(
        corrected,
        original.taxpayer,
        submit_date=submit_date,
        employees=original.employees,
        allow_test_iin=allow_test_iin,
    )
    if (new.year, new.half) != (original.year, original.half):
        raise FilingInputError(f"the correction is for {new.period}, the original for {original.period}")
    if new.lines == original.lines and new.so_paid == original.so_paid and new.places == original.places:
        raise FilingInputError("nothing changed against the original declaration")
    # The model keeps full lines, so a chain of additional declarations differs from the last submitted state.
    return dataclasses.replace(
        new, kind=DeclarationKind.ADDITIONAL, original=original, original_registration=registration_number.strip()
    )
