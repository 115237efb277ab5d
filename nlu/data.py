"""Read NLU training and evaluation data in the Rasa 3 YAML format (``version: "3.1"``, an ``nlu:`` list).

Supported blocks: ``intent`` with ``examples: |`` lines, ``synonym``, ``lookup`` and ``regex`` (read and kept; the
rule-based extractors use their own lexicons). Entity annotations inside examples: ``[text](entity)``,
``[text](entity:value)`` (Rasa shorthand) and ``[text]{"entity": "x", "value": "y"}``. An annotation without a value
means the value is the text as written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).with_name("data")
HELDOUT_FILE = Path(__file__).with_name("eval") / "heldout.yml"
BLIND_FILE = Path(__file__).with_name("eval") / "blind.yml"
"""A second evaluation set written after tuning and never used for a modelling decision (docs/nlu.md)."""

# The same grammar as rasa/shared/nlu/training_data/entities_parser.py (without list-of-dicts annotations).
_ANNOTATION = re.compile(
    r"\[(?P<text>[^\]]+?)\](?:\((?P<entity>[^:)]+?)(?::(?P<value>[^)]+))?\)|\{(?P<dict>[^}]+?)\})"
)


class DataError(ValueError):
    """A training or evaluation file is not valid Rasa 3 NLU YAML."""


@dataclass(frozen=True, slots=True)
class Annotation:
    """A gold entity of an example: offsets into the plain text and the normalised value."""

    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Example:
    """One example line: plain text (annotations removed), its intent and gold entities."""

    text: str
    intent: str
    entities: tuple[Annotation, ...] = ()


@dataclass(slots=True)
class NluData:
    """Everything read from one or more files."""

    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)
    lookups: dict[str, list[str]] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)


def parse_example(line: str, intent: str) -> Example:
    """Strip annotations from one example line and record them with offsets into the plain text."""
    plain: list[str] = []
    found: list[Annotation] = []
    pos = 0
    length = 0
    for match in _ANNOTATION.finditer(line):
        before = line[pos : match.start()]
        plain.append(before)
        length += len(before)
        surface = match.group("text")
        entity, value = _annotation_target(match, surface)
        found.append(Annotation(entity, value, length, length + len(surface)))
        plain.append(surface)
        length += len(surface)
        pos = match.end()
    plain.append(line[pos:])
    return Example("".join(plain), intent, tuple(found))


def _annotation_target(match: re.Match[str], surface: str) -> tuple[str, str]:
    if match.group("dict") is not None:
        try:
            meta = json.loads("{" + match.group("dict") + "}")
        except json.JSONDecodeError as exc:
            raise DataError(f"bad entity annotation {match.group(0)!r}: {exc.msg}") from None
        if not isinstance(meta, dict) or "entity" not in meta:
            raise DataError(f"entity annotation without 'entity': {match.group(0)!r}")
        return str(meta["entity"]), str(meta.get("value", surface))
    return match.group("entity"), match.group("value") or surface


def _example_lines(block: dict[str, Any], where: str) -> list[str]:
    raw = block.get("examples")
    if not isinstance(raw, str):
        raise DataError(f"{where}: 'examples' must be a block string of '- ' lines")
    lines = []
    for line in raw.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not stripped.startswith("- "):
            raise DataError(f"{where}: example line must start with '- ': {stripped!r}")
        lines.append(stripped[2:].strip())
    return lines


def load_text(text: str, where: str = "<string>") -> NluData:
    """Parse the YAML text of one file."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataError(f"{where}: not YAML: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("nlu"), list):
        raise DataError(f"{where}: expected a mapping with an 'nlu:' list")
    data = NluData()
    for block in doc["nlu"]:
        _read_block(block, data, where)
    return data


def _read_block(block: Any, data: NluData, where: str) -> None:
    if not isinstance(block, dict):
        raise DataError(f"{where}: every 'nlu:' item must be a mapping")
    if "intent" in block:
        intent = str(block["intent"])
        data.examples.extend(parse_example(line, intent) for line in _example_lines(block, f"{where}:{intent}"))
    elif "synonym" in block:
        for line in _example_lines(block, where):
            data.synonyms[line.lower()] = str(block["synonym"])
    elif "lookup" in block:
        data.lookups.setdefault(str(block["lookup"]), []).extend(_example_lines(block, where))
    elif "regex" in block:
        data.regexes.setdefault(str(block["regex"]), []).extend(_example_lines(block, where))
    else:
        raise DataError(f"{where}: unknown block {sorted(block)}")


def load_files(paths: Iterable[Path]) -> NluData:
    """Read and merge several files."""
    merged = NluData()
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise DataError(f"cannot read {path}: {exc.strerror}") from None
        part = load_text(text, str(path))
        merged.examples.extend(part.examples)
        merged.synonyms.update(part.synonyms)
        for key, values in part.lookups.items():
            merged.lookups.setdefault(key, []).extend(values)
        for key, values in part.regexes.items():
            merged.regexes.setdefault(key, []).extend(values)
    return merged


def training_files(directory: Path = DATA_DIR) -> list[Path]:
    """The training files, sorted so the model is built the same way every time."""
    return sorted(directory.glob("*.yml"))
