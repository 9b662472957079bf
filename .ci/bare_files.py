"""On an install with no extras: read and reconcile the Mosul claims as CSV, JSON and Parquet.

`.ci/run` runs this in the environment the README's first command made, before anything
else is installed in it. It fails if an optional extra is installed there (then the check
would prove nothing), or if any plain format needs one.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
from pathlib import Path

import pandas as pd

import reconcile as rc

EXTRAS = ("hxl", "openpyxl", "matplotlib", "pytest")
CLAIMS = Path(__file__).resolve().parent.parent / "examples" / "data" / "mosul_2016_claims.csv"


def main() -> int:
    """Check the install is bare, then round-trip and reconcile the claims in each plain format."""
    present = [name for name in EXTRAS if importlib.util.find_spec(name) is not None]
    if present:
        print(f"not a bare install: {', '.join(present)} installed", file=sys.stderr)
        return 1
    claims = rc.read_claims(CLAIMS)
    expected = rc.reconcile(claims).estimates
    with tempfile.TemporaryDirectory() as folder:
        for name in ("claims.csv", "claims.json", "claims.parquet"):
            path = Path(folder) / name
            rc.write_claims(claims, path)
            again = rc.read_claims(path)
            pd.testing.assert_frame_equal(again, claims)
            pd.testing.assert_frame_equal(rc.reconcile(again).estimates, expected)
            print(f"{name}: {len(again)} claims read, {len(expected)} estimates, as from the CSV")
    return 0


if __name__ == "__main__":
    sys.exit(main())
