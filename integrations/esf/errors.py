"""Typed ESF errors: SOAP faults (the bare code is the ``faultstring``) and declined invoices.

The sandbox raises these and renders them as SOAP faults; the client maps the faults it receives back onto the same
classes, so a chat flow handles one set of exceptions whichever side it talks to.
"""

from __future__ import annotations

from typing import ClassVar

from integrations.esf.validator import EsfError

SECURITY_ERROR_TEXT = "A security error was encountered when verifying the message"


class EsfApiError(Exception):
    """A fault from ESF: ``code`` is the bare error code (``SESSION_CLOSED``, ``CERTIFICATE_REVOKED``, …)."""

    detail_element: ClassVar[str | None] = None  # the fault's detail element in the WSDL (``esf`` namespace)

    def __init__(self, code: str, description: str = "") -> None:
        super().__init__(f"{code}: {description}" if description else code)
        self.code = code
        self.description = description


class EsfSecurityError(EsfApiError):
    """WS-Security refused the message (wrong ИИН or ESF password): ``faultcode ns1:SecurityError``."""


class EsfAccessDeniedError(EsfApiError):
    """``AccessDeniedException``: the certificate, user or enterprise may not do this."""

    detail_element = "accessDeniedException"


class EsfBusinessError(EsfApiError):
    """``BusinessException``: the request is understood but refused."""

    detail_element = "businessException"


class EsfSessionClosedError(EsfApiError):
    """``SessionClosedException``: the session is closed, expired or unknown."""

    detail_element = "sessionClosedException"


class EsfUnavailableError(EsfApiError):
    """ESF could not be reached or answered with something that is not SOAP (retry later)."""


FAULTS_BY_DETAIL: dict[str, type[EsfApiError]] = {
    cls.detail_element: cls
    for cls in (EsfAccessDeniedError, EsfBusinessError, EsfSessionClosedError)
    if cls.detail_element
}


class InvoiceDeclinedError(Exception):
    """ESF declined the invoice (``declinedSet``): ``errors`` are its ``{property, errorCode, text}`` entries."""

    def __init__(self, num: str, date: str, errors: list[EsfError]) -> None:
        codes = ", ".join(e.error_code for e in errors) or "no error given"
        super().__init__(f"ЭСФ № {num} от {date} отклонён: {codes}")
        self.num = num
        self.date = date
        self.errors = errors

    @property
    def codes(self) -> list[str]:
        return [e.error_code for e in self.errors]
