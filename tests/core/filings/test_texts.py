"""Every issue code and cabinet reason has a short text in Russian and Kazakh."""

from __future__ import annotations

import re
from pathlib import Path

from core.filings import issue_text, reason_code
from core.filings.texts import TEXTS

ROOT = Path(__file__).parents[3]


def _codes_in(path: Path, pattern: str) -> set[str]:
    return set(re.findall(pattern, path.read_text(encoding="utf-8")))


def test_every_code_in_the_sources_has_texts() -> None:
    codes = _codes_in(ROOT / "core" / "filings" / "check.py", r'Issue\(\s*"([a-z_]+)"')
    codes |= _codes_in(ROOT / "integrations" / "tax_cabinet" / "sandbox.py", r'f?"([a-z_]+): ')
    assert codes
    assert codes - set(TEXTS) == set()


def test_texts_in_both_languages() -> None:
    for code, (ru, kk) in TEXTS.items():
        assert ru != kk, code
        assert issue_text(code, "ru") == ru
        assert issue_text(code, "kk") == kk
    assert issue_text("whatever", "kk") == "Салық органы декларацияны қабылдамады."


def test_reason_code() -> None:
    assert reason_code("line_mismatch: page_910_00_01.field_910_00_008: в декларации 1") == "line_mismatch"
    assert reason_code("signature: bad_signature: подпись не совпадает") == "signature"
