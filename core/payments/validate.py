"""Checks before an order is shown as payable or sent (integrations.md §6): IBAN (ISO 13616 mod-97 via
python-stdnum), BIC pattern and the BIC of the IBAN's bank code, ИИН/БИН check digit, КОд/КБе, KNP↔KBK consistency
and beneficiary, the list of persons, amounts.

Every problem is an ``OrderError`` with a stable ``code``, the ``field`` it concerns and a short text in Russian and
Kazakh for the chat. ``check_requisites`` is what a bank can check; ``validate`` adds the comparison with the
calculation (``amount`` must equal ``calculated``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from stdnum import iban as iso_iban

from core.calc import payment_requisites
from core.identity import is_valid_iin_bin
from core.money import whole_tenge
from core.payments.model import Party, PaymentOrder
from core.rules import ParameterError, parameters

BIC_RE = re.compile(r"^[A-Z]{4}KZ[A-Z0-9]{2}$")
KBE_RE = re.compile(r"^[12][1-9]$")
KNP_RE = re.compile(r"^\d{3}$")
KBK_RE = re.compile(r"^\d{6}$")
KZ_IBAN_LENGTH = 20
SOCIAL_PAYMENTS = ("opv", "opvr", "so", "vosms", "oosms")


@dataclass(frozen=True, slots=True)
class OrderError:
    """One problem with an order: stable code, field, texts for the user."""

    code: str
    field: str
    text_ru: str
    text_kk: str

    def text(self, lang: str = "ru") -> str:
        return self.text_kk if lang == "kk" else self.text_ru

    def to_json(self, lang: str = "ru") -> dict[str, str]:
        return {"code": self.code, "field": self.field, "text": self.text(lang)}


class InvalidOrderError(ValueError):
    """Raised by ``ensure_valid``: the order must not be sent; ``errors`` say why."""

    def __init__(self, errors: list[OrderError]) -> None:
        super().__init__("; ".join(f"{e.code} ({e.field})" for e in errors))
        self.errors = errors


def is_valid_kz_iban(value: str) -> bool:
    """A Kazakh IBAN: ``KZ``, 20 characters, valid ISO 13616 check digits."""
    return value.startswith("KZ") and len(value) == KZ_IBAN_LENGTH and bool(iso_iban.is_valid(value))


def is_valid_bic(value: str) -> bool:
    """An 8-character Kazakh BIC (``^[A-Z]{4}KZ[A-Z0-9]{2}$``)."""
    return bool(BIC_RE.match(value))


@dataclass(frozen=True, slots=True)
class _Rules:
    treasury_bic: str
    treasury_iik: str
    treasury_kbe: str
    gov_corp_bin: str
    gov_corp_bic: str
    gov_corp_kbe: str
    tax_knps: frozenset[str]
    social_iik: dict[str, str]  # social KNP → the State Corporation account it must go to
    social_kbk_used: bool
    bic_by_bank_code: dict[str, str]


def _rules(on: dt.date) -> _Rules:
    tree = parameters()
    social: dict[str, str] = {}
    for payment in SOCIAL_PAYMENTS:
        for penalty in (False, True):
            req = payment_requisites(payment, on, penalty=penalty)
            social[req.knp] = req.iik

    def value(path: str) -> str:
        return str(tree.value(f"requisites.{path}", on))

    return _Rules(
        treasury_bic=value("treasury.bic"),
        treasury_iik=value("treasury.iik"),
        treasury_kbe=value("treasury.kbe"),
        gov_corp_bin=value("gov_corp.bin"),
        gov_corp_bic=value("gov_corp.bic"),
        gov_corp_kbe=value("gov_corp.kbe"),
        tax_knps=frozenset(value(f"knp.{k}") for k in ("tax", "tax_penalty", "tax_fine")),
        social_iik=social,
        social_kbk_used=bool(tree.value("requisites.kbk.social_payments_used", on)),
        bic_by_bank_code={str(k): str(v) for k, v in tree.value("payment_codes.bic_by_bank_code", on).items()},
    )


_WHO = {"payer": ("плательщика", "төлеушінің"), "beneficiary": ("получателя", "алушының")}


def _party(party: Party, role: str, rules: _Rules, errors: list[OrderError]) -> None:
    who_ru, who_kk = _WHO[role]
    if not is_valid_kz_iban(party.iban):
        errors.append(
            OrderError(
                "iban_invalid",
                f"{role}.iban",
                f"Неверный счёт (IBAN) {who_ru}: {party.iban or '—'}. Проверьте 20 знаков, начиная с KZ.",
                f"{who_kk.capitalize()} шоты (IBAN) қате: {party.iban or '—'}. KZ-тен басталатын 20 таңба керек.",
            )
        )
    if not is_valid_bic(party.bic):
        errors.append(
            OrderError(
                "bic_invalid",
                f"{role}.bic",
                f"Неверный БИК банка {who_ru}: {party.bic or '—'} (8 знаков, например CASPKZKA).",
                f"{who_kk.capitalize()} банкінің БСК қате: {party.bic or '—'} (8 таңба, мысалы CASPKZKA).",
            )
        )
    expected_bic = rules.bic_by_bank_code.get(party.iban[4:7])
    if is_valid_kz_iban(party.iban) and is_valid_bic(party.bic) and expected_bic not in (None, party.bic):
        errors.append(
            OrderError(
                "iban_bic_mismatch",
                f"{role}.bic",
                f"Счёт {party.iban} открыт в банке с БИК {expected_bic}, а указан {party.bic}.",
                f"{party.iban} шоты БСК {expected_bic} банкте ашылған, ал {party.bic} көрсетілген.",
            )
        )
    if not is_valid_iin_bin(party.idn):
        code, ru, kk = ("iin_invalid", "ИИН", "ЖСН") if role == "payer" else ("bin_invalid", "ИИН/БИН", "ЖСН/БСН")
        errors.append(
            OrderError(
                code,
                f"{role}.idn",
                f"Неверный {ru} {who_ru}: {party.idn or '—'} (12 цифр, не сходится контрольная цифра).",
                f"{who_kk.capitalize()} {kk} қате: {party.idn or '—'} (12 сан, бақылау саны сәйкес емес).",
            )
        )
    if not KBE_RE.match(party.code):
        label_ru = label_kk = "КОд" if role == "payer" else "КБе"
        errors.append(
            OrderError(
                "kbe_invalid",
                f"{role}.code",
                f"Неверный {label_ru} {who_ru}: {party.code or '—'} (две цифры: резидентство и сектор).",
                f"{who_kk.capitalize()} {label_kk} қате: {party.code or '—'} (екі сан: резиденттік және сектор).",
            )
        )


def _codes(order: PaymentOrder, rules: _Rules, errors: list[OrderError]) -> None:
    if not KNP_RE.match(order.knp):
        errors.append(
            OrderError("knp_invalid", "knp", f"Неверный КНП: {order.knp!r} (три цифры).", f"ТМК қате: {order.knp!r}.")
        )
    if order.kbk is not None and not KBK_RE.match(order.kbk):
        errors.append(
            OrderError("kbk_invalid", "kbk", f"Неверный КБК: {order.kbk!r} (шесть цифр).", f"БСЖ қате: {order.kbk!r}.")
        )
    ben = order.beneficiary
    if order.knp in rules.tax_knps:
        if not order.kbk:
            errors.append(
                OrderError(
                    "kbk_missing",
                    "kbk",
                    f"Для налога (КНП {order.knp}) нужен КБК.",
                    f"Салық үшін (ТМК {order.knp}) БСЖ керек.",
                )
            )
        if (ben.iban, ben.bic, ben.code) != (rules.treasury_iik, rules.treasury_bic, rules.treasury_kbe):
            errors.append(
                OrderError(
                    "beneficiary_not_treasury",
                    "beneficiary",
                    "Налог платится на казначейский счёт УГД: проверьте ИИК, БИК и КБе получателя.",
                    "Салық МКБ-ның қазынашылық шотына төленеді: алушының ЖСК, БСК және БАК тексеріңіз.",
                )
            )
    elif order.knp in rules.social_iik:
        _social(order, rules, errors)
    elif order.kind.tax or order.kind.social:
        errors.append(
            OrderError(
                "knp_mismatch",
                "knp",
                f"КНП {order.knp} не подходит для этого платежа.",
                f"ТМК {order.knp} бұл төлемге сәйкес келмейді.",
            )
        )
    elif order.kbk is not None:
        errors.append(
            OrderError(
                "kbk_unexpected",
                "kbk",
                "КБК указывают только в платежах в бюджет.",
                "БСЖ тек бюджетке төлемдерде көрсетіледі.",
            )
        )


def _social(order: PaymentOrder, rules: _Rules, errors: list[OrderError]) -> None:
    ben = order.beneficiary
    if order.kbk is not None and not rules.social_kbk_used:
        errors.append(
            OrderError(
                "kbk_unexpected",
                "kbk",
                f"В платеже в Госкорпорацию (КНП {order.knp}) КБК не указывается.",
                f"Мемлекеттік корпорацияға төлемде (ТМК {order.knp}) БСЖ көрсетілмейді.",
            )
        )
    gov = (rules.gov_corp_bin, rules.gov_corp_bic, rules.gov_corp_kbe)
    if (ben.idn, ben.bic, ben.code) != gov or ben.iban != rules.social_iik[order.knp]:
        errors.append(
            OrderError(
                "beneficiary_mismatch",
                "beneficiary",
                f"Для КНП {order.knp} получатель — Госкорпорация, счёт {rules.social_iik[order.knp]}.",
                f"ТМК {order.knp} үшін алушы — Мемлекеттік корпорация, шот {rules.social_iik[order.knp]}.",
            )
        )
    if not order.persons:
        errors.append(
            OrderError(
                "persons_missing",
                "persons",
                "К социальному платежу нужен список лиц (ИИН, ФИО, дата рождения, период, сумма).",
                "Әлеуметтік төлемге тұлғалар тізімі керек (ЖСН, АЖТ, туған күні, кезең, сома).",
            )
        )
    for index, person in enumerate(order.persons):
        if not is_valid_iin_bin(person.iin):
            errors.append(
                OrderError(
                    "person_iin_invalid",
                    f"persons[{index}].iin",
                    f"Неверный ИИН в списке: {person.iin} ({person.full_name}).",
                    f"Тізімдегі ЖСН қате: {person.iin} ({person.full_name}).",
                )
            )
    if order.persons and sum((p.amount for p in order.persons), Decimal(0)) != order.amount:
        errors.append(
            OrderError(
                "persons_sum_mismatch",
                "persons",
                "Сумма по списку лиц не равна сумме платежа.",
                "Тұлғалар тізімі бойынша сома төлем сомасына тең емес.",
            )
        )


def _amount(order: PaymentOrder, errors: list[OrderError]) -> None:
    if order.amount <= 0:
        errors.append(
            OrderError(
                "amount_not_positive",
                "amount",
                f"Сумма должна быть больше нуля, а не {order.amount}.",
                f"Сома нөлден үлкен болуы керек, {order.amount} емес.",
            )
        )
    elif whole_tenge(order.amount) != order.amount:
        errors.append(
            OrderError(
                "amount_not_whole",
                "amount",
                "Сумма должна быть в целых тенге.",
                "Сома бүтін теңгемен болуы керек.",
            )
        )


def check_requisites(order: PaymentOrder) -> list[OrderError]:
    """What a bank can check on its own: accounts, codes, identification numbers, persons, a positive amount."""
    errors: list[OrderError] = []
    try:
        rules = _rules(order.value_date)
    except ParameterError:
        when = order.value_date.isoformat()
        return [
            OrderError(
                "value_date_unsupported",
                "value_date",
                f"Нет реквизитов на дату {when}.",
                f"{when} күніне деректемелер жоқ.",
            )
        ]
    _party(order.payer, "payer", rules, errors)
    _party(order.beneficiary, "beneficiary", rules, errors)
    _codes(order, rules, errors)
    _amount(order, errors)
    return errors


def validate(order: PaymentOrder) -> list[OrderError]:
    """All checks; the amount must also equal the calculation it was built from."""
    errors = check_requisites(order)
    if order.calculated is None or order.amount != order.calculated:
        expected = "—" if order.calculated is None else str(order.calculated)
        errors.append(
            OrderError(
                "amount_mismatch",
                "amount",
                f"Сумма {order.amount} не совпадает с расчётом ({expected}).",
                f"{order.amount} сомасы есеппен сәйкес емес ({expected}).",
            )
        )
    return errors


def ensure_valid(order: PaymentOrder) -> PaymentOrder:
    """The order itself, or ``InvalidOrderError`` with every problem found."""
    errors = validate(order)
    if errors:
        raise InvalidOrderError(errors)
    return order
