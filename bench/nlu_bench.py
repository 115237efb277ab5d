"""NLU benchmark: model build time, parses per second and latency percentiles on one core.

    python -m bench nlu [--seconds 3] [--json]

Texts: the held-out file (realistic, short) plus a few long ones; every text is parsed once untimed first so the
figures are steady-state (lemma and month caches warm — a real chat repeats its vocabulary too). The build is
measured from scratch (no disk cache). The process pins itself to one core. Figures come by two clocks: wall time
(what a user waits on an idle machine) and the thread's CPU time (the same work without other processes' preemption
— the honest one-core figure on a shared, loaded machine; the 1-minute load average is printed alongside).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from nlu.data import HELDOUT_FILE, load_files, training_files
from nlu.evaluate import EVAL_TODAY
from nlu.interpreter import LocalInterpreter
from nlu.model import train


def _build_seconds() -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    train(load_files(training_files()).examples)
    return time.perf_counter() - wall, time.process_time() - cpu


def _texts() -> list[str]:
    texts = [ex.text for ex in load_files([HELDOUT_FILE]).examples]
    return [*texts, "пришло 200к от ТОО Альфа за октябрь " * 20, "", "🙂🙂🙂"]


def _figures(clock: str, seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        f"{clock}_parses_per_second": round(len(ordered) / sum(ordered)),
        f"{clock}_p50_ms": round(statistics.median(ordered) * 1000, 3),
        f"{clock}_p99_ms": round(ordered[int(len(ordered) * 0.99)] * 1000, 3),
        f"{clock}_max_ms": round(ordered[-1] * 1000, 3),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench nlu")
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to parse")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    build_wall, build_cpu = _build_seconds()
    interpreter = LocalInterpreter()
    texts = _texts()
    for text in texts:
        interpreter.parse(text, today=EVAL_TODAY)

    walls: list[float] = []
    cpus: list[float] = []
    deadline = time.perf_counter() + args.seconds
    while time.perf_counter() < deadline:
        for text in texts:
            w0, c0 = time.perf_counter(), time.thread_time()
            interpreter.parse(text, today=EVAL_TODAY)
            cpus.append(time.thread_time() - c0)
            walls.append(time.perf_counter() - w0)
    result = {
        "build_seconds": round(build_wall, 3),
        "build_cpu_seconds": round(build_cpu, 3),
        "parses": len(walls),
        **_figures("wall", walls),
        **_figures("cpu", cpus),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>18}: {value}")
    for clock in ("wall", "cpu"):
        ok = result[f"{clock}_parses_per_second"] >= 2000 and result[f"{clock}_p99_ms"] <= 5
        ok = ok and result["build_seconds" if clock == "wall" else "build_cpu_seconds"] <= 5
        print(f"targets by {clock} clock (≥ 2000/s, p99 ≤ 5 ms, build ≤ 5 s):", "met" if ok else "NOT met")
    return 0
