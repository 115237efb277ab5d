"""The dialogs' services bound to the product: NLU (``nlu``), the tax engine (``core.calc``), the calendar
(``core.calendar``), places (``core.rules.places``) and the consultation (``nlu.consult``).

``default_services()`` is what the app passes to the engine. The NLU falls back to the keyword router when the
model cannot be imported or built.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from dialogs.effects.document_ports import DocumentPorts
from dialogs.effects.esf_ports import EsfPorts
from dialogs.effects.key_ports import KeyPorts
from dialogs.effects.notice_ports import NoticePorts
from dialogs.effects.ports import (
    BankAnswer,
    CabinetAnswer,
    EffectServices,
    EffectUnavailable,
    FilingPorts,
    PayerAccount,
    PaymentPorts,
    SignCheck,
    SignDocument,
    SignLink,
    SignRefused,
)
from dialogs.effects.registration_ports import RegistrationPorts
from dialogs.i18n import Lang
from dialogs.keyword_nlu import KeywordInterpreter
from dialogs.periods import period_end
from dialogs.ports import (
    ConsultAnswer,
    Interpreter,
    ObligationDue,
    PlaceInfo,
    ProfileData,
    Regime,
    Services,
    TaxFigures,
    TaxLine,
)

log = logging.getLogger("asistent.dialogs")
SEARCH_SPREAD = 8.0  # keep place matches within this many points of the best one


def default_interpreter() -> Interpreter:
    """The NLU model (``nlu.get_interpreter``), or the keyword router when it is unavailable."""
    try:
        from nlu import get_interpreter

        return get_interpreter()
    except Exception:
        log.exception("NLU model unavailable; using the keyword router")
        return KeywordInterpreter()


class CoreCalendar:
    """``core.calendar.obligations`` in the dialogs' terms."""

    def obligations(self, profile: ProfileData, start: dt.date, end: dt.date) -> list[ObligationDue]:
        if profile.regime is None:
            return []
        found = _obligations(profile.regime, profile.employees, start, end)
        if profile.registered_on is None:
            return list(found)
        # an ИП registered through us owes nothing for a period that ended before the register's start date
        return [o for o in found if (period_end(o.period) or profile.registered_on) >= profile.registered_on]


@lru_cache(maxsize=1024)
def _obligations(regime: Regime, employees: int, start: dt.date, end: dt.date) -> tuple[ObligationDue, ...]:
    """Pure in its arguments (the dated parameters are loaded once per process): every ИП of one regime and staff
    asking on the same day shares one computation."""
    from core.calendar import TaxProfile, obligations

    found = obligations(TaxProfile(regime, employees), start, end)
    return tuple(ObligationDue(o.obligation, o.action, o.period, o.due) for o in found)


class CorePlaces:
    """Places of activity from ``core/rules/places.yaml``: fuzzy search by Russian or Kazakh name."""

    def _info(self, place_id: str, on: dt.date | None = None) -> PlaceInfo | None:
        from core.rules import parameters
        from core.rules.places import places

        place = places().get(place_id)
        if place is None:
            return None
        day = on or dt.date.today()
        known = place.rate_at(day)
        if known is not None:
            return PlaceInfo(place.id, place.name_ru, place.name_kk, known.value, False)
        base = parameters().decimal("simplified.rate", day)
        return PlaceInfo(place.id, place.name_ru, place.name_kk, base, True)

    def get(self, place_id: str) -> PlaceInfo | None:
        return self._info(place_id)

    def search(self, query: str, limit: int = 3) -> list[PlaceInfo]:
        from rapidfuzz import fuzz, process

        from core.rules.places import places

        needle = query.strip().lower().replace("ё", "е")
        choices: dict[str, str] = {}
        for place in places().values():
            for name in (place.name_ru, place.name_kk):
                choices[f"{place.id}|{name}"] = _bare(name)
        hits = process.extract(needle, choices, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=70)
        found: list[PlaceInfo] = []
        seen: set[str] = set()
        best = max((h[1] for h in hits), default=0.0)
        close = [h for h in hits if h[1] >= best - SEARCH_SPREAD]
        for _name, _score, key in sorted(close, key=lambda h: (-h[1], len(h[0]))):
            place_id = str(key).split("|", 1)[0]
            if place_id in seen:
                continue
            seen.add(place_id)
            info = self._info(place_id)
            if info is not None:
                found.append(info)
            if len(found) == limit:
                break
        return found


def _bare(name: str) -> str:
    """Lower case, without "г." / "қ." / "область" noise, so "астана" matches "г. Астана"."""
    text = name.lower().replace("ё", "е")
    for noise in ("г. ", " қ.", "г.а."):
        text = text.replace(noise, " ")
    return " ".join(text.split())


class CoreTaxes:
    """The calculators of ``core.calc`` for a profile."""

    def month(self, profile: ProfileData, year: int, month: int, income: Decimal) -> TaxFigures:
        from core.calc import self_employed, self_payments

        period = f"{year}-{month:02d}"
        if profile.regime == "self_employed":
            return _figures(self_employed(period, income), income)
        born = dt.date(profile.birth_year, 1, 1) if profile.birth_year else None
        if profile.iin and profile.birth_year:
            from core.identity import iin_birth_date

            exact = iin_birth_date(profile.iin)
            born = exact if exact and exact.year == profile.birth_year else born
        return _figures(self_payments(period, income, born=born), income)

    def half_year(
        self, profile: ProfileData, year: int, half: int, income: Decimal, prior_income: Decimal = Decimal(0)
    ) -> TaxFigures:
        from core.calc import declaration_910

        result = declaration_910(
            year, half, income=income, place=profile.place_id, employees=profile.employees, prior_income=prior_income
        )
        return _figures(result, income, skip_lines=("910.00.001",))

    def explain(self, figures: TaxFigures, lang: Lang) -> str:
        from core.calc import CalcResult, render_explanation

        if not isinstance(figures.raw, CalcResult):
            raise TypeError("figures without the engine's result")
        return render_explanation(figures.raw, lang)

    def regime_limit(self, profile: ProfileData, year: int) -> Decimal | None:
        from core.calc import simplified_limit

        if profile.regime != "simplified":
            return None
        try:
            limit, period = simplified_limit(year)
        except ValueError:
            return None
        return limit if period == "year" else limit * 2


def _figures(result: object, income: Decimal, skip_lines: tuple[str, ...] = ()) -> TaxFigures:
    from core.calc import CalcResult
    from core.calc.labels import label

    assert isinstance(result, CalcResult)
    lines = tuple(
        TaxLine(code, amount, *label(code)) for code, amount in result.lines.items() if code not in skip_lines
    )
    warnings = tuple((w.text_ru, w.text_kk) for w in result.warnings)
    return TaxFigures(lines=lines, total=result.total, base=income, raw=result, warnings=warnings)


class CoreConsultant:
    """``nlu.consult.ask`` with sources as one line each."""

    def ask(self, question: str, lang: Lang, today: dt.date) -> ConsultAnswer:
        from nlu.consult import ask

        answer = ask(question, lang=lang, today=today)
        sources: list[str] = []
        for source in answer.sources:
            where = source.get("href") or source.get("article") or ""
            line = f"{source.get('title', '')} — {where}".strip(" —")
            if line and line not in sources:
                sources.append(line)
        return ConsultAnswer(answer.answer, answer.article_id, tuple(sources), answer.confidence, answer.route)


def default_services() -> Services:
    """Every service bound to the product's modules."""
    return Services(
        interpreter=default_interpreter(),
        taxes=CoreTaxes(),
        places=CorePlaces(),
        calendar=CoreCalendar(),
        consultant=CoreConsultant(),
    )


# ---- effects: filing 910.00 and payments (dialogs.effects.ports), bound to the integrations --------------------
# The adapters import the integrations lazily: the dialogs stay importable without them and import no HTTP stack.


class EgovPhoneSigning:
    """``PhoneSigning`` over ``integrations.signing.egov_mobile.EgovMobileService`` (its aiohttp sub-app, mounted
    by the runtime under ``service.base_url``, is what eGov mobile talks to)."""

    def __init__(self, service: Any) -> None:
        self.service = service

    def request(self, xml: bytes, document: SignDocument) -> SignLink:
        from integrations.signing import SigningContext

        context = SigningContext(
            user_id=document.user_id,
            document_id=document.document_id,
            purpose=document.purpose,
            title_ru=document.title_ru,
            title_kk=document.title_kk,
            expected_iin=document.expected_iin,
        )
        made = self.service.create(xml, context)
        return SignLink(made.id, made.deep_link, made.qr_png, made.expires_at)

    def check(self, request_id: str) -> SignCheck:
        from integrations.signing import SigningError

        try:
            found = self.service.status(request_id)
        except SigningError:
            return SignCheck("unknown")  # a restart forgot the request: the user gets a new link
        state = str(found.state)
        if state == "signed" and found.signed_xml is not None:
            return SignCheck("signed", bytes(found.signed_xml))
        return SignCheck("pending" if state == "pending" else "expired")


class KeptKeySigning:
    """``KeptSigning`` over ``integrations.signing.KeyVault`` + ``KeptKeySigner`` (which audits every use)."""

    def __init__(self, vault: Any, signer: Any) -> None:
        self.vault = vault
        self.signer = signer

    async def has_key(self, user_id: str, store: object | None = None) -> bool:
        return bool(await self.vault.has_key(user_id))

    async def sign(self, xml: bytes, document: SignDocument, store: object | None = None) -> bytes:
        from integrations.signing import SigningContext, SigningError

        context = SigningContext(
            document.user_id,
            document.document_id,
            document.purpose,
            document.title_ru,
            document.title_kk,
            document.expected_iin,
        )
        try:
            return bytes(await self.signer.sign_xml(xml, context))
        except SigningError as exc:
            raise SignRefused(exc.code) from None


class CabinetAdapter:
    """``Cabinet`` over an ``integrations.tax_cabinet.TaxCabinet`` (``LocalTaxCabinet`` / ``HttpTaxCabinet``)."""

    def __init__(self, cabinet: Any) -> None:
        self.cabinet = cabinet

    async def submit(self, signed_xml: bytes, idempotency_key: str) -> CabinetAnswer:
        from integrations.tax_cabinet import TaxCabinetError

        try:
            found = await self.cabinet.submit(signed_xml, idempotency_key)
        except TaxCabinetError as exc:
            if exc.code in ("transport", "server"):
                raise EffectUnavailable(exc.code) from None
            raise
        return CabinetAnswer(found.registration_number, str(found.status), tuple(found.reasons))

    async def status(self, registration_number: str) -> CabinetAnswer:
        from integrations.tax_cabinet import TaxCabinetError

        try:
            found = await self.cabinet.status(registration_number)
        except TaxCabinetError as exc:
            if exc.code in ("transport", "server"):
                raise EffectUnavailable(exc.code) from None
            raise
        return CabinetAnswer(registration_number, str(found.status), tuple(found.reasons))


class BankAdapter:
    """``BankPort`` over an ``integrations.bank.Bank`` (``LocalBank`` / ``HttpBank``)."""

    def __init__(self, bank: Any) -> None:
        self.bank = bank

    @staticmethod
    def _answer(found: Any) -> BankAnswer:
        reasons = tuple((r.code, r.text_ru, r.text_kk) for r in found.reasons)
        return BankAnswer(found.id, found.number, str(found.state), reasons)

    async def send(self, order: Any, idempotency_key: str, signature: bytes | None = None) -> BankAnswer:
        from integrations.bank import BankError

        try:
            signed = {"signature": signature} if signature is not None else {}
            return self._answer(await self.bank.send(order, idempotency_key, **signed))
        except BankError as exc:
            if exc.code in ("transport", "server"):
                raise EffectUnavailable(exc.code) from None
            raise

    async def status(self, order_id: str) -> BankAnswer:
        from integrations.bank import BankError

        try:
            return self._answer(await self.bank.status(order_id))
        except BankError as exc:
            if exc.code in ("transport", "server"):
                raise EffectUnavailable(exc.code) from None
            raise


def sandbox_iban(user_id: str, bank_code: str = "722S") -> str:
    """A valid KZ IBAN for a user's sandbox account (mod-97 check digits), stable per user."""
    bban = f"{bank_code}9{int(user_id):011d}"  # the leading 9 keeps clear of the platform's placeholder account
    digits = "".join(str(int(ch, 36)) for ch in f"{bban}KZ00")
    return f"KZ{98 - int(digits) % 97:02d}{bban}"


class SandboxAccounts:
    """``Accounts`` for local mode: each user gets an account in the ``SandboxBank`` with ``balance`` on it."""

    def __init__(self, sandbox: Any, balance: Decimal = Decimal(1_000_000), bic: str = "CASPKZKA") -> None:
        self.sandbox = sandbox
        self.balance = balance
        self.bic = bic
        self._opened: set[str] = set()

    async def account(self, user_id: str, iin: str) -> PayerAccount | None:
        iban = sandbox_iban(user_id)
        if iban not in self._opened:
            self.sandbox.open_account(iban, iin, self.balance)
            self._opened.add(iban)
        return PayerAccount(iban, self.bic, "Sandbox Bank")


@dataclass(slots=True)
class LocalEffects:
    """The sandboxes behind local mode's effect ports (see ``local_effect_services``)."""

    cabinet: Any  # integrations.tax_cabinet.SandboxCabinet
    egov: Any  # integrations.signing.egov_mobile.EgovMobileService: mount app.create_egov_app(egov) at its base_url
    bank: Any  # integrations.bank.SandboxBank
    filing: FilingPorts
    payment: PaymentPorts


def local_effects(
    egov_base_url: str,
    *,
    test_mode: bool = False,
    clock: Any = None,
    key_vault: Any = None,
    account_balance: Decimal = Decimal(1_000_000),
) -> LocalEffects:
    """Local mode: the sandbox tax cabinet and bank in process, eGov mobile signing served at ``egov_base_url``
    (the runtime mounts ``integrations.signing.egov_mobile.app.create_egov_app(result.egov)`` there), and — when
    ``key_vault`` (a ``KeyVault``) is given — the opt-in kept key. ``test_mode`` accepts the NCA test keys and ИИН."""
    from integrations.bank import LocalBank, SandboxBank
    from integrations.signing import CertificatePolicy, KeptKeySigner
    from integrations.signing.egov_mobile import EgovMobileService
    from integrations.tax_cabinet import LocalTaxCabinet, SandboxCabinet, SystemClock

    clock = clock or SystemClock()
    policy = CertificatePolicy(allow_test_keys=test_mode, clock=clock.now)
    cabinet = SandboxCabinet(test_mode=test_mode, clock=clock)
    egov = EgovMobileService(egov_base_url, policy, clock=clock.now)
    bank = SandboxBank(clock=clock)
    phone = EgovPhoneSigning(egov)
    kept = None
    if key_vault is not None:
        from integrations.signing.kept_key import AuditSink

        class _NoAudit:  # the flow audits every use in the database itself (filing.signed / refused)
            async def record(self, event: str, user_id: str, details: Any) -> None:
                return None

        audit: AuditSink = _NoAudit()
        kept = KeptKeySigning(key_vault, KeptKeySigner(key_vault, policy, audit))
    filing = FilingPorts(CabinetAdapter(LocalTaxCabinet(cabinet)), phone, kept, allow_test_iin=test_mode)
    payment = PaymentPorts(BankAdapter(LocalBank(bank)), SandboxAccounts(bank, account_balance), phone)
    return LocalEffects(cabinet, egov, bank, filing, payment)


def effect_services(
    filing: FilingPorts | None = None,
    payment: PaymentPorts | None = None,
    *,
    documents: DocumentPorts | None = None,
    esf: EsfPorts | None = None,
    notices: NoticePorts | None = None,
    registration: RegistrationPorts | None = None,
    keys: KeyPorts | None = None,
) -> EffectServices:
    """``default_services()`` plus the effect ports: what ``build_engine(database, services=…)`` takes."""
    base = default_services()
    return EffectServices(
        interpreter=base.interpreter,
        taxes=base.taxes,
        places=base.places,
        calendar=base.calendar,
        consultant=base.consultant,
        filing=filing,
        payment=payment,
        documents=documents,
        esf=esf,
        notices=notices,
        registration=registration,
        keys=keys,
    )
