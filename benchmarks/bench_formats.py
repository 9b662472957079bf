"""Time reading 100,000 claims as HXL against the same claims as a plain CSV file.

Run on demand (not a test): ``python benchmarks/bench_formats.py [n_rows]``. It writes one
claims table twice with :func:`reconcile.write_claims` (``claims.csv`` and ``claims.hxl.csv``
with ``format="hxl"``), reads each with :func:`reconcile.read_claims` (best of five), and
prints the ratio HXL / CSV (the goal: at most 2x), with a bare ``pandas.read_csv`` of the
CSV file timed in the same run for scale.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import best_of  # benchmarks/ is on the path of a script run from it

import reconcile as rc


def make_claims(n_rows: int, seed: int = 2016) -> pd.DataFrame:
    """Claims of killed, injured and displaced people across places and months, with ranges."""
    random = np.random.default_rng(seed)
    value = random.integers(1, 100_000, n_rows).astype(float)
    width = np.round(value * random.choice([0.0, 0.05, 0.1], n_rows))
    counts = np.array(["affected/killed", "affected/injured", "affected/idps", "troops/us"])
    return pd.DataFrame(
        {
            "claim_id": pd.Series(np.arange(n_rows)).astype("str").radd("c"),
            "counts": counts[random.integers(0, len(counts), n_rows)],
            "place": pd.Series(random.integers(0, 500, n_rows)).astype("str").radd("Iraq/district-"),
            "as_of": pd.Series(random.integers(1, 13, n_rows)).map(lambda m: f"2017-{m:02d}"),
            "low": value - width,
            "value": value,
            "high": value + width,
            "unit": "person",
            "source": pd.Series(random.integers(0, 50, n_rows)).astype("str").radd("source-"),
        }
    )


def main(n_rows: int = 100_000) -> None:
    claims = make_claims(n_rows)
    folder = Path(tempfile.mkdtemp())
    plain, hxl = folder / "claims.csv", folder / "claims.hxl.csv"
    rc.write_claims(claims, plain)
    rc.write_claims(claims, hxl, format="hxl")
    bare, _ = best_of(5, lambda: pd.read_csv(plain))
    as_csv, read_plain = best_of(5, lambda: rc.read_claims(plain))
    as_hxl, read_hxl = best_of(5, lambda: rc.read_claims(hxl))
    assert len(read_plain) == len(read_hxl) == n_rows
    print(f"{n_rows:,} claims")
    print(f"bare pandas.read_csv     {bare:6.2f} s")
    print(f"read_claims, plain CSV   {as_csv:6.2f} s  ({as_csv / bare:.1f}x bare)")
    print(f"read_claims, HXL         {as_hxl:6.2f} s  ({as_hxl / bare:.1f}x bare)")
    print(f"HXL / CSV                {as_hxl / as_csv:6.2f}x  (goal: at most 2x)")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:2]))
