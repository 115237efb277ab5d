"""Top-1 accuracy of consultation retrieval on the held-out file, and the time per question.

.venv/bin/python -m nlu.consult.evaluate [nlu/kb/eval/heldout.yml]
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nlu.consult.answer import ask
from nlu.consult.articles import KB_DIR
from nlu.consult.index import shared_index

HELDOUT = KB_DIR / "eval" / "heldout.yml"


@dataclass
class Report:
    """Evaluation figures: accuracy on labelled questions, hand-offs on out-of-scope ones, latency."""

    total: int = 0
    correct: int = 0
    none_total: int = 0
    none_handed_off: int = 0
    build_seconds: float = 0.0
    ms_per_question: float = 0.0
    misses: list[dict[str, Any]] = field(default_factory=list)
    parts: dict[str, list[int]] = field(default_factory=dict)  # part → [correct, total]

    @property
    def accuracy(self) -> float:
        """Top-1 article accuracy."""
        return self.correct / self.total if self.total else 0.0


def _date(raw: Any) -> dt.date:
    return raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))


def evaluate(path: Path = HELDOUT) -> Report:
    """Run every held-out question through ``ask``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    default = _date(data.get("today", dt.date.today()))
    report = Report()
    start = time.perf_counter()
    shared_index()
    report.build_seconds = time.perf_counter() - start
    start = time.perf_counter()
    for item in data["questions"]:
        answer = ask(item["q"], lang=item.get("lang"), today=_date(item.get("today", default)))
        report.total += 1
        part = report.parts.setdefault(str(item.get("part", "main")), [0, 0])
        part[1] += 1
        if answer.article_id == item["article"]:
            report.correct += 1
            part[0] += 1
        else:
            report.misses.append(
                {
                    "q": item["q"],
                    "expected": item["article"],
                    "got": answer.article_id,
                    "confidence": answer.confidence,
                }
            )
    for question in data.get("none") or []:
        report.none_total += 1
        report.none_handed_off += ask(question, today=default).article_id is None
    asked = report.total + report.none_total
    report.ms_per_question = 1000 * (time.perf_counter() - start) / asked if asked else 0.0
    return report


def main(argv: list[str]) -> int:
    """Print the figures; exit 1 below the 90 % target."""
    report = evaluate(Path(argv[0]) if argv else HELDOUT)
    for miss in report.misses:
        print(f"miss: {miss['q']!r}: expected {miss['expected']}, got {miss['got']} ({miss['confidence']})")  # noqa: T201
    for name, (correct, total) in sorted(report.parts.items()):
        print(f"part {name}: {correct}/{total} = {correct / total:.1%}")  # noqa: T201
    print(  # noqa: T201
        f"top-1 accuracy {report.accuracy:.1%} ({report.correct}/{report.total}); out-of-scope handed off "
        f"{report.none_handed_off}/{report.none_total}; index build {report.build_seconds:.2f} s; "
        f"{report.ms_per_question:.2f} ms/question (first pass, cold caches)"
    )
    return 0 if report.accuracy >= 0.9 else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
