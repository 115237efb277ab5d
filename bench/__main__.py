"""Run named benchmarks: ``python -m bench`` (all), ``python -m bench nlu [args…]`` (one, with its arguments).

A benchmark is any module ``bench/<name>_bench.py`` defining ``main(argv: list[str]) -> int``; it is discovered,
so adding one needs no change here. ``python -m bench --list`` prints the names.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

SUFFIX = "_bench"


def discover() -> dict[str, str]:
    """Benchmark name → module name, sorted."""
    names = [m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.endswith(SUFFIX)]
    return {name.removesuffix(SUFFIX): f"bench.{name}" for name in sorted(names)}


def run(name: str, module: str, argv: Sequence[str]) -> int:
    """Import one benchmark and call its ``main``."""
    entry = getattr(importlib.import_module(module), "main", None)
    if entry is None:
        print(f"bench: {module} has no main(argv)", file=sys.stderr)
        return 2
    print(f"== {name}", flush=True)
    return int(cast(Callable[[list[str]], int], entry)(list(argv)))


def main(argv: Sequence[str]) -> int:
    available = discover()
    if argv and argv[0] in ("-h", "--help", "--list"):
        print("benchmarks: " + ", ".join(available))
        return 0
    if not argv:
        return max((run(name, module, []) for name, module in available.items()), default=0)
    name, rest = argv[0], argv[1:]
    if name not in available:
        print(f"bench: unknown benchmark {name!r} (have: {', '.join(available) or 'none'})", file=sys.stderr)
        return 2
    return run(name, available[name], rest)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
