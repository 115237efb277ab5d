"""Tax calculators for an ИП in Kazakhstan, 2024–2026 — pure functions over the dated rules in ``core/rules``.

Every calculator returns a ``core.explain.CalcResult``: ``lines`` (whole-tenge ``Decimal`` per line key), ``total``,
``trace`` (one ``TraceStep`` per line: rule in ru/kk, inputs, parameter values with references, result),
``warnings`` (``CalcWarning(code, text_ru, text_kk)``) and ``extra`` (facts such as ``ipn``, ``eligible``).
``render_explanation(result, lang)`` answers "как посчитано?"; ``result.to_json(lang)`` is the CLI's JSON.

Bad input raises ``CalcInputError`` (``UnsupportedPeriodError`` for a year or regime the rules do not cover,
``UnknownPlaceError`` for a place id not in ``core/rules/places.yaml``) — all subclasses of ``ValueError``.

    from core.calc import self_payments, payroll, declaration_910, self_employed
    self_payments("2026-03", Decimal(300000))                 # lines opv, opvr, so, vosms
    payroll("2026-03", Decimal(300000), employer="legal_entity")
    declaration_910(2026, 1, places={"astana": Decimal(8_000_000), "karasai": Decimal(4_000_000)})
    self_employed("2026-03", Decimal(500000))                 # extra["eligible"]
    limit_usage("simplified", 2026, Decimal(2_000_000_000))    # lines limit, used, remaining + limit_* warnings
    payment_requisites("so", date(2026, 4, 25))              # BIC, IIK, KNP, KBK, KBe (+ which need verifying)
"""

from __future__ import annotations

from core.calc.errors import CalcInputError, UnknownPlaceError, UnsupportedPeriodError
from core.calc.limits import limit_usage, limit_warning, simplified_limit, vat_threshold, vat_warning
from core.calc.payroll import EMPLOYERS, Employer, payroll
from core.calc.periods import HalfYear, Month, supported_years
from core.calc.requisites import PAYMENTS, PaymentRequisites, payment_requisites
from core.calc.self_employed import self_employed
from core.calc.self_payments import self_payments
from core.calc.simplified import PlaceShare, declaration_910
from core.explain import CalcResult, CalcWarning, ParamUse, TraceStep, render_explanation

__all__ = [
    "EMPLOYERS",
    "PAYMENTS",
    "CalcInputError",
    "CalcResult",
    "CalcWarning",
    "Employer",
    "HalfYear",
    "Month",
    "ParamUse",
    "PaymentRequisites",
    "PlaceShare",
    "TraceStep",
    "UnknownPlaceError",
    "UnsupportedPeriodError",
    "declaration_910",
    "limit_usage",
    "limit_warning",
    "payment_requisites",
    "payroll",
    "render_explanation",
    "self_employed",
    "self_payments",
    "simplified_limit",
    "supported_years",
    "vat_threshold",
    "vat_warning",
]
