"""The Mosul offensive, 17 October 2016: figures that disagree, add up, and divide.

Every figure below is from a CNN report of 17 October 2016 on the start of the offensive
to retake Mosul (see ``shared/corpus/mosul-2016-10-17.txt``), read by hand with the
``Figure`` constructors. The same claims, as a table in ``examples/data``, then go through
``rc.read_claims`` and ``rc.reconcile``. Run it with ``python examples/mosul_2016.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import reconcile as rc

CLAIMS = Path(__file__).parent / "data" / "mosul_2016_claims.csv"

REPORTED = dt.date(2016, 10, 17)


def officials(name: str) -> rc.Source:
    """A source quoted by CNN on 17 October 2016."""
    return rc.Source(name=name, via="CNN", date=REPORTED)


CNN = rc.Source(name="CNN", date=REPORTED)


def militants() -> rc.Comparison:
    """U.S. officials: about 5,000 militants; the group's backers: at least 2,000 more."""
    us_estimate = rc.Figure.about(
        5000, counts="militants", source=officials("U.S. officials"), place="Mosul", as_of=REPORTED
    )
    # The backers said the U.S. figure is at least 2,000 short of the real number.
    backers = rc.Figure.at_least(
        5000 + 2000,
        counts="militants",
        source=officials("Islamic State backers"),
        place="Mosul",
        as_of=REPORTED,
    )
    return rc.compare(us_estimate, backers)


def foreign_troops() -> tuple[rc.Figure, rc.Figure, rc.Figure, rc.Figure]:
    """U.S. personnel before and after 600 more arrived, plus the coalition's troops."""
    us_after = rc.Figure.about(5000, counts="troops/us", source=CNN, place="Iraq", as_of=REPORTED)
    added = rc.Figure.exact(600, counts="troops/us/added", source=CNN, place="Iraq", as_of=REPORTED)
    us_before = rc.difference(us_after, added, counts="troops/us/before")
    coalition = rc.Figure.about(
        3600, hedge="approximately", counts="troops/coalition", source=CNN, place="Iraq", as_of=REPORTED
    )
    foreign = rc.total([us_after, coalition], counts="troops/foreign")
    return us_before, us_after, coalition, foreign


def room_for_iraqi_and_kurdish_forces(foreign: rc.Figure) -> rc.Figure:
    """As many as 100,000 troops in all: the foreign troops must fit inside that."""
    in_all = rc.Figure.at_most(
        100_000, hedge="as many as", counts="troops", source=CNN, place="Mosul", as_of=REPORTED
    )
    # The CNN figure counts the offensive's troops; the foreign ones are counted in Iraq.
    return rc.difference(in_all, foreign.replace(place="Mosul"), counts="troops/iraqi_and_kurdish")


def population_before_2014() -> rc.Figure:
    """1 million residents remain, half of the population before the Islamic State took the city."""
    remaining = rc.Figure.about(
        1_000_000, hedge=None, min_share=0, counts="residents", source=CNN, place="Mosul", as_of=REPORTED
    )
    # "half" is itself a rounded share: 0.45 to 0.55.
    half = rc.Figure.about(0.5, hedge="half", min_share=0, unit="dimensionless", source=CNN)
    return (remaining / half).replace(as_of="2014")


def table_report() -> str:
    """The same claims as a table: one estimate per quantity, and each conflict with its claims."""
    result = rc.reconcile(rc.read_claims(CLAIMS))
    estimates = result.estimates[["counts", "place", "low", "value", "high", "n_claims", "n_kept", "status"]]
    lines = ["Reconciled from examples/data/mosul_2016_claims.csv:", estimates.to_string(index=False)]
    for conflict_id, claims in result.conflicts.groupby("conflict_id"):
        lines.append(f"{conflict_id} ({', '.join(claims['claim_id'])}): {claims['message'].iloc[0]}")
    return "\n".join(lines)


def report() -> str:
    """The case as a short report, one finding a paragraph."""
    comparison = militants()
    us_before, us_after, coalition, foreign = foreign_troops()
    room = room_for_iraqi_and_kurdish_forces(foreign)
    before = population_before_2014()
    verdict = "contradict" if comparison.contradicts else "agree"
    lines = [
        "Mosul, 17 October 2016 (CNN)",
        "",
        f"Militants: the two estimates {verdict}.",
        f"  {comparison}",
        "",
        "Foreign troops:",
        f"  U.S. before the 600 arrived: {us_before.range_text()} (about {us_before.value:,.0f})",
        f"  {us_after}",
        f"  {coalition}",
        f"  = {foreign}",
        f"  built from: {', '.join(f.phrase() for f in foreign.origins())}",
        f"  fits in 'as many as 100,000' in all, leaving {room.range_text()} for Iraqi and Kurdish forces",
        "",
        "Population of Mosul before 2014:",
        f"  1 million remain, half of those before: {before.range_text()} (about {before.value:,.0f})",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
    print()
    print(table_report())
