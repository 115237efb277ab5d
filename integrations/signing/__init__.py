"""Signing (ЭЦП): one ``Signer`` protocol, three ways — eGov mobile QR (default), a PKCS#12 key, an NCANode sidecar.

XML is signed as enveloped XMLDSig (RSA-SHA256); ``verify_xml`` checks a signature made by any of the three.
"""

from integrations.signing.base import Signer, SignerInfo, SigningContext, VerifyResult
from integrations.signing.errors import KeyRefusedError, SigningError
from integrations.signing.kept_key import KEPT_KEY_PURPOSES, AuditSink, KeptKeySigner
from integrations.signing.pkcs12 import Pkcs12Signer, load_pkcs12
from integrations.signing.policy import CertificatePolicy
from integrations.signing.revocation import ChainedRevocation, LocalRevocationList, RevocationChecker, SandboxOcsp
from integrations.signing.xmldsig import sign_enveloped, unsigned_content, verify_xml

__all__ = [
    "KEPT_KEY_PURPOSES",
    "AuditSink",
    "CertificatePolicy",
    "ChainedRevocation",
    "KeptKeySigner",
    "KeyRefusedError",
    "LocalRevocationList",
    "Pkcs12Signer",
    "RevocationChecker",
    "SandboxOcsp",
    "Signer",
    "SignerInfo",
    "SigningContext",
    "SigningError",
    "VerifyResult",
    "load_pkcs12",
    "sign_enveloped",
    "unsigned_content",
    "verify_xml",
]
