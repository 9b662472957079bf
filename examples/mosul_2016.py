"""The Mosul offensive, 17 October 2016: figures that disagree, add up, and divide.

Every figure below is from a CNN report of 17 October 2016 on the start of the offensive
to retake Mosul (see ``shared/corpus/mosul-2016-10-17.txt``), read from its phrases with
``rc.parse``. Then the same figures are found by ``rc.extract`` in a short report that
carries them, written in this project's words (``examples/data/mosul_2016_report.txt``):
what it found is shown, each figure is given the quantity it counts, and the claims go
through ``rc.read_claims`` and ``rc.reconcile``, with the relation in ``examples/data`` that
makes the foreign troops the U.S. troops plus the coalition's. The same claims, typed by
hand, are ``examples/data/mosul_2016_claims.csv``. Run it with
``python examples/mosul_2016.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

import reconcile as rc

CLAIMS = Path(__file__).parent / "data" / "mosul_2016_claims.csv"
ARTICLE = Path(__file__).parent / "data" / "mosul_2016_report.txt"
RELATIONS = Path(__file__).parent / "data" / "mosul_2016_relations.txt"
REPORTED = dt.date(2016, 10, 17)
# The analyst's names for the figures found, in the order the report gives them: an id, and
# the quantity each counts (the report's troop figures count different troops).
NAMES = {
    "c1": ("militants-us", "militants"),
    "c2": ("militants-backers", "militants"),
    "c3": ("troops-all", "troops"),
    "c4": ("troops-us-added", "troops/us/added"),
    "c5": ("troops-us", "troops/us"),
    "c6": ("troops-coalition", "troops/coalition"),
    "c7": ("residents-remaining", "residents"),
}


def reported(phrase: str, counts: str, source: str = "CNN", place: str = "Mosul") -> rc.Figure:
    """A figure as CNN reported it on 17 October 2016, from its phrase."""
    via = None if source == "CNN" else "CNN"
    return rc.parse(phrase, counts=counts, source=source, via=via, place=place, as_of=REPORTED)


def militants() -> rc.Comparison:
    """U.S. officials: about 5,000 militants; the group's backers: at least 2,000 more."""
    us_estimate = reported("about 5,000", "militants", source="U.S. officials")
    # The backers said the U.S. figure is at least 2,000 short of the real number.
    backers = reported("at least 7,000", "militants", source="Islamic State backers")
    return rc.compare(us_estimate, backers)


def foreign_troops() -> tuple[rc.Figure, rc.Figure, rc.Figure, rc.Figure]:
    """U.S. personnel before and after 600 more arrived, plus the coalition's troops."""
    us_after = reported("about 5,000", "troops/us", place="Iraq")
    added = reported("600", "troops/us/added", place="Iraq")
    us_before = rc.difference(us_after, added, counts="troops/us/before")
    coalition = reported("approximately 3,600", "troops/coalition", place="Iraq")
    foreign = rc.total([us_after, coalition], counts="troops/foreign")
    return us_before, us_after, coalition, foreign


def room_for_iraqi_and_kurdish_forces(foreign: rc.Figure) -> rc.Figure:
    """As many as 100,000 troops in all: the foreign troops must fit inside that."""
    in_all = reported("as many as 100,000", "troops")
    # The CNN figure counts the offensive's troops; the foreign ones are counted in Iraq.
    return rc.difference(in_all, foreign.replace(place="Mosul"), counts="troops/iraqi_and_kurdish")


def population_before_2014() -> rc.Figure:
    """1 million residents remain, half of the population before the Islamic State took the city."""
    remaining = reported("1 million", "residents")
    half = rc.parse("half", source="CNN")  # a share with its own rounding: 0.45 to 0.55
    return (remaining / half).replace(as_of="2014")


def found() -> pd.DataFrame:
    """The figures rc.extract finds in the report, with who gave each one."""
    text = ARTICLE.read_text(encoding="utf-8")
    return rc.extract(text, via="CNN", reported_on=REPORTED, place="Mosul")


def named(claims: pd.DataFrame) -> pd.DataFrame:
    """The figures found, each with the analyst's id and the quantity it counts."""
    ids = claims["claim_id"].map({key: name for key, (name, _) in NAMES.items()})
    counts = claims["claim_id"].map({key: counts for key, (_, counts) in NAMES.items()})
    return claims.assign(claim_id=ids, counts=counts)


def table_report() -> str:
    """The figures found in the report, then reconciled: estimates, conflicts, derived totals."""
    claims = found()
    shown = claims[["claim_id", "phrase", "counts", "place", "source", "attribution"]]
    lines = ["Found in examples/data/mosul_2016_report.txt:", shown.to_string(index=False), ""]
    relations = [rc.Relation.parse(line) for line in RELATIONS.read_text(encoding="utf-8").splitlines()]
    result = rc.reconcile(rc.read_claims(named(claims)), relations=relations)
    estimates = result.estimates[["counts", "place", "low", "value", "high", "n_claims", "n_kept", "status"]]
    lines += ["Reconciled:", estimates.to_string(index=False)]
    for conflict_id, rows in result.conflicts.groupby("conflict_id"):
        lines.append(f"{conflict_id} ({', '.join(rows['claim_id'])}): {rows['message'].iloc[0]}")
    for total in result.totals.itertuples():  # a handful of derived rows, printed one by one
        lines.append(
            f"Derived by {total.relations}: {total.counts} in {total.place} "
            f"{total.low:,.0f} to {total.high:,.0f} (sound), {total.low_90:,.0f} to {total.high_90:,.0f} "
            f"(90%, each range read as a 90% interval), from claims {total.claim_ids}"
        )
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
