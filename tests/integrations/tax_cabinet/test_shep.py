"""The real-transport stub: the documented SyncChannel envelope, NotImplementedError for the unknown payloads."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree

from integrations.tax_cabinet import ShepSettings, ShepTaxCabinet
from integrations.tax_cabinet.shep import SEND_SERVICE, SYNC_TYPES, sync_envelope

SETTINGS = ShepSettings("https://shep.example/bip-sync-wss-gost/", "ASISTENT", "s3cret")


def test_envelope_shape() -> None:
    data = etree.Element("payload")
    xml = sync_envelope(SEND_SERVICE, data, SETTINGS, now=dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC))
    root = etree.fromstring(xml)
    assert root.tag == f"{{{SYNC_TYPES}}}SendMessage"
    info = root.find("request/requestInfo")
    assert info is not None
    assert info.findtext("serviceId") == "SONO_FNO_SEND"
    assert info.findtext("messageDate") == "2026-11-25T10:00:00+00:00"
    assert info.findtext("sender/senderId") == "ASISTENT"
    assert root.find("request/requestData/data/payload") is not None


async def test_stub_raises_and_hides_the_password() -> None:
    cabinet = ShepTaxCabinet(SETTINGS)
    assert "s3cret" not in repr(cabinet)
    assert "s3cret" not in repr(SETTINGS)
    with pytest.raises(NotImplementedError, match="SONO_FNO_SEND"):
        await cabinet.submit(b"<fno/>", "k")
    with pytest.raises(NotImplementedError, match="SONO_FNO_GET_STATUS"):
        await cabinet.status("1")
    with pytest.raises(NotImplementedError):
        await cabinet.list_notices()
