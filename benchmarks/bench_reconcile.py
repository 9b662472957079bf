"""Time rc.reconcile on 1,000,000 claims over 100,000 quantities against a bare pandas groupby.

Run on demand (not a test): ``python benchmarks/bench_reconcile.py [n_claims] [n_quantities]``.
It prints the time of ``rc.reconcile`` (reading and validation included), the time of
``groupby(key).agg(low=min, high=max, value=median, n=count)`` on the same frame, their
ratio, and the peak memory that Python's allocator saw during ``rc.reconcile``.
"""

from __future__ import annotations

import sys
import tracemalloc

import numpy as np
import pandas as pd
from _timing import best_of  # benchmarks/ is on the path of a script run from it

import reconcile as rc

KEY = ["counts", "place", "as_of"]


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


def main(n_claims: int = 1_000_000, n_quantities: int = 100_000) -> None:
    claims = make_claims(n_claims, n_quantities)
    print(f"{n_claims:,} claims over {claims.groupby(KEY).ngroups:,} quantities")

    def bare_groupby() -> pd.DataFrame:
        return claims.groupby(KEY).agg(
            low=("low", "min"), high=("high", "max"), value=("value", "median"), n=("low", "count")
        )

    bare_seconds, bare = best_of(3, bare_groupby)
    ours_seconds, result = best_of(3, lambda: rc.reconcile(claims))

    # Memory is measured on a separate run: tracing allocations slows the code it watches.
    tracemalloc.start()
    rc.reconcile(claims)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert len(result.estimates) == len(bare)
    conflicts = result.conflicts["conflict_id"].nunique()
    print(f"bare groupby.agg:   {bare_seconds:6.2f} s  (best of 3)")
    print(f"rc.reconcile:       {ours_seconds:6.2f} s  (best of 3; {conflicts:,} conflicts)")
    print(f"ratio:              {ours_seconds / bare_seconds:6.1f}x")
    print(f"peak memory (tracemalloc, during rc.reconcile): {peak / 2**20:,.0f} MiB")
    print(f"claims frame itself: {claims.memory_usage(deep=True).sum() / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main(*(int(argument) for argument in sys.argv[1:3]))
