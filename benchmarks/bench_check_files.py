"""Time and memory of ``reconcile check`` on a large clean file and on the same file with every row bad.

Run on demand (not a test): ``python benchmarks/bench_check_files.py [megabytes]`` (default
20; the hardening review used 200). It writes a clean claims CSV of about that size and a copy
whose every figure is unreadable (``lots``), runs ``reconcile check`` on each as its own
process, and prints wall time and peak memory (the process's maximum resident set), each
against a bare process in the same run that only reads the file with ``pandas.read_csv``.
The goal for bad input: at most 2x the memory of the clean run, and the first 100 problems
printed with a count, however many rows are bad.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_formats import make_claims  # benchmarks/ is on the path of a script run from it

import reconcile as rc

# About the bytes one claim of make_claims takes in a CSV file.
_BYTES_PER_ROW = 90


def run(command: list[str]) -> tuple[float, float, int, int]:
    """(seconds, peak resident megabytes, exit code, bytes printed) of ``command`` as its own process."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        printed = out.tell()
    return seconds, usage.ru_maxrss / 1024, process.returncode, printed


def main(megabytes: float = 20) -> None:
    folder = Path(tempfile.mkdtemp())
    rows = int(megabytes * 1e6 / _BYTES_PER_ROW)
    claims = make_claims(rows)
    clean, bad = folder / "clean.csv", folder / "bad.csv"
    rc.write_claims(claims, clean)
    claims = claims.astype({"low": object, "value": object, "high": object})
    claims[["low", "value", "high"]] = "lots"
    claims.to_csv(bad, index=False)  # write_claims refuses a claim with no figure
    command = [sys.executable, "-m", "reconcile", "check"]
    bare = [sys.executable, "-c", "import sys, pandas; pandas.read_csv(sys.argv[1])"]
    sizes = [path.stat().st_size / 1e6 for path in (clean, bad)]
    print(f"{rows:,} claims; clean file {sizes[0]:.0f} MB, all-bad {sizes[1]:.0f} MB")
    results = {}
    for name, path in [("clean", clean), ("all-bad", bad)]:
        base_s, base_mb, _, _ = run([*bare, str(path)])
        seconds, peak, code, printed = run([*command, str(path), "-o", str(folder / f"{name}.txt")])
        results[name] = peak
        print(
            f"{name:8} check {seconds:7.1f} s {peak:7.0f} MB (exit {code}, {printed:,} bytes printed) | "
            f"bare read_csv {base_s:5.1f} s {base_mb:6.0f} MB | {seconds / base_s:4.1f}x time, "
            f"{peak / base_mb:4.1f}x memory of bare"
        )
    print(f"all-bad / clean memory {results['all-bad'] / results['clean']:.2f}x  (goal: at most 2x)")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 20)
