"""Explanations: every calculator returns a ``CalcResult`` whose lines carry a trace ("как посчитано?").

A ``TraceStep`` holds the rule in words (Russian and Kazakh), the inputs, the parameter values used (path, value,
date in force, legal reference) and the rounded result. ``render_explanation`` turns a result into a short chat text;
``CalcResult.to_json`` gives the stable JSON shape of the CLI (amounts as integers of whole tenge, dates ISO).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from core.rules.loader import ParameterValue

Lang = Literal["ru", "kk"]
InputValue = Decimal | int | str | bool | dt.date | None


@dataclass(frozen=True, slots=True)
class ParamUse:
    """A parameter value a step used, with where it comes from."""

    path: str
    value: Any
    since: dt.date
    cite: str
    verify: bool = False
    title: str = ""

    @classmethod
    def of(cls, value: ParameterValue) -> ParamUse:
        ref = value.reference
        title = f"{ref.title}, {ref.article}" if ref.article else ref.title
        return cls(value.path, value.value, value.since, ref.cite(), value.verify, title)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "value": jsonable(self.value),
            "since": self.since.isoformat(),
            "reference": self.cite,
            "verify": self.verify,
        }


@dataclass(frozen=True, slots=True)
class TraceStep:
    """How one line was computed."""

    line: str
    label_ru: str
    label_kk: str
    rule_ru: str
    rule_kk: str
    inputs: Mapping[str, InputValue]
    params: tuple[ParamUse, ...]
    result: Decimal

    def label(self, lang: Lang) -> str:
        return self.label_kk if lang == "kk" else self.label_ru

    def rule(self, lang: Lang) -> str:
        return self.rule_kk if lang == "kk" else self.rule_ru

    def to_json(self, lang: Lang = "ru") -> dict[str, Any]:
        return {
            "line": self.line,
            "label": self.label(lang),
            "rule": self.rule(lang),
            "inputs": {k: jsonable(v) for k, v in self.inputs.items()},
            "params": [p.to_json() for p in self.params],
            "result": jsonable(self.result),
        }


@dataclass(frozen=True, slots=True)
class CalcWarning:
    """Something the user should know about a result (``limit_80``, ``default_rate_used``, …)."""

    code: str
    text_ru: str
    text_kk: str

    def text(self, lang: Lang) -> str:
        return self.text_kk if lang == "kk" else self.text_ru

    def to_json(self, lang: Lang = "ru") -> dict[str, str]:
        return {"code": self.code, "text": self.text(lang)}


@dataclass(frozen=True)
class CalcResult:
    """What every calculator returns: whole-tenge lines, their total, the trace, warnings and extra facts."""

    kind: str
    period: str
    lines: dict[str, Decimal]
    total: Decimal
    trace: list[TraceStep]
    warnings: list[CalcWarning] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def step(self, line: str) -> TraceStep:
        """The trace step of ``line`` (raises ``KeyError`` when there is none)."""
        for item in self.trace:
            if item.line == line:
                return item
        raise KeyError(line)

    def to_json(self, lang: Lang = "ru") -> dict[str, Any]:
        """The stable JSON shape: kind, period, lines, total, warnings, trace, then the extra keys."""
        payload: dict[str, Any] = {
            "kind": self.kind,
            "period": self.period,
            "lines": {k: jsonable(v) for k, v in self.lines.items()},
            "total": jsonable(self.total),
            "warnings": [w.to_json(lang) for w in self.warnings],
            "trace": [s.to_json(lang) for s in self.trace],
        }
        for key, value in self.extra.items():
            payload.setdefault(key, jsonable(value))
        return payload


def jsonable(value: Any) -> Any:
    """Decimals → int when whole (else string), dates → ISO, containers recursively."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value.normalize())
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, Sequence):
        return [jsonable(v) for v in value]
    return str(value)


def format_amount(amount: Decimal) -> str:
    """``Decimal("8500")`` → ``"8 500 ₸"`` (whole tenge, spaces between thousands)."""
    sign = "−" if amount < 0 else ""
    whole = f"{abs(amount):,.0f}".replace(",", " ")
    return f"{sign}{whole} ₸"


def format_share(share: Decimal) -> str:
    """A share as a percent: ``Decimal("0.04")`` → ``"4 %"``."""
    percent = (share * 100).normalize()
    text = f"{percent:f}".replace(".", ",")
    return f"{text} %"


_TITLES: dict[str, tuple[str, str]] = {
    "self": ("Взносы ИП за себя", "ЖК-нің өзі үшін жарналары"),
    "payroll": ("Налоги и взносы с зарплаты работника", "Қызметкер жалақысынан салықтар мен жарналар"),
    "910": ("Упрощённая декларация 910.00", "910.00 оңайлатылған декларациясы"),
    "self_employed": ("Платежи самозанятого", "Өзін-өзі жұмыспен қамтыған тұлғаның төлемдері"),
}
_WORDS: dict[str, tuple[str, str]] = {
    "how": ("как посчитано", "қалай есептелді"),
    "total": ("Итого", "Барлығы"),
    "basis": ("Основание", "Негіздеме"),
    "verify": ("требует проверки", "тексеруді қажет етеді"),
}


def _word(key: str, lang: Lang) -> str:
    ru, kk = _WORDS[key]
    return kk if lang == "kk" else ru


def _basis(step: TraceStep, lang: Lang) -> str:
    cites: list[str] = []
    for param in step.params:
        if param.path.startswith("base."):
            continue  # МРП/МЗП are named in the rule text; their budget-law citation would only add noise
        mark = f" ({_word('verify', lang)})" if param.verify else ""
        cite = f"{param.title}{mark}"
        if cite not in cites:
            cites.append(cite)
    return "; ".join(cites)


def render_explanation(result: CalcResult, lang: Lang = "ru") -> str:
    """A concise chat answer to "как посчитано?": one bullet per line with its rule and legal basis."""
    ru, kk = _TITLES.get(result.kind, (result.kind, result.kind))
    title = kk if lang == "kk" else ru
    out = [f"{title}, {result.period} — {_word('how', lang)}:"]
    for step in result.trace:
        out.append(f"• {step.label(lang)}: {format_amount(step.result)} — {step.rule(lang)}")
        basis = _basis(step, lang)
        if basis:
            out.append(f"  {_word('basis', lang)}: {basis}")
    out.append(f"{_word('total', lang)}: {format_amount(result.total)}")
    out.extend(f"⚠ {w.text(lang)}" for w in result.warnings)
    return "\n".join(out)
