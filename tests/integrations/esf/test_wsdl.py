"""The packaged WSDLs are the official files, byte for byte."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from integrations.esf.wsdl import SERVICES, wsdl_path

REFERENCE = Path(__file__).resolve().parents[3].parent / "shared" / "reference" / "esf-wsdl"
if not REFERENCE.is_dir():
    REFERENCE = Path("/work/shared/reference/esf-wsdl")

# sha256 of shared/reference/esf-wsdl/* (OnSwitchOff/ESF_kz@aa86dc7), pinned so the check also runs without the tree
PINNED = {
    "InvoiceService": "0d909a0d8ad47444c69aed548a311208ec2d4825f8c5b0b619c7ddfbdd8e76ac",
    "LocalService": "da334ec241689b5216250792528512e7efb09557c16aac6ceca8b3b0f2702e8d",
    "SessionService": "e2c892edeb81413929b63c7b003f7825b2c4f4d233202e162ce5d4d32a53c8d8",
    "UploadInvoiceService": "c6b5f71224ca55945e7df14a469f84d440f0080f1378d6ea2e119c5158d766a4",
}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("service", sorted(PINNED))
def test_packaged_wsdl_is_byte_identical(service: str) -> None:
    assert _sha(wsdl_path(service)) == PINNED[service]
    reference = REFERENCE / f"{service}.wsdl"
    if reference.is_file():
        assert wsdl_path(service).read_bytes() == reference.read_bytes()


def test_every_service_is_packaged() -> None:
    assert set(SERVICES) | {"LocalService"} == set(PINNED)
