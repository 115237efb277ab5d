"""What the chat says about ИС ЭСФ's error codes and statuses, in the user's language.

ИС ЭСФ answers a refused invoice with bare codes (``INCORRECT_TOTAL_SUM`` …, ``docs/esf.md`` "Checks"); the chat
explains each in plain words and keeps the code (the user, or their accountant, can search for it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from dialogs.effects.esf_ports import EsfProblem
from dialogs.i18n import N_

T = Callable[..., str]

#: code → the explanation's message id (codes of one kind share a text)
_CODES: dict[str, str] = {
    "INCORRECT_TOTAL_SUM": N_("the invoice total does not equal the sum of its lines"),
    "INCORRECT_PRODUCT_SUM": N_("a line's amount does not equal quantity × price"),
    "WRONG_DATE": N_("the ESF date must be on or after the turnover date and not in the future"),
    "INVALID_CUSTOMER_TIN": N_("the buyer's БИН/ИИН does not pass the check digit"),
    "CUSTOMER_TIN_ABSENT_IN_DICTIONARY": N_("the buyer's БИН/ИИН is not in the taxpayer register"),
    "NDS_RATE_FOR_NOT_NDS_PAYER": N_("you are not a VAT payer: the invoice must not have a VAT rate"),
    "NDS_AMOUNT_FOR_NOT_NDS_PAYER": N_("you are not a VAT payer: the VAT amount must be zero"),
    "NDS_RATE_INCORRECT": N_("this VAT rate is not in force on the turnover date"),
    "NDS_CERTIFICATE_NUM_IS_EMPTY": N_("the VAT registration number of the seller is missing"),
    "NDS_CERTIFICATE_SERIES_IS_EMPTY": N_("the VAT registration number of the seller is missing"),
    "SELLER_TIN_NOT_EQUALS_WITH_TIN_IN_SESSION": N_("the seller on the document is not you"),
    "NOT_UNIQUE_NUMBER_AND_DATE": N_("an ESF with this number and date already exists with other content"),
    "INVALID_MEASURE_UNIT_CODE": N_("a line has an unknown unit of measure code"),
    "FIELD_IS_NULL": N_("a required field is empty"),
    "FIELD_INVALID": N_("a field is filled in wrongly"),
    "DOCUMENT_INCOMPLETE": N_("the document lacks data an ESF needs (the seller's address, the buyer's БИН/ИИН)"),
    "IIN_NOT_VALID": N_("the signature is not of the ИП himself (another ИИН)"),
    "SIGNATURE_VERIFICATION_FAILED": N_("the signature does not verify"),
    "SIGNATURE_INVALID_FORMAT": N_("the signature does not verify"),
    "ESF_PAYLOAD_CHANGED": N_("the signature does not verify"),
    "ESF_BAD_SIGNED_XML": N_("the signature does not verify"),
    "ESF_NO_SIGNATURE": N_("the signature does not verify"),
    "CERTIFICATE_EXPIRED": N_("the signing certificate has expired"),
    "CERTIFICATE_REVOKED": N_("the signing certificate is revoked"),
    "CERTIFICATE_NOT_VALID": N_("the signing certificate is not accepted by ИС ЭСФ"),
    "SecurityError": N_("ИС ЭСФ did not accept the ESF account login or password"),
}
_OTHER = N_("ИС ЭСФ refused it")

#: ESF status → how it is said
STATUS_TEXTS: dict[str, str] = {
    "IN_QUEUE": N_("in the queue"),
    "IN_PROCESSING": N_("being processed"),
    "CREATED": N_("registered"),
    "DELIVERED": N_("delivered to the buyer"),
    "FAILED": N_("not registered"),
}


def problem_lines(t: T, problems: Iterable[EsfProblem]) -> list[str]:
    """One line per distinct explanation: «• итог счёта не равен сумме строк (INCORRECT_TOTAL_SUM)»."""
    lines: list[str] = []
    for problem in problems:
        line = f"• {t(_CODES.get(problem.code, _OTHER))} ({problem.code})"
        if line not in lines:
            lines.append(line)
    return lines


def status_text(t: T, status: str) -> str:
    return t(STATUS_TEXTS[status]) if status in STATUS_TEXTS else status
