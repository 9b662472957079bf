"""Time the checks across time on 100,000 running totals of 20 dated figures each (2M figures).

Run on demand (not a test): ``python benchmarks/bench_time.py [n_series] [n_dates]``. It
builds reconciled estimates and claims directly (one claim per quantity, as a series of
situation reports gives), then times :func:`reconcile.temporal.check_time` against a bare
``groupby(series).diff()`` over the same frame, sorted by series and date, and prints the
ratio (the goal: at most 3x).
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
from _timing import best_of  # benchmarks/ is on the path of a script run from it

from reconcile.temporal import check_time

KEY = ("counts", "place", "as_of")


def make_series(n_series: int, n_dates: int, seed: int = 2017) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Estimates and claims of running totals: mostly rising, one series in ten with a fall."""
    random = np.random.default_rng(seed)
    n = n_series * n_dates
    series = np.repeat(np.arange(n_series), n_dates)
    day = np.tile(np.sort(random.choice(365, n_dates, replace=False)), n_series)
    steps = random.integers(0, 5_000, n).astype(float)
    total = pd.Series(steps).groupby(series).cumsum().to_numpy()
    falls = (series % 10 == 0) & (random.random(n) < 0.1)
    value = np.where(falls, total * 0.8, total)
    width = np.round(value * 0.02)
    as_of = (pd.Timestamp("2017-01-01") + pd.to_timedelta(day, unit="D")).strftime("%Y-%m-%d")
    estimates = pd.DataFrame(
        {
            "counts": pd.Series(series % 7).map(lambda k: f"arrivals/{k}").astype("str"),
            "place": pd.Series(series // 7).astype("str").radd("district-"),
            "as_of": pd.Series(as_of, dtype="str"),
            "low": value - width,
            "value": value,
            "high": value + width,
            "unit": "person",
        }
    )
    claims = estimates.assign(
        claim_id=pd.Series(np.arange(n)).astype("str"),
        source="ISCG",
        kept=True,
        measure="cumulative",
    )
    return estimates, claims


def main(n_series: int = 100_000, n_dates: int = 20) -> None:
    estimates, claims = make_series(n_series, n_dates)
    claim_estimate = np.arange(len(claims))
    print(f"{len(claims):,} dated cumulative figures in {n_series:,} series")

    def bare() -> pd.Series:
        return estimates.groupby(["counts", "place"], sort=False)["value"].diff()

    bare_seconds, _ = best_of(3, bare)
    ours_seconds, checked = best_of(3, lambda: check_time(estimates, claims, KEY, claim_estimate))
    falls = checked.conflicts["number"].nunique()
    print(f"bare groupby.diff:  {bare_seconds:6.2f} s  (best of 3)")
    print(f"check_time:         {ours_seconds:6.2f} s  (best of 3; {falls:,} falls)")
    print(f"ratio:              {ours_seconds / bare_seconds:6.1f}x  (goal: at most 3x)")


if __name__ == "__main__":
    main(*(int(argument) for argument in sys.argv[1:3]))
