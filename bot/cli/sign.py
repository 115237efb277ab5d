"""``asistent sign`` and ``asistent verify``: XMLDSig with a PKCS#12 key file (stable contract, issue 6 item 8).

The key password is read only from the environment variable named by ``--password-env``, never from the command
line. ``--allow-test-keys`` (or the ``ALLOW_TEST_KEYS`` setting) accepts the NCA test CA and the test ИИН.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from bot.cli.common import UsageError, print_json
from core.settings import get_settings
from integrations.signing import CertificatePolicy, Pkcs12Signer, SigningError, verify_xml
from integrations.signing.xmldsig import parse_xml


def register(subparsers: Any) -> None:
    """Add the ``sign`` and ``verify`` sub-commands."""
    sign = subparsers.add_parser("sign", help="sign an XML file (enveloped XMLDSig) with a PKCS#12 key")
    sign.add_argument("file", type=Path, help="the XML file to sign")
    sign.add_argument("--key", type=Path, required=True, help="the PKCS#12 key file (.p12)")
    sign.add_argument("--password-env", required=True, help="name of the environment variable holding the password")
    sign.add_argument("--out", type=Path, required=True, help="where to write the signed XML")
    sign.add_argument("--allow-test-keys", action="store_true", help="accept NCA test keys and the test ИИН")
    sign.set_defaults(handler=run_sign)
    verify = subparsers.add_parser("verify", help="verify an XMLDSig-signed XML file")
    verify.add_argument("file", type=Path, help="the signed XML file")
    verify.add_argument("--allow-test-keys", action="store_true", help="accept NCA test keys and the test ИИН")
    verify.add_argument("--json", action="store_true", help="print JSON")
    verify.set_defaults(handler=run_verify)


def _policy(args: argparse.Namespace) -> CertificatePolicy:
    return CertificatePolicy.from_settings(get_settings(), allow_test_keys=bool(args.allow_test_keys))


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {what} {str(path)!r}: {exc.strerror or exc}") from None


def run_sign(args: argparse.Namespace) -> int:
    """Sign ``file`` into ``--out``."""
    password = os.environ.get(args.password_env)
    if password is None:
        raise UsageError(f"environment variable {args.password_env} (the key password) is not set")
    xml, p12 = _read(args.file, "XML file"), _read(args.key, "key file")
    try:
        signer = Pkcs12Signer.from_pkcs12(p12, password, _policy(args))
        signed = signer.sign(xml)
    except SigningError as exc:
        raise UsageError(f"{exc.code}: {exc.message}") from None
    except ValueError as exc:  # malformed XML
        raise UsageError(f"cannot sign {str(args.file)!r}: {str(exc).splitlines()[0]}") from None
    try:
        args.out.write_bytes(signed)
    except OSError as exc:
        raise UsageError(f"cannot write {str(args.out)!r}: {exc.strerror or exc}") from None
    print(f"signed by {signer.info.name} (ИИН {signer.info.iin}) → {args.out}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    """Verify ``file``; exit 0 when valid, 1 when not (the JSON says why)."""
    xml = _read(args.file, "XML file")
    try:
        parse_xml(xml)
    except ValueError as exc:
        raise UsageError(f"not an XML file {str(args.file)!r}: {str(exc).splitlines()[0]}") from None
    result = verify_xml(xml, _policy(args))
    if args.json:
        print_json(result.as_json())
    else:
        who = f"{result.signer.name} (ИИН {result.signer.iin})" if result.signer else "unknown signer"
        print(("valid: " if result.valid else "INVALID: ") + who)
        for error in result.errors:
            print(f"  {error}")
    return 0 if result.valid else 1
