"""Signing an ESF for ``syncInvoice`` through the ``Signer`` protocol (the user's phone or the kept key).

What exactly ESF signs is not public (§1.4 [G]); the rule kept here is §1.4's "the exact bytes signed are the exact
string put into ``invoiceBody``". ``Signer`` makes enveloped XMLDSig only, and the invoice itself cannot be
canonicalised (C14N refuses its relative namespace URIs ``v2.esf``/``abstractInvoice.esf``), so the signer signs a
**signing payload** that carries the body string verbatim as text::

    <esfInvoiceSignature version="InvoiceV2"><invoiceBody>…the invoiceBody string…</invoiceBody></esfInvoiceSignature>

The payload's ``SignatureValue`` (raw RSA-SHA256, base64, 344 chars for RSA-2048, ≤ 400 as the WSDL demands) is the
``signature`` field and its ``KeyInfo`` certificate the request's ``x509Certificate``. Anyone holding the body, the
signature and the certificate rebuilds the signed payload (``rebuild_signed_payload``) and checks it with
``integrations.signing.verify_xml`` — the sandbox does exactly that. A raw PKCS#1 signature over the body bytes
(what the operator's SDK may do) would plug in here once confirmed on the test stand.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml.exceptions import InvalidInput

from integrations.esf.invoice import VERSION
from integrations.esf.validator import DS_NS
from integrations.signing import Signer, SigningContext, SigningError
from integrations.signing.xmldsig import parse_xml, sign_enveloped, unsigned_content

MAX_SIGNATURE_LENGTH = 400  # invoiceUploadInfo/signature maxLength in the WSDL
PAYLOAD_TAG = "esfInvoiceSignature"
_DS = {"ds": DS_NS}
_VALUE = "ds:Signature/ds:SignatureValue"
_CERT = "ds:Signature/ds:KeyInfo/ds:X509Data/ds:X509Certificate"


@dataclass(frozen=True, slots=True)
class SignedInvoice:
    """One ``invoiceUploadInfo``: the body exactly as signed, the raw signature, the signer's certificate."""

    body: str
    signature: str
    certificate: str  # Base64 DER, no PEM armour
    signature_type: str = "COMPANY"  # COMPANY: the ИП or director; OPERATOR: an authorised employee
    signed_payload: bytes = b""  # the signed payload document, kept for the archive


def certificate_base64(cert: x509.Certificate) -> str:
    """Base64 DER without PEM armour, as ``x509Certificate`` fields want it (e.g. the AUTH certificate)."""
    return base64.b64encode(cert.public_bytes(Encoding.DER)).decode("ascii")


def signing_payload(body: str) -> bytes:
    """The document the signer signs for ``body`` (deterministic: the same body gives the same bytes)."""
    root = etree.Element(PAYLOAD_TAG, version=VERSION)
    etree.SubElement(root, "invoiceBody").text = body
    return bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=True))


def _strip(text: str) -> str:
    return "".join(text.split())


def signed_invoice_from_payload(body: str, signed: bytes, signature_type: str = "COMPANY") -> SignedInvoice:
    """Take the signature value and certificate out of the signed payload of ``body``."""
    try:
        root = parse_xml(signed)
        same = unsigned_content(signed) == unsigned_content(signing_payload(body))
    except (InvalidInput, ValueError):
        raise SigningError("esf_bad_signed_xml", "Подписанный ЭСФ не читается как XML.") from None
    if not same:
        raise SigningError("esf_payload_changed", "Подписан не тот документ, что отправлялся на подпись.")
    value, cert = _strip(root.findtext(_VALUE, "", _DS)), _strip(root.findtext(_CERT, "", _DS))
    if not value or not cert:
        raise SigningError("esf_no_signature", "В подписанном ЭСФ нет подписи или сертификата.")
    if len(value) > MAX_SIGNATURE_LENGTH:
        raise SigningError("esf_signature_too_long", "Подпись длиннее, чем принимает ИС ЭСФ (ключ RSA-2048 подходит).")
    return SignedInvoice(body, value, cert, signature_type, signed)


async def sign_invoice(
    xml: bytes, signer: Signer, context: SigningContext, *, signature_type: str = "COMPANY"
) -> SignedInvoice:
    """Sign the ``InvoiceV2`` ``xml`` with ``signer``; raises ``SigningError`` with a clear code."""
    body = xml.decode("utf-8")
    signed = await signer.sign_xml(signing_payload(body), context)
    return signed_invoice_from_payload(body, signed, signature_type)


@lru_cache(maxsize=1)
def _template_key() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "esf signature template")])
    moment = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(moment)
        .not_valid_after(moment + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, cert


def rebuild_signed_payload(body: str, signature: str, certificate: str) -> bytes:
    """The signed payload as the signer made it, from the three ``syncInvoice`` fields (for ``verify_xml``).

    ``SignedInfo`` depends only on the payload and the algorithms, so it is regenerated with a template key; the
    received ``SignatureValue`` and certificate then replace the template's.
    """
    key, cert = _template_key()
    root = parse_xml(sign_enveloped(signing_payload(body), key, cert))
    value, embedded = root.find(_VALUE, _DS), root.find(_CERT, _DS)
    assert value is not None
    assert embedded is not None
    value.text, embedded.text = _strip(signature), _strip(certificate)
    return bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=True))
