"""The tracer calculators use: read parameters (recording them), then close each line with its rule in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from core.calc.labels import label
from core.explain import CalcResult, CalcWarning, InputValue, ParamUse, TraceStep
from core.money import whole_tenge
from core.rules import ParameterTree, ParameterValue, parameters


class Tracer:
    """Collects the parameter values read since the last line and attaches them to that line's trace step."""

    def __init__(self, on: dt.date, tree: ParameterTree | None = None) -> None:
        self.on = on
        self._tree = tree or parameters()
        self._pending: list[ParamUse] = []
        self.lines: dict[str, Decimal] = {}
        self.trace: list[TraceStep] = []
        self.warnings: list[CalcWarning] = []

    def param(self, path: str, on: dt.date | None = None) -> ParameterValue:
        value = self._tree.at(path, on or self.on)
        use = ParamUse.of(value)
        if use not in self._pending:
            self._pending.append(use)
        return value

    def peek(self, path: str) -> Any:
        """A parameter's value without recording it (for dispatching, not for a line's computation)."""
        return self._tree.value(path, self.on)

    def use(self, use: ParamUse) -> None:
        """Record a value that does not come from the parameter tree (a place's maslikhat rate)."""
        if use not in self._pending:
            self._pending.append(use)

    def d(self, path: str, on: dt.date | None = None) -> Decimal:
        """A numeric parameter as ``Decimal``."""
        return self.param(path, on).decimal()

    def v(self, path: str, on: dt.date | None = None) -> Any:
        """A parameter's bare value (bool, code, list)."""
        return self.param(path, on).value

    def mzp(self, path: str) -> Decimal:
        """A parameter in МЗП multiples, in tenge."""
        return self.d(path) * self.d("base.mzp")

    def mrp(self, path: str, on: dt.date | None = None) -> Decimal:
        """A parameter in МРП multiples, in tenge (МРП on ``on``, default the period's date)."""
        return self.d(path, on) * self.d("base.mrp", on)

    def line(
        self,
        key: str,
        amount: Decimal,
        rule_ru: str,
        rule_kk: str,
        inputs: Mapping[str, InputValue] | None = None,
    ) -> Decimal:
        """Round ``amount`` half-up to whole tenge, record it as line ``key`` with its trace step, return it."""
        value = whole_tenge(amount)
        label_ru, label_kk = label(key)
        step = TraceStep(key, label_ru, label_kk, rule_ru, rule_kk, dict(inputs or {}), tuple(self._pending), value)
        self._pending = []
        self.lines[key] = value
        self.trace.append(step)
        return value

    def warn(self, warning: CalcWarning | None) -> None:
        if warning is not None and warning not in self.warnings:
            self.warnings.append(warning)

    def result(self, kind: str, period: str, total: Decimal, extra: dict[str, Any] | None = None) -> CalcResult:
        return CalcResult(kind, period, dict(self.lines), total, list(self.trace), list(self.warnings), extra or {})
