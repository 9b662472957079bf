"""How long ``import reconcile`` takes, against importing the libraries it stands on.

Run with ``python benchmarks/bench_import.py [runs] [--before DIR]``. Each run starts a fresh interpreter
twice, in turn: once for ``import pandas, pandera.pandas, pint`` (the floor: the library
cannot import faster than what it is built on) and once for ``import reconcile``. Times are
measured inside each interpreter around the import alone, so interpreter start-up is left
out of both. The goal is a ratio of at most 1.1: what ``reconcile`` adds on top of its
foundations (its own modules and tables, but not hypothesis, scipy's solvers, the plotting,
spreadsheet or HXL libraries, or pint's unit registry, which all load on first use).

With ``--before DIR`` (a checkout of an earlier commit, e.g. made with ``git worktree add``),
the same runs also time ``import reconcile`` from that checkout, in turn with the others.

It also prints, from ``python -X importtime``, the slowest modules ``reconcile`` itself adds.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys

BASELINE = "import pandas, pandera.pandas, pint"
LIBRARY = "import reconcile"
_TIMED = "import time; start = time.perf_counter(); {statement}; print(time.perf_counter() - start)"
# Bytecode is written and then read, as for an installed package (pip compiles it on install).
_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _seconds(statement: str, where: str | None = None) -> float:
    """Seconds ``statement`` takes in a fresh interpreter started in ``where`` (its first import path)."""
    done = subprocess.run(
        [sys.executable, "-c", _TIMED.format(statement=statement)],
        capture_output=True,
        text=True,
        check=True,
        env=_ENV,
        cwd=where,
    )
    return float(done.stdout)


def _own_modules(count: int) -> list[tuple[int, str]]:
    """The ``count`` slowest modules of ``reconcile`` by their own import time, in microseconds."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"{BASELINE}; {LIBRARY}"],
        capture_output=True,
        text=True,
        check=True,
        env=_ENV,
    )
    rows = []
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[2].strip().startswith("reconcile"):
            rows.append((int(parts[0]), parts[2].strip()))
    return sorted(rows, reverse=True)[:count]


def main(runs: int, before: str | None) -> None:
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    checkouts = {"import reconcile": here}
    if before:
        checkouts[f"import reconcile (from {before})"] = before
    for where in checkouts.values():
        _seconds(LIBRARY, where)  # compile the package's bytecode before anything is timed
    times: dict[str, list[float]] = {BASELINE: [], **{name: [] for name in checkouts}}
    for _ in range(runs):
        times[BASELINE].append(_seconds(BASELINE))
        for name, where in checkouts.items():
            times[name].append(_seconds(LIBRARY, where))
    print(f"{runs} runs, each in a fresh interpreter; medians (min-max)")
    for name, seconds in times.items():
        print(f"  {name:<48} {statistics.median(seconds):.3f} s ({min(seconds):.3f}-{max(seconds):.3f})")
    for name in checkouts:
        ratios = [mine / floor for mine, floor in zip(times[name], times[BASELINE], strict=True)]
        print(
            f"  {name} / baseline, run by run: median {statistics.median(ratios):.2f}x "
            f"({min(ratios):.2f}-{max(ratios):.2f})"
        )
    print("slowest modules of reconcile itself (own import time):")
    for microseconds, module in _own_modules(6):
        print(f"  {microseconds / 1000:6.1f} ms  {module}")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    earlier = None
    if "--before" in arguments:
        at = arguments.index("--before")
        earlier = os.path.abspath(arguments[at + 1])
        del arguments[at : at + 2]
    main(int(arguments[0]) if arguments else 15, earlier)
