"""Tax filings: form 910.00 as СОНО wire XML (template v27 r133), its checks, and additional declarations.

    from core.filings import Taxpayer, declaration_from_result, build_910, check_910, additional_910
    result = declaration_910(2026, 1, income=Decimal(12_000_000), place="astana")        # core.calc
    decl = declaration_from_result(result, Taxpayer("900101300007", "ИВАНОВ ИВАН"), submit_date=today)
    xml = build_910(decl)                          # unsigned bytes; sign with integrations.signing
    issues = check_910(xml)                        # [] when it passes
    fix = additional_910(decl, "REG-NUMBER", declaration_910(2026, 1, income=..., place="astana"), submit_date=today)

The template's field table is ``data/form_910_00_v27_r133.fields.json`` (derived by ``derive_template.py``); the
mapping of the engine's values onto it, with every wire-format guess, is ``data/mapping_910.yaml`` (docs/filings.md).
"""

from __future__ import annotations

from core.filings.additional import additional_910
from core.filings.check import Issue, Parsed910, apply_additional, check_910, parse_910
from core.filings.f910 import build_910, declaration_from_result, prepare_910, split_name, submission_key
from core.filings.mapping import Mapping910, mapping_910
from core.filings.model import Declaration910, DeclarationKind, FilingInputError, PlaceLine, Taxpayer
from core.filings.restore import declaration_from_xml
from core.filings.template import FormTemplate, TemplateField, load_template
from core.filings.texts import issue_text, reason_code

__all__ = [
    "Declaration910",
    "DeclarationKind",
    "FilingInputError",
    "FormTemplate",
    "Issue",
    "Mapping910",
    "Parsed910",
    "PlaceLine",
    "Taxpayer",
    "TemplateField",
    "additional_910",
    "apply_additional",
    "build_910",
    "check_910",
    "declaration_from_result",
    "declaration_from_xml",
    "issue_text",
    "load_template",
    "mapping_910",
    "parse_910",
    "prepare_910",
    "reason_code",
    "split_name",
    "submission_key",
]
