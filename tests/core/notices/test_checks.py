"""Checks of a notice against the user's own data: a false debt, a real one, a discrepancy that holds or not, a form
that was or was not filed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core.notices import UserData, check_arrears, check_discrepancy, check_filing, check_notice, read_text
from tests.core.notices.samples import SAMPLES

D = Decimal
BY_KEY = {s.key: s for s in SAMPLES}


def test_false_debt_is_detected() -> None:
    notice = read_text(BY_KEY["arrears_ru"].text)  # debt 360 000
    check = check_notice(notice, UserData(charged=D(360_000), payments=[D(200_000), D(160_000)]))
    assert check.code == "debt_not_confirmed"
    assert check.holds is False
    assert check.figures["paid"] == 360_000
    assert "долга нет" in check.text("ru")
    assert check.text("kk")


def test_real_debt_is_confirmed() -> None:
    notice = read_text(BY_KEY["arrears_ru"].text)
    check = check_notice(notice, UserData(charged=D(360_000), payments=[]))
    assert check.code == "debt_confirmed"
    assert check.holds is True


def test_partly_real_debt() -> None:
    check = check_arrears(D(200_000), charged=D(360_000), payments=[D(100_000)])
    assert check.code == "debt_confirmed"  # 260 000 unpaid by the user's records covers the 200 000 claimed
    check = check_arrears(D(360_000), charged=D(300_000), payments=[D(100_000)])
    assert check.code == "debt_partly"
    assert check.figures["excess"] == 160_000


def test_discrepancy_holds_when_own_records_show_more_income() -> None:
    notice = read_text(BY_KEY["desk_audit_ru"].text)  # declared 12 000 000, ESF 15 400 000
    check = check_notice(notice, UserData(recorded_income=D(15_400_000)))
    assert check.code == "discrepancy_holds"
    assert check.figures["undeclared"] == 3_400_000


def test_discrepancy_explainable_when_records_match_the_declaration() -> None:
    notice = read_text(BY_KEY["desk_audit_kk"].text)
    check = check_notice(notice, UserData(recorded_income=D(12_000_000), issued_documents=D(11_900_000)))
    assert check.code == "discrepancy_explainable"
    assert check.holds is False
    assert check.figures["unexplained"] == 3_400_000
    assert "түсініктеме" in check.text("kk")


def test_issued_documents_above_the_declaration_confirm_the_discrepancy() -> None:
    check = check_discrepancy(D(12_000_000), D(15_400_000), recorded_income=D(12_000_000), issued_documents=D(13e6))
    assert check.code == "discrepancy_holds"
    assert check.figures["undeclared"] == 1_000_000


def test_form_was_filed() -> None:
    notice = read_text(BY_KEY["non_filing_ru"].text)  # 910.00 for 2025-H2
    check = check_notice(notice, UserData(filed={("910.00", "2025-H2"): dt.date(2026, 2, 13)}))
    assert check.code == "form_filed"
    assert check.holds is False
    assert "13.02.2026" in check.text("ru")


def test_form_was_not_filed() -> None:
    check = check_filing("910.00", "2025-H2", [("910.00", "2025-H1")])
    assert check.code == "form_not_filed"
    assert check.holds is True


def test_not_checkable_without_data() -> None:
    notice = read_text(BY_KEY["information_ru"].text)
    assert check_notice(notice, UserData()).code == "not_checkable"
