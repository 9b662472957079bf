"""The speed and memory targets of rc.reconcile: ratios against a bare pandas groupby timed in the same run.

Run on demand (not a test)::

    python benchmarks/bench_reconcile.py [--claims 1000000] [--small 10000] [--large 5000000]
                                         [--against d1eccf8,15207e7]

The baseline is ``groupby(key).agg(low=min, high=max, value=median, n=count)`` on the same
frame (pyarrow strings), best of three, timed beside each measurement. It prints:

- ``--claims`` claims as a DataFrame (``read_claims`` + ``reconcile``, ``.conflicts`` read:
  every message worded), target at most 6x;
- the same claims as a table ``read_claims`` already checked, ``.estimates`` and ``.claims``
  read, target at most 4x;
- ``--small`` claims, the full path, target at most 3x;
- with ``--large``, that many claims, whose ratio should be no worse than at ``--claims``;
- the peak memory of the full path, measured in a fresh process (the peak resident size
  above what the process held with the claims built), per claim, target at most 200 bytes;
  and the same with glibc's mmap threshold pinned (then it is the arrays alive at once);
- with ``--against REV[,REV...]``, the full path of each earlier commit on the same claims,
  in a fresh process from a git worktree of it (the voices issue's contract: at most 20%
  slower than ``d1eccf8``).
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import best_of  # benchmarks/ is on the path of a script run from it

KEY = ["counts", "place", "as_of"]
HERE = Path(__file__).resolve().parent


def make_claims(n_claims: int, n_quantities: int, seed: int = 2016) -> pd.DataFrame:
    """Claims around a true value per quantity; one quantity in ten has an outlying claim."""
    random = np.random.default_rng(seed)
    quantity = random.integers(0, n_quantities, n_claims)
    truth = random.integers(1_000, 100_000, n_quantities).astype(float)
    value = np.round(truth[quantity] * random.normal(1.0, 0.03, n_claims))
    half_width = np.round(value * random.uniform(0.02, 0.10, n_claims))
    outlier = (quantity % 10 == 0) & (random.random(n_claims) < 0.2)
    value = np.where(outlier, value * 3, value)
    open_high = random.random(n_claims) < 0.05
    low = value - np.where(outlier, half_width * 3, half_width)
    high = np.where(open_high, np.inf, value + np.where(outlier, half_width * 3, half_width))
    return pd.DataFrame(
        {
            "claim_id": pd.Series(np.arange(n_claims)).astype("str"),
            "counts": pd.Series(quantity % 7).map(lambda k: f"displaced/{k}").astype("str"),
            "place": pd.Series(quantity // 7).astype("str").radd("district-"),
            "as_of": "2016-10-17",
            "low": low,
            "value": value,
            "high": high,
            "unit": "person",
            "source": pd.Series(random.integers(0, 50, n_claims)).astype("str").radd("source-"),
        }
    )


def bare(claims: pd.DataFrame) -> Callable[[], pd.DataFrame]:
    def run() -> pd.DataFrame:
        return claims.groupby(KEY).agg(
            low=("low", "min"), high=("high", "max"), value=("value", "median"), n=("low", "count")
        )

    return run


def ratio(label: str, claims: pd.DataFrame, run: Callable[[], object], target: float | None) -> float:
    """Time ``run`` and the bare groupby on ``claims``, best of three each; print and return the ratio."""
    bare_seconds, _ = best_of(3, bare(claims))
    ours_seconds, _ = best_of(3, run)
    share = ours_seconds / bare_seconds
    goal = f"  (target at most {target:g}x: {'met' if share <= target else 'NOT met'})" if target else ""
    print(f"{label:<46} {ours_seconds:7.3f} s  bare {bare_seconds:6.3f} s  {share:5.1f}x{goal}")
    return share


def full_path(claims: pd.DataFrame) -> Callable[[], object]:
    import reconcile as rc

    return lambda: rc.reconcile(rc.read_claims(claims)).conflicts


def peak_per_claim(n_claims: int, pinned: bool = False) -> float:
    """The full path's peak resident memory above the claims themselves, per claim, in a fresh process.

    ``pinned`` fixes glibc's mmap threshold (``MALLOC_MMAP_THRESHOLD_``), which otherwise grows
    to the size of the arrays freed so far, so that later arrays come from a heap that keeps
    what is freed: the resident peak is then the arrays alive at once.
    """
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import bench_reconcile as b; print(b._peak_here(int(sys.argv[2])))"
    )
    environment = {**os.environ, **({"MALLOC_MMAP_THRESHOLD_": "65536"} if pinned else {})}
    out = subprocess.run(
        [sys.executable, "-c", code, str(HERE), str(n_claims)],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    return float(out.stdout.strip())


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"/proc/self/status has no {field}")


def _peak_here(n_claims: int) -> float:

    claims = make_claims(n_claims, n_claims // 10)
    full_path(make_claims(1000, 100))()  # imports and caches warmed up
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from now
    before = _status("VmRSS")
    full_path(claims)()
    return (_status("VmHWM") - before) / n_claims


def against(revision: str, n_claims: int) -> tuple[float, float]:
    """An earlier commit's full path on the same claims, and the bare groupby, in a fresh process."""
    tree = Path(f"/tmp/reconcile-bench-{revision}")
    if not tree.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), revision], check=True, cwd=HERE)
    return in_fresh_process(tree, n_claims)


def in_fresh_process(tree: Path, n_claims: int) -> tuple[float, float]:
    """The full path of the code in ``tree`` (its conflicts read) and the bare groupby, in a fresh process."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import bench_reconcile as b; from _timing import best_of; import reconcile as rc;"
        "c = b.make_claims(int(sys.argv[2]), int(sys.argv[2]) // 10);"
        "print(best_of(3, lambda: rc.reconcile(c).conflicts)[0], best_of(3, b.bare(c))[0])"
    )
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, "-c", code, str(HERE), str(n_claims)],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    seconds, bare_seconds = map(float, out.stdout.split())
    return seconds, bare_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=0)
    parser.add_argument("--against", default="")
    options = parser.parse_args()
    import reconcile as rc

    claims = make_claims(options.claims, options.claims // 10)
    print(f"{options.claims:,} claims over {claims.groupby(KEY).ngroups:,} quantities")
    full = ratio(f"{options.claims:,}, DataFrame in, conflicts read", claims, full_path(claims), 6)
    checked = rc.read_claims(claims)

    def estimates_and_claims() -> object:
        result = rc.reconcile(checked)
        return result.estimates, result.claims

    ratio(f"{options.claims:,}, checked table in, estimates+claims", claims, estimates_and_claims, 4)
    small = make_claims(options.small, max(1, options.small // 10))
    ratio(f"{options.small:,}, DataFrame in, conflicts read", small, full_path(small), 3)
    if options.large:
        large = make_claims(options.large, options.large // 10)
        share = ratio(f"{options.large:,}, DataFrame in, conflicts read", large, full_path(large), None)
        print(f"{'':<46} {share / full:5.2f}x the ratio at {options.claims:,} (target at most 1)")
        del large
    peak = peak_per_claim(options.claims)
    verdict = "met" if peak <= 200 else "NOT met"
    own = claims.memory_usage(deep=True).sum() / len(claims)
    print(
        f"peak memory above the claims (fresh process): {peak:6.0f} bytes per claim (at most 200: {verdict})"
    )
    pinned = peak_per_claim(options.claims, pinned=True)
    print(f"the same, glibc's mmap threshold pinned:      {pinned:6.0f} bytes per claim (the live arrays)")
    print(f"the claims frame itself:                      {own:6.0f} bytes per claim")
    revisions = [revision for revision in options.against.split(",") if revision]
    if revisions:  # each side in a fresh process of its own, as a user's session would be
        now, now_bare = in_fresh_process(HERE.parent, options.claims)
        print(f"this tree, fresh process: {now:.3f} s ({now / now_bare:.1f}x its bare groupby)")
    for revision in revisions:
        old, old_bare = against(revision, options.claims)
        print(
            f"{revision}, fresh process:  {old:.3f} s ({old / old_bare:.1f}x its bare groupby); "
            f"now {now / old:.2f}x that (the voices issue's target against d1eccf8: at most 1.2x)"
        )


if __name__ == "__main__":
    main()
