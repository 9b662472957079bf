"""Places in a hierarchy: an area's figure is at most that of the place it is part of."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import reconcile as rc
from reconcile.relations.places import place_pairs, read_places

WHEN = {"counts": "refugees/rohingya/new", "as_of": "2017-10-22", "unit": "person"}


def claims_of(rows: list[tuple[str, float, str]]) -> pd.DataFrame:
    """Claims of (place, value, source), exact figures."""
    frame = pd.DataFrame(
        [
            {**WHEN, "place": place, "low": value, "value": value, "high": value, "source": source}
            for place, value, source in rows
        ]
    )
    return frame.assign(claim_id=[f"c{number}" for number in range(len(frame))])


def relation_conflicts(result: rc.Reconciliation) -> set[tuple[str, ...]]:
    found = result.conflicts[result.conflicts["kind"] == "relation"]
    named = found.groupby("conflict_id")["claim_id"].agg(lambda ids: ",".join(sorted(ids)))
    return {tuple(ids.split(",")) for ids in named}


def test_an_area_above_its_country_is_a_conflict_naming_both() -> None:
    # A district figure of 700,000 beside the country's 615,500 (invented district figure).
    result = rc.reconcile(
        claims_of([("Bangladesh", 615_500, "ISCG"), ("Bangladesh/Cox's Bazar", 700_000, "x")])
    )
    assert relation_conflicts(result) == {("c0", "c1")}


def test_an_area_within_its_country_tightens_nothing_wrongly() -> None:
    result = rc.reconcile(
        claims_of([("Bangladesh", 615_500, "ISCG"), ("Bangladesh/Cox's Bazar", 600_000, "x")])
    )
    assert result.conflicts.empty


def test_the_nearest_claimed_ancestor_is_the_whole() -> None:
    pairs = place_pairs(
        pd.DataFrame({"counts": "x", "as_of": "2017", "place": ["A", "A/B/C", "A/B", "D/E"]}),
        ("counts", "place", "as_of"),
        {},
    )
    assert sorted(zip(pairs["child"], pairs["parent"], strict=True)) == [(1, 2), (2, 0)]


def test_a_places_table_puts_plain_names_into_the_hierarchy(tmp_path: Path) -> None:
    table = tmp_path / "places.csv"
    table.write_text("place,parent,pcode\nCox's Bazar,Bangladesh,BD2022\nUkhia,Cox's Bazar,\n")
    frame = claims_of([("Bangladesh", 615_500, "ISCG"), ("Ukhia", 700_000, "x"), ("BD2022", 650_000, "y")])
    pairs = place_pairs(frame, ("counts", "place", "as_of"), read_places(table))
    assert sorted(zip(pairs["child"], pairs["parent"], strict=True)) == [(1, 0), (2, 0)]
    # Both areas are above the country: one conflict for each, both naming the country's claim.
    assert relation_conflicts(rc.reconcile(frame, places=table)) == {("c0", "c1"), ("c0", "c2")}
    assert rc.reconcile(frame).conflicts.empty


def test_the_check_can_be_switched_off() -> None:
    frame = claims_of([("Bangladesh", 615_500, "ISCG"), ("Bangladesh/Cox's Bazar", 700_000, "x")])
    assert rc.reconcile(frame, implied_places=False).conflicts.empty


def test_a_places_table_that_runs_in_a_circle_or_lacks_a_column_is_refused() -> None:
    with pytest.raises(rc.ArgumentError, match="runs in a circle"):
        read_places({"A": "B", "B": "A"})
    with pytest.raises(rc.ArgumentError, match="no parent column"):
        read_places(pd.DataFrame({"place": ["A"]}))
    with pytest.raises(rc.ArgumentError, match="two parents"):
        read_places(pd.DataFrame({"place": ["A", "A"], "parent": ["B", "C"]}))


def test_hxl_admin_columns_build_the_path_the_check_follows() -> None:
    hdx = pd.DataFrame(
        [
            ["Bangladesh", "", "2017-10-22", "ISCG", "615500"],
            ["Bangladesh", "Cox's Bazar", "2017-10-22", "x", "700000"],
        ],
        columns=["#country+name", "#adm1+name", "#date", "#meta+source", "#affected+refugees"],
    )
    result = rc.reconcile(rc.read_claims(hdx, format="hxl"))
    assert len(relation_conflicts(result)) == 1


def test_the_command_takes_a_places_file(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from reconcile.cli import app

    claims = tmp_path / "claims.csv"
    claims_of([("Bangladesh", 615_500, "ISCG"), ("Cox's Bazar", 700_000, "x")]).to_csv(claims, index=False)
    table = tmp_path / "places.csv"
    table.write_text("place,parent\nCox's Bazar,Bangladesh\n")
    assert CliRunner().invoke(app, ["check", str(claims)]).exit_code == 0
    run = CliRunner().invoke(app, ["check", str(claims), "--places", str(table)])
    assert run.exit_code == 1 and "Cox's Bazar" in run.stdout
    assert (
        CliRunner().invoke(app, ["check", str(claims), "--places", str(table), "--no-place-parts"]).exit_code
        == 0
    )
