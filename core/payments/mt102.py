"""MT102 (массовое платёжное поручение) for social payments — the list of persons (integrations.md §5.3).

One message per order: sequence A (payer, beneficiary, codes, purpose), one sequence B per person (``:21:`` number,
``:32B:`` amount, ``:70:`` with the contribution type, ФИО, birth date, ИИН and ``/PERIOD/MMYYYY``), and ``:32A:``
value date and total (= Σ ``:32B:``). Several orders are written one after another. The bank-specific details the
reference marks as guesses ([G]: the per-person ``:70:`` tag order, ``/DT/`` as YYYYMMDD, the ``/OPV/`` letter for
medical payments) are kept in one place here so a bank's spec can override them. Amounts: comma decimal, 2 places.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from core.payments.model import PaymentKind, PaymentOrder

NAME_MAX = 60
ASSIGN_MAX = 412
NOT_PROVIDED = "не предусмотрен"
# /OPV/ letter by payment: C — mandatory pension, S — social; M for medical is a guess ([G], §5.3)
CONTRIBUTION_TYPE = {
    PaymentKind.OPV: "C",
    PaymentKind.OPVR: "C",
    PaymentKind.SO: "S",
    PaymentKind.VOSMS: "M",
    PaymentKind.OOSMS: "M",
}


class Mt102Error(ValueError):
    """The order cannot be written as MT102 (not a social payment, or no persons)."""


def mt_amount(amount: Decimal) -> str:
    """``Decimal("61450")`` → ``"61450,00"``."""
    return f"{amount:.2f}".replace(".", ",")


def _irs_seco(code: str) -> list[str]:
    return [f"/IRS/{code[0]}", f"/SECO/{code[1]}"]


def mt102(order: PaymentOrder) -> str:
    """One MT102 message for a social-payment order."""
    if not order.social or not order.persons:
        raise Mt102Error(f"order {order.number} is not a social payment with a list of persons")
    payer, ben = order.payer, order.beneficiary
    lines = [
        f"{{1:F01{payer.bic.ljust(12, 'X')}0000000001000001}}",
        "{2:I102SGROSS000000U3003}",
        "{4:",
        f":20:{order.number}",
        f":50:/D/{payer.iban}",
        f"/NAME/{payer.name[:NAME_MAX]}",
        f"/IDN/{payer.idn}",
        f"/CHIEF/{NOT_PROVIDED}",
        f"/MAINBK/{NOT_PROVIDED}",
        *_irs_seco(payer.code),
        f":52B:{payer.bic}",
        f":57B:{ben.bic}",
        f":59:{ben.iban}",
        f"/NAME/{ben.name[:NAME_MAX]}",
        f"/IDN/{ben.idn}",
        *_irs_seco(ben.code),
        f":70:/NUM/{order.number}",
        f"/DATE/{order.date:%y%m%d}",
        "/SEND/07",
        "/VO/01",
        f"/KNP/{order.knp}",
        "/PSO/01",
        "/PRT/05",
        f"/ASSIGN/{order.purpose_ru[:ASSIGN_MAX]}",
    ]
    letter = CONTRIBUTION_TYPE[order.kind]
    for index, person in enumerate(order.persons, start=1):
        year, month = person.period.split("-")
        lines += [
            f":21:{index}",
            f":32B:KZT{mt_amount(person.amount)}",
            f":70:/OPV/{letter}",
            f"/FM/{person.last_name}",
            f"/NM/{person.first_name}",
            f"/FT/{person.middle_name}",
            f"/DT/{person.birth_date:%Y%m%d}",
            f"/IDN/{person.iin}",
            f"/PERIOD/{month}{year}",
        ]
    lines += [f":32A:{order.value_date:%y%m%d}KZT{mt_amount(order.amount)}", "-}"]
    return "\r\n".join(lines) + "\r\n"


def mt102_file(orders: Iterable[PaymentOrder]) -> str:
    """Every social order with persons as consecutive MT102 messages (non-social orders are skipped)."""
    return "".join(mt102(o) for o in orders if o.social and o.persons)
