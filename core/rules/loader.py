"""Dated, sourced parameters (OpenFisca-style) loaded from the YAML tree in ``core/rules/parameters``.

Layout: a directory is a node, a ``.yaml`` file is a node, and inside a file any mapping that has a ``values`` key is
a leaf parameter. The dotted path of a leaf is its directory, file and key names: ``social/opv.yaml`` with key
``rate`` is ``social.opv.rate``. A file whose top-level mapping itself has ``values`` is a leaf named after the file.

A leaf::

    rate:
      description: ОПВ — обязательные пенсионные взносы, ставка
      unit: /1            # /1 (a share), KZT, MRP, MZP, date, code, text, bool, count
      values:
        2024-01-01:
          value: 0.10
          reference: {title: "Социальный кодекс РК", article: "ст. 249", href: "https://adilet.zan.kz/…"}
          confidence: H   # H / M / L, as in shared/docs/kz-tax-rules.md
        2027-01-01: expected          # announced change, ignored until it gets a value

A value holds from its date (``since``) until the next one. Numbers are read as ``Decimal`` straight from their
YAML text (never through ``float``). Every value must carry a reference with a title and an ``href`` or ``article``.
Optional per-value keys: ``confidence``, ``verify`` (bool: the reference has doubts), ``note``, ``choice``
(for contested items: which option is the default and why).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PARAMETERS_DIR = Path(__file__).with_name("parameters")
_LEAF_META = frozenset({"description", "unit", "values", "metadata", "documentation", "label_kk"})
_VALUE_KEYS = frozenset({"value", "reference", "confidence", "verify", "note", "choice", "alternatives"})


class ParameterError(ValueError):
    """The parameter tree is malformed, or a path or date has no value."""


@dataclass(frozen=True, slots=True)
class Reference:
    """Where a value comes from: the legal act or source, its article, a URL."""

    title: str
    href: str | None = None
    article: str | None = None

    def cite(self) -> str:
        """One-line citation for chat and CLI: title, article, URL."""
        parts = [self.title]
        if self.article:
            parts.append(self.article)
        if self.href:
            parts.append(self.href)
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class ParameterValue:
    """One dated value of a parameter, with its provenance."""

    path: str
    value: Any
    since: dt.date
    reference: Reference
    unit: str | None = None
    description: str = ""
    confidence: str | None = None
    verify: bool = False
    note: str | None = None
    choice: str | None = None

    def decimal(self) -> Decimal:
        """The value as a ``Decimal`` (raises if it is not a number)."""
        if isinstance(self.value, bool) or not isinstance(self.value, int | Decimal):
            raise ParameterError(f"{self.path} is not a number: {self.value!r}")
        return Decimal(self.value)


@dataclass(frozen=True, slots=True)
class Parameter:
    """A leaf of the tree: its dated values, oldest first."""

    path: str
    description: str
    unit: str | None
    values: tuple[ParameterValue, ...]
    expected: tuple[dt.date, ...] = field(default=())

    def at(self, on: dt.date) -> ParameterValue:
        """The value in force on ``on``; raises ``ParameterError`` before the first date."""
        found: ParameterValue | None = None
        for item in self.values:
            if item.since <= on:
                found = item
            else:
                break
        if found is None:
            raise ParameterError(f"{self.path} has no value on {on.isoformat()}")
        return found


class ParameterTree:
    """All parameters, addressable by dotted path."""

    def __init__(self, parameters: Mapping[str, Parameter]) -> None:
        self._parameters = dict(parameters)

    def __contains__(self, path: object) -> bool:
        return path in self._parameters

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self._parameters.values())

    def __len__(self) -> int:
        return len(self._parameters)

    def get(self, path: str) -> Parameter:
        """The parameter at ``path``; raises ``ParameterError`` when there is none."""
        try:
            return self._parameters[path]
        except KeyError:
            raise ParameterError(f"unknown parameter {path!r}") from None

    def at(self, path: str, on: dt.date) -> ParameterValue:
        """The value of ``path`` in force on ``on``, with its reference."""
        return self.get(path).at(on)

    def value(self, path: str, on: dt.date) -> Any:
        """The bare value of ``path`` on ``on``."""
        return self.at(path, on).value

    def decimal(self, path: str, on: dt.date) -> Decimal:
        """The value of ``path`` on ``on`` as a ``Decimal``."""
        return self.at(path, on).decimal()

    def paths(self, prefix: str = "") -> list[str]:
        """Sorted dotted paths, optionally under ``prefix``."""
        return sorted(p for p in self._parameters if p.startswith(prefix))


class _DecimalLoader(yaml.SafeLoader):
    """YAML loader that reads floats as ``Decimal`` from their text and refuses duplicate keys."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = str(loader.construct_scalar(node))  # type: ignore[arg-type]
    return Decimal(text.replace("_", ""))


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
    assert isinstance(node, yaml.MappingNode)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in result:
            raise ParameterError(f"duplicate key {key!r} at {key_node.start_mark}")
        result[key] = loader.construct_object(value_node, deep=deep)
    return result


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_DecimalLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path) -> Any:
    """Read a YAML file with ``Decimal`` numbers and no duplicate keys."""
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_DecimalLoader)  # noqa: S506 - a SafeLoader subclass


def _reference(path: str, raw: Any) -> Reference:
    if not isinstance(raw, Mapping) or not raw.get("title") or not (raw.get("href") or raw.get("article")):
        raise ParameterError(f"{path}: every value needs reference {{title, href or article}}")
    return Reference(title=str(raw["title"]), href=raw.get("href"), article=raw.get("article"))


def _leaf(path: str, raw: Mapping[str, Any]) -> Parameter:
    unknown = set(raw) - _LEAF_META
    if unknown:
        raise ParameterError(f"{path}: unknown keys {sorted(unknown)}")
    values: list[ParameterValue] = []
    expected: list[dt.date] = []
    description = str(raw.get("description", ""))
    unit = raw.get("unit")
    for since, item in sorted((raw.get("values") or {}).items()):
        if not isinstance(since, dt.date):
            raise ParameterError(f"{path}: value dates must be YYYY-MM-DD, got {since!r}")
        if item == "expected":
            expected.append(since)
            continue
        if not isinstance(item, Mapping) or "value" not in item:
            raise ParameterError(f"{path} {since}: a value needs a 'value' key")
        extra = set(item) - _VALUE_KEYS
        if extra:
            raise ParameterError(f"{path} {since}: unknown keys {sorted(extra)}")
        values.append(
            ParameterValue(
                path=path,
                value=item["value"],
                since=since,
                reference=_reference(f"{path} {since}", item.get("reference")),
                unit=unit,
                description=description,
                confidence=item.get("confidence"),
                verify=bool(item.get("verify", False)),
                note=item.get("note"),
                choice=item.get("choice"),
            )
        )
    if not values:
        raise ParameterError(f"{path}: no values")
    return Parameter(path, description, unit, tuple(values), tuple(expected))


def _walk(prefix: str, raw: Any, out: dict[str, Parameter]) -> None:
    if not isinstance(raw, Mapping):
        raise ParameterError(f"{prefix}: expected a mapping")
    if "values" in raw:
        out[prefix] = _leaf(prefix, raw)
        return
    for key, child in raw.items():
        if key in ("description", "metadata", "documentation"):
            continue
        _walk(f"{prefix}.{key}" if prefix else str(key), child, out)


def load_tree(root: Path = PARAMETERS_DIR) -> ParameterTree:
    """Load every ``*.yaml`` under ``root`` into a ``ParameterTree`` (validated)."""
    out: dict[str, Parameter] = {}
    for file in sorted(root.rglob("*.yaml")):
        if file.name.startswith("_") or file.name.endswith(".test.yaml"):
            continue
        rel = file.relative_to(root).with_suffix("")
        prefix = ".".join(rel.parts)
        if rel.name == "index":
            prefix = ".".join(rel.parts[:-1])
        _walk(prefix, read_yaml(file), out)
    return ParameterTree(out)


@lru_cache(maxsize=1)
def parameters() -> ParameterTree:
    """The project's parameter tree, loaded once per process."""
    return load_tree()
