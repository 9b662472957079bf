"""Timing shared by the benchmarks (run them as scripts: ``python benchmarks/bench_*.py``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def best_of(times: int, run: Callable[[], T]) -> tuple[float, T]:
    """The fastest of ``times`` runs, in seconds, and the last result."""
    seconds = []
    for _ in range(times):
        start = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - start)
    return min(seconds), result
