"""Notices of the state revenue bodies (уведомления): reading, explaining, checking against the user's data, пеня.

from core.notices import read_text, read_file, explain_notice, check_notice, UserData, penalty_interest
notice = read_file(Path("notice.pdf"))          # type, number, date, amounts, deadline (working days)
explain_notice(notice, "kk", today=date.today())
check_notice(notice, UserData(charged=Decimal(360000), payments=[Decimal(360000)]))   # a false debt
penalty_interest(Decimal(100000), due=date(2025, 2, 25), paid=date(2025, 3, 20))    # CalcResult with a trace
"""

from core.notices.checks import Check, UserData, check_arrears, check_discrepancy, check_filing, check_notice
from core.notices.deadlines import resolve_deadline, response_deadline
from core.notices.explain import explain_notice, total_due
from core.notices.model import AMOUNT_KEYS, Deadline, Notice, NoticeType
from core.notices.penalty import penalty_interest, render_penalty
from core.notices.reader import NoticeReadError, read_file, read_image, read_pdf, read_text

__all__ = [
    "AMOUNT_KEYS",
    "Check",
    "Deadline",
    "Notice",
    "NoticeReadError",
    "NoticeType",
    "UserData",
    "check_arrears",
    "check_discrepancy",
    "check_filing",
    "check_notice",
    "explain_notice",
    "penalty_interest",
    "read_file",
    "read_image",
    "read_pdf",
    "read_text",
    "render_penalty",
    "resolve_deadline",
    "response_deadline",
    "total_due",
]
