"""Hurricane Maria, Puerto Rico, 2017: how many died? Voices, retellings, revisions and a tie.

Every claim in ``examples/data/hurricane_maria_2017_claims.csv`` is a figure printed by a
named study, government or outlet between October 2017 and October 2018, with the outlet
that passed it on (``via``), the date it was published and the sentence it was read from
(``tests/data/real/hurricane_maria_2017.md`` names every source). The same few studies are
repeated by a dozen outlets, rounded, cut to one side ("more than 4,600") or mistyped, and
the official toll was revised four times. Run it with ``python examples/hurricane_maria_2017.py``.

What a careful analyst concludes, and what this prints:

- Harvard's study is one voice however many outlets repeat it, and its 95% interval
  (793 to 8,498), not its point estimate, is what it said.
- Three other estimates lie inside that interval but disagree with each other: no set of
  sources outweighs the others, so the excess deaths to December 2017 are ``unresolved``
  and the estimate is their envelope, not a value chosen by size.
- The official toll (16, 34, 64, then 2,975) is revised, not in conflict with itself.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import reconcile as rc

CLAIMS = Path(__file__).parent / "data" / "hurricane_maria_2017_claims.csv"


def main() -> rc.Reconciliation:
    """Read the claims, reconcile them, and print each quantity's reading and its voices."""
    result = rc.reconcile(rc.read_claims(CLAIMS))
    shown = result.estimates[["counts", "as_of", "low", "value", "high", "n_claims", "n_voices", "status"]]
    print("Deaths after Hurricane Maria, Puerto Rico\n")
    print(shown.to_string(index=False))
    claims = result.claims
    print("\nWhat happened to the 38 claims:")
    fates = claims["reason"].str.extract(r"^(repeats|superseded|shares no point|no set|its own source)")[0]
    counts = fates.fillna("speaks for its source").value_counts()
    for fate, number in counts.items():
        print(f"  {number:>2} {fate}")
    print("\nConflicts:")
    for conflict_id, named in result.conflicts.groupby("conflict_id", sort=False):
        print(f"  {conflict_id} ({named['kind'].iloc[0]}): {named['message'].iloc[0]}")
    harvard = claims[claims["voice"].str.startswith("harvard") & (claims["as_of"] == "2017-12")]
    print(f"\nHarvard's study: {len(harvard)} claims, one voice; it said {_range(harvard)}.")
    return result


def _range(claims: pd.DataFrame) -> str:
    speaking = claims[claims["reason"] == ""]
    return f"{speaking['low'].min():,.0f} to {speaking['high'].max():,.0f}"


if __name__ == "__main__":
    main()
