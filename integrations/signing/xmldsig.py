"""Enveloped XMLDSig as NCALayer/NCANode make it: RSA-SHA256, SHA-256 digest, inclusive C14N, the certificate
in ``KeyInfo/X509Data``, one ``Reference URI=""`` over the whole document, the signature as the root's last child.
"""

from __future__ import annotations

import base64
import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from signxml.algorithms import SignatureMethod
from signxml.exceptions import InvalidInput, SignXMLException
from signxml.signer import XMLSigner
from signxml.verifier import SignatureConfiguration, XMLVerifier

from integrations.signing.base import VerifyResult
from integrations.signing.certificates import signer_info
from integrations.signing.policy import CertificatePolicy

C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
DS = "http://www.w3.org/2000/09/xmldsig#"
_NS = {"ds": DS}


def parse_xml(xml: bytes) -> etree._Element:
    """Parse untrusted XML: no entities, no network, no DTD loading."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_blank_text=False)
    try:
        return etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidInput(f"malformed XML: {exc}") from None


def sign_enveloped(xml: bytes, key: RSAPrivateKey, cert: x509.Certificate) -> bytes:
    """Return ``xml`` with an enveloped signature appended to its root element."""
    root = parse_xml(xml)
    signer = XMLSigner(signature_algorithm=SignatureMethod.RSA_SHA256, digest_algorithm="sha256", c14n_algorithm=C14N)
    signed = signer.sign(root, key=key, cert=cert.public_bytes(Encoding.PEM).decode("ascii"))
    return bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))


def unsigned_content(xml: bytes) -> bytes:
    """Canonical form of the document without its XMLDSig signatures (to compare with what was sent to sign)."""
    root = parse_xml(xml)
    for signature in root.findall(".//ds:Signature", _NS):
        parent = signature.getparent()
        if parent is not None:
            parent.remove(signature)
    return bytes(etree.tostring(root, method="c14n"))


def _certificate(root: etree._Element) -> x509.Certificate:
    nodes = root.findall("ds:Signature/ds:KeyInfo/ds:X509Data/ds:X509Certificate", _NS)
    if not nodes or not (nodes[0].text or "").strip():
        raise InvalidInput("no certificate in KeyInfo")
    return x509.load_der_x509_certificate(base64.b64decode("".join((nodes[0].text or "").split())))


def _inside(moment: dt.datetime, cert: x509.Certificate) -> dt.datetime:
    return min(max(moment, cert.not_valid_before_utc), cert.not_valid_after_utc)


def verify_xml(xml: bytes, policy: CertificatePolicy) -> VerifyResult:
    """Check the signature cryptographically and the signer's certificate against ``policy``."""
    try:
        root = parse_xml(xml)
        signatures = root.findall(".//ds:Signature", _NS)
        if len(signatures) != 1:
            return VerifyResult(False, None, (f"signature_count: найдено подписей: {len(signatures)}, нужна одна",))
        cert = _certificate(root)
    except (InvalidInput, ValueError) as exc:
        return VerifyResult(False, None, (f"malformed: {exc}",))
    errors = [f"{p.code}: {p.message}" for p in policy.problems(cert)]
    references = root.findall("ds:Signature/ds:SignedInfo/ds:Reference", _NS)
    if len(references) != 1 or references[0].get("URI") != "":
        errors.append('reference: подпись должна покрывать весь документ (Reference URI="")')
    # The policy owns the time checks; signxml checks the mathematics at a moment the certificate was valid.
    config = SignatureConfiguration(verification_time=_inside(policy.check_time(cert), cert))
    try:
        XMLVerifier().verify(xml, x509_cert=cert, expect_config=config)
    except (SignXMLException, ValueError) as exc:
        errors.append(f"bad_signature: подпись не совпадает с документом ({type(exc).__name__})")
    return VerifyResult(not errors, signer_info(cert), tuple(errors))
