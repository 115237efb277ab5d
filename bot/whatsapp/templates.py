"""WhatsApp message templates kept as data (``templates.yaml``): rendering a ``Reply.template`` for sending, and the
export in the shape Meta's template API takes (``POST /{WABA_ID}/message_templates``), for submission.

    python -m bot.whatsapp.templates > templates.json
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from dialogs.contract import Reply

JsonDict = dict[str, Any]
TEMPLATES_FILE = Path(__file__).with_name("templates.yaml")
LANGUAGES = ("ru", "kk")
_VARIABLE = re.compile(r"\{\{(\d+)\}\}")
MAX_PARAMETER = 1024


class TemplateError(ValueError):
    """A template file that does not hold together, or a reply that cannot go as its template."""


@dataclass(frozen=True, slots=True)
class Template:
    """One template in one language."""

    name: str
    language: str
    category: str
    parameters: tuple[str, ...]
    body: str
    buttons: tuple[str, ...]
    example: tuple[str, ...]

    def render(self, values: Sequence[str]) -> str:
        """The body with its variables filled (what the user reads)."""
        return _VARIABLE.sub(lambda m: _parameter(values[int(m.group(1)) - 1]), self.body)


class TemplateRegistry:
    """The templates by (name, language)."""

    def __init__(self, templates: list[Template]) -> None:
        self._by_key = {(t.name, t.language): t for t in templates}

    def __iter__(self) -> Iterator[Template]:
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)

    def get(self, name: str, language: str) -> Template | None:
        return self._by_key.get((name, language)) or self._by_key.get((name, "ru"))

    def has(self, name: str) -> bool:
        return any(key[0] == name for key in self._by_key)

    def message(self, reply: Reply, language: str) -> JsonDict:
        """The ``type: template`` message for ``reply`` (``TemplateError`` when it has none or it does not fit)."""
        if reply.template is None:
            raise TemplateError("the reply has no template")
        name, values = reply.template
        template = self.get(name, language)
        if template is None:
            raise TemplateError(f"no template {name!r}")
        if len(values) != len(template.parameters):
            raise TemplateError(f"template {name!r} takes {len(template.parameters)} parameters, got {len(values)}")
        components: list[JsonDict] = [
            {"type": "body", "parameters": [{"type": "text", "text": _parameter(v)} for v in values]}
        ]
        payloads = [b.payload for row in reply.buttons for b in row]
        for index, payload in enumerate(payloads[: len(template.buttons)]):
            components.append(
                {
                    "type": "button",
                    "sub_type": "quick_reply",
                    "index": str(index),
                    "parameters": [{"type": "payload", "payload": payload}],
                }
            )
        return {
            "type": "template",
            "template": {"name": name, "language": {"code": template.language}, "components": components},
        }

    def export(self) -> list[JsonDict]:
        """Every template in the shape of Meta's ``message_templates`` create call."""
        return [_export(t) for t in self]


def _parameter(value: str) -> str:
    """Meta refuses newlines, tabs and long runs of spaces in a parameter: one line, single spaces."""
    return " ".join(str(value).split())[:MAX_PARAMETER] or "—"


def _export(template: Template) -> JsonDict:
    body: JsonDict = {"type": "BODY", "text": template.body}
    if template.parameters:
        body["example"] = {"body_text": [list(template.example)]}
    components: list[JsonDict] = [body]
    if template.buttons:
        buttons = [{"type": "QUICK_REPLY", "text": b} for b in template.buttons]
        components.append({"type": "BUTTONS", "buttons": buttons})
    return {
        "name": template.name,
        "language": template.language,
        "category": template.category.upper(),
        "parameter_format": "POSITIONAL",
        "components": components,
    }


def parse(raw: Any) -> TemplateRegistry:
    """Templates from the YAML structure, checked: variables 1..n match the parameters, examples given, ru and kk."""
    if not isinstance(raw, dict) or not isinstance(raw.get("templates"), dict):
        raise TemplateError("a mapping 'templates' expected")
    found: list[Template] = []
    for name, spec in raw["templates"].items():
        parameters = tuple(str(p) for p in spec.get("parameters", []))
        category = str(spec.get("category", ""))
        if category != "utility":
            raise TemplateError(f"{name}: category must be utility")
        languages = spec.get("languages", {})
        if set(languages) != set(LANGUAGES):
            raise TemplateError(f"{name}: languages must be {', '.join(LANGUAGES)}")
        for language, text in languages.items():
            template = Template(
                name=str(name),
                language=str(language),
                category=category,
                parameters=parameters,
                body=str(text["body"]),
                buttons=tuple(str(b) for b in text.get("buttons", [])),
                example=tuple(str(e) for e in text.get("example", [])),
            )
            _check(template)
            found.append(template)
    return TemplateRegistry(found)


def _check(template: Template) -> None:
    where = f"{template.name}/{template.language}"
    numbers = sorted({int(n) for n in _VARIABLE.findall(template.body)})
    if numbers != list(range(1, len(template.parameters) + 1)):
        raise TemplateError(f"{where}: variables {numbers} do not match parameters {list(template.parameters)}")
    if len(template.example) != len(template.parameters):
        raise TemplateError(f"{where}: one example per parameter")
    stripped = template.body.strip()
    if stripped.startswith("{{") or stripped.endswith("}}"):
        raise TemplateError(f"{where}: a body may not start or end with a variable")
    if len(template.body) > 1024 or any(len(b) > 25 for b in template.buttons):
        raise TemplateError(f"{where}: body over 1024 or a button over 25 characters")


@lru_cache(maxsize=1)
def default_registry() -> TemplateRegistry:
    """The repository's templates (``templates.yaml``)."""
    return load(TEMPLATES_FILE)


def load(path: Path) -> TemplateRegistry:
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")))


def main() -> None:
    json.dump(default_registry().export(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
