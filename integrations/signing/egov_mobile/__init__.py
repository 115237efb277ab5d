"""Signing on the user's own phone: the eGov mobile / eGov Business QR and cross-signing protocol.

The service publishes a sign-request URL (API 1: description, organisation, expiry, where the documents are) and a
documents URL (API 2: GET the documents to sign, PUT them back signed). The user opens the deep link (or scans the
QR with ``mobileSign:<API 1 URL>``) in eGov mobile, which fetches, signs with the user's own key and returns them.
"""

from integrations.signing.egov_mobile.protocol import (
    EgovApiError,
    EgovLinks,
    EgovMobileService,
    Organisation,
    RequestState,
    SignRequest,
    SignStatus,
)
from integrations.signing.egov_mobile.signer import EgovMobileSigner

__all__ = [
    "EgovApiError",
    "EgovLinks",
    "EgovMobileService",
    "EgovMobileSigner",
    "Organisation",
    "RequestState",
    "SignRequest",
    "SignStatus",
]
