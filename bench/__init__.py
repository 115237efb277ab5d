"""Benchmarks: every ``bench/<name>_bench.py`` with ``main(argv) -> int`` runs as ``python -m bench <name>``."""
