"""Payment requisites read from requisites.* (kz-tax-rules §6, integrations.md §5.2)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.calc import PAYMENTS, CalcInputError, payment_requisites

ON = dt.date(2026, 4, 25)


def test_social_payments_go_to_the_state_corporation() -> None:
    so = payment_requisites("so", ON)
    assert so.beneficiary_bin == "160440007161"
    assert so.bic == "GCVPKZ2A"
    assert so.iik == "KZ67009SS00368609110"
    assert so.knp == "012"
    assert so.kbk is None
    assert "requisites.gov_corp.iik_so" in so.verify  # C18
    assert payment_requisites("opvr", ON).knp == "089"
    assert payment_requisites("vosms", ON, penalty=True).knp == "124"


def test_taxes_go_to_the_treasury_with_a_kbk() -> None:
    ipn = payment_requisites("ipn_self", ON)
    assert ipn.beneficiary is None  # the УГД where the ИП is registered
    assert ipn.bic == "KKMFKZ2A"
    assert ipn.iik == "KZ24070105KSN0000000"
    assert ipn.knp == "911"
    assert ipn.kbk == "101202"
    assert "requisites.kbk.ipn_not_at_source" in ipn.verify  # C17
    assert payment_requisites("social_tax", ON, penalty=True).knp == "912"


def test_every_payment_resolves_and_unknown_is_bad_input() -> None:
    for payment in PAYMENTS:
        req = payment_requisites(payment, ON)
        assert req.iik.startswith("KZ")
        assert len(req.iik) == 20
    with pytest.raises(CalcInputError):
        payment_requisites("bribe", ON)
