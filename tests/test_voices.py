"""Voices: a source counts once, retellings never narrow it, revisions supersede, ties stay open.

The real cases in ``tests/data/real/`` are figures from published reporting, each with its
source, the outlet that passed it on, the date and a verbatim quote; each case's ``.md``
names the sources and the reading a careful analyst gives. These tests hold the library
to that reading.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import reconcile as rc
from reconcile.strategies import claims
from reconcile.voices import voice_name

REAL = Path(__file__).parent / "data" / "real"
EXAMPLES = Path(__file__).parent.parent / "examples"
KEY = ["counts", "place", "as_of"]


def real(case: str, **options: object) -> rc.Reconciliation:
    path = REAL / f"{case}.csv"
    if not path.exists():  # the case the example reads
        path = EXAMPLES / "data" / f"{case}_claims.csv"
    result: rc.Reconciliation = rc.reconcile(rc.read_claims(path), **options)  # type: ignore[call-overload]
    return result


def estimate_of(result: rc.Reconciliation, counts: str, as_of: str, place: str | None = None) -> pd.Series:
    rows = result.estimates[(result.estimates["counts"] == counts) & (result.estimates["as_of"] == as_of)]
    if place is not None:
        rows = rows[rows["place"] == place]
    assert len(rows) == 1
    return rows.iloc[0]


def fate(result: rc.Reconciliation) -> pd.DataFrame:
    return result.claims.set_index("claim_id")


# -- Hurricane Maria, Puerto Rico, 2017 ------------------------------------------------------


def test_the_maria_example_prints_the_careful_reading(capsys: object) -> None:
    import runpy

    runpy.run_path(str(EXAMPLES / "hurricane_maria_2017.py"), run_name="__main__")
    printed = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "unresolved" in printed and "revised" in printed
    assert "Harvard's study: 14 claims, one voice; it said 793 to 8,500." in printed


def test_a_study_repeated_by_many_outlets_is_one_voice_with_its_interval() -> None:
    # Harvard (NEJM, 29 May 2018): 4,645 excess deaths, 95% CI 793 to 8,498, passed on by a
    # dozen outlets as "4,645", "more than 4,600", "at least 4,645", "nearly 5,000".
    result = real("hurricane_maria_2017")
    claims = result.claims[result.claims["voice"] == voice_name("Harvard T.H. Chan School of Public Health")]
    december = claims[claims["as_of"] == "2017-12"]
    assert len(december) > 10
    assert december["kept"].all()  # every retelling meets the interval: none is a conflict
    speaking = december[december["reason"] == ""]
    assert speaking["low"].min() <= 800 and speaking["high"].max() >= 8498
    assert december["reason"].str.startswith("repeats ").sum() >= 5


def test_studies_inside_a_stated_interval_do_not_conflict_with_it_and_a_tie_stays_unresolved() -> None:
    # Santos-Lozada & Howard (1,139), the government's report to Congress (1,427) and GWU's
    # September-December figure (an estimated 2,098) each lie inside Harvard's interval, and
    # no two of them agree: three equal sets, so no value decides.
    result = real("hurricane_maria_2017")
    december = estimate_of(result, "deaths/excess", "2017-12")
    assert december["status"] == "unresolved"
    assert december["n_voices"] == 4
    assert december["low"] == 1139.0 and 2098 < december["high"] < 2210
    tie = result.conflicts[
        result.conflicts["claim_id"].isin(fate(result).index[fate(result)["as_of"] == "2017-12"])
    ]
    named = set(fate(result).loc[tie["claim_id"], "voice"])
    assert voice_name("Harvard T.H. Chan School of Public Health") not in named  # in every tied set
    assert len(named) == 3
    assert not (tie["kind"] == "disjoint").empty


def test_a_source_that_revises_its_count_supersedes_its_earlier_figures() -> None:
    # The official toll: 16, then 34 (3 October 2017), 64 (December 2017), then 2,975 (28 August 2018).
    result = real("hurricane_maria_2017")
    official = estimate_of(result, "deaths/official", "2017-09-20")
    assert official["status"] == "revised"
    assert (official["low"], official["value"], official["high"]) == (2975.0, 2975.0, 2975.0)
    claims = fate(result)
    earlier = claims.loc[["pr-official-16", "pr-official-34", "pr-official-64-ap"]]
    assert not earlier["kept"].any()
    assert earlier["reason"].str.match(r"superseded by pr-official-2975-\w+ \(reported 2018-08-28\)").all()
    assert not result.conflicts["claim_id"].isin(earlier.index).any()  # a revision is no conflict


def test_a_later_restatement_that_agrees_is_no_revision() -> None:
    # GWU's estimate (2,975, CI 2,658-3,290) in its release and again in The Lancet.
    result = real("hurricane_maria_2017")
    february = estimate_of(result, "deaths/excess", "2018-02")
    assert february["status"] == "single"
    assert (february["low"], february["high"]) == (2658.0, 3290.0)
    assert fate(result).loc[fate(result)["as_of"] == "2018-02", "kept"].all()


# -- Mosul civilian deaths, 2017 ---------------------------------------------------------------


def test_a_ministers_count_far_outside_an_investigation_is_a_conflict_and_set_aside() -> None:
    result = real("mosul_civilian_deaths_2017")
    civilians = estimate_of(result, "deaths/civilian", "2016-10-17/2017-07-10", place="Mosul")
    assert civilians["status"] == "conflict"
    assert (civilians["low"], civilians["value"], civilians["high"]) == (9000.0, 10000.0, 11000.0)
    abadi = result.claims[result.claims["voice"].str.contains("abadi")]
    assert len(abadi) == 3 and not abadi["kept"].any()
    assert abadi["reason"].str.startswith("shares no point").all()


def test_the_investigation_weighted_alone_still_sets_the_minister_aside() -> None:
    result = real("mosul_civilian_deaths_2017", weights={"Associated Press investigation": 3})
    civilians = estimate_of(result, "deaths/civilian", "2016-10-17/2017-07-10", place="Mosul")
    assert (civilians["low"], civilians["high"]) == (9000.0, 11000.0)


def test_a_retelling_its_own_source_excludes_is_a_misreport() -> None:
    # UNAMI/OHCHR: at least 2,521 civilians; one outlet printed 2,520.
    result = real("mosul_civilian_deaths_2017")
    misreports = result.conflicts[result.conflicts["kind"] == "misreport"]
    assert set(misreports["claim_id"]) == {"ms-un-fewnews", "ms-un-afp"}
    assert not fate(result).loc["ms-un-fewnews", "kept"]
    assert fate(result).loc["ms-un-rudaw", "kept"]


def test_a_hedged_figure_and_its_bare_retelling_give_the_hedge() -> None:
    # Amnesty: "5,805 civilians may have been killed" and "up to 5,805": 0 to 5,805.
    result = real("mosul_civilian_deaths_2017")
    west = estimate_of(result, "deaths/civilian/pro_government", "2017-02-19/2017-06-19", place="Mosul/West")
    assert (west["low"], west["high"]) == (0.0, 5805.0)
    assert west["status"] == "single"


# -- Rohingya arrivals, Bangladesh, 2017-2018 ---------------------------------------------------


def test_a_situation_report_revised_for_the_same_date_is_a_revision_not_a_conflict() -> None:
    # ISCG: 507,000 new arrivals as of 30 September (1 October), 509,000 (3 October).
    result = real("rohingya_arrivals_2017")
    arrivals = estimate_of(result, "refugees/rohingya/new", "2017-09-30")
    assert arrivals["status"] == "revised"
    assert (arrivals["low"], arrivals["value"], arrivals["high"]) == (508500.0, 509000.0, 509500.0)
    old = result.claims[(result.claims["as_of"] == "2017-09-30") & ~result.claims["kept"]]
    assert old["reason"].str.startswith("superseded by ").all() and len(old) >= 1
    assert result.conflicts.empty or not result.conflicts["claim_id"].isin(old["claim_id"]).any()


def test_sums_of_rounded_parts_do_not_conflict_with_a_rounded_total() -> None:
    relations = (REAL / "rohingya_arrivals_2017_relations.txt").read_text().splitlines()
    relations = [line for line in relations if line.strip() and not line.startswith("#")]
    result = real("rohingya_arrivals_2017", relations=relations)
    assert (result.conflicts["kind"] != "relation").all()


# -- Ukraine internal displacement, 2022 -------------------------------------------------------


def test_the_exact_figure_outranks_its_rounded_retellings() -> None:
    result = real("ukraine_idps_2022")
    april = estimate_of(result, "idps", "2022-04-01")
    assert (april["low"], april["high"]) == (7138715.0, 7138715.0)
    assert april["n_voices"] == 1 and april["n_claims"] == 7


# -- rules on hand-made claims ------------------------------------------------------------------


def one_quantity(rows: list[dict[str, object]]) -> pd.DataFrame:
    figures = [
        rc.parse(str(row.pop("phrase")), counts="killed", place="Mosul", as_of="2017-07", **row)  # type: ignore[arg-type]
        for row in rows
    ]
    return rc.to_claims(figures)


def test_names_are_folded_for_case_spacing_and_punctuation() -> None:
    table = one_quantity(
        [
            {"phrase": "5,000", "source": "U.S. officials"},
            {"phrase": "5,000", "source": "US  Officials", "via": "CNN"},
            {"phrase": "9,000", "source": "local authorities"},
        ]
    )
    result = rc.reconcile(table)
    assert result.estimates["n_voices"][0] == 2
    assert result.estimates["status"][0] == "unresolved"  # one voice against one


def test_an_origin_column_names_the_voice_where_source_names_an_outlet() -> None:
    table = one_quantity(
        [
            {"phrase": "5,000", "source": "CNN"},
            {"phrase": "5,000", "source": "Reuters"},
            {"phrase": "9,000", "source": "IOM"},
        ]
    ).assign(origin=pd.Series(["U.S. officials", "U.S. officials", None], dtype="str"))
    assert rc.reconcile(table).estimates["n_voices"][0] == 2
    assert rc.reconcile(table.drop(columns="origin")).estimates["status"][0] == "conflict"


def test_weights_apply_per_voice_however_many_outlets_repeat_it() -> None:
    table = one_quantity(
        [
            {"phrase": "5,000", "source": "U.S. officials", "via": "CNN"},
            {"phrase": "5,000", "source": "U.S. officials", "via": "BBC"},
            {"phrase": "5,000", "source": "U.S. officials", "via": "AP"},
            {"phrase": "9,000", "source": "local authorities"},
        ]
    )
    assert rc.reconcile(table).estimates["status"][0] == "unresolved"
    decided = rc.reconcile(table, weights={"local authorities": 2})
    assert (decided.estimates["value"][0], decided.estimates["status"][0]) == (9000.0, "conflict")


def test_a_floor_bounds_the_value_but_does_not_vote_for_it() -> None:
    table = one_quantity(
        [{"phrase": "9,000 to 11,000", "source": "AP"}, {"phrase": "at least 2,521", "source": "UN"}]
    )
    result = rc.reconcile(table)
    assert result.estimates["value"][0] == 10000.0


# -- properties --------------------------------------------------------------------------------
voice_tables = settings(max_examples=60, deadline=None)


def by_key(estimates: pd.DataFrame) -> pd.DataFrame:
    return estimates.sort_values(KEY).reset_index(drop=True)


@voice_tables
@given(claims(), st.data())
def test_a_consistent_retelling_never_changes_an_estimate(table: pd.DataFrame, data: st.DataObject) -> None:
    named = table[table["source"].notna()]
    assume(len(named))
    told = named.iloc[data.draw(st.integers(0, len(named) - 1))]
    retelling = told.to_frame().T.assign(claim_id="retold", via="a new outlet")
    before = rc.reconcile(table)
    after = rc.reconcile(pd.concat([table, retelling], ignore_index=True).astype(table.dtypes.to_dict()))
    columns = ["low", "value", "high", "unit", "status", "n_voices"]
    pd.testing.assert_frame_equal(by_key(before.estimates)[columns], by_key(after.estimates)[columns])
    assert fate(after).loc["retold", "kept"] == fate(after).loc[told["claim_id"], "kept"]


@voice_tables
@given(claims(), st.data())
def test_a_later_revision_replaces_its_voices_figure_and_nothing_else(
    table: pd.DataFrame, data: st.DataObject
) -> None:
    table = table.assign(reported_on="2016-10-17")
    named = table[table["source"].notna()]
    assume(len(named))
    first = named.iloc[data.draw(st.integers(0, len(named) - 1))]
    same = (table[KEY] == first[KEY]).all(axis=1) & table["source"].map(
        lambda name: isinstance(name, str) and voice_name(name) == voice_name(first["source"])
    )
    top = table.loc[same, "high"].max()
    assume(math.isfinite(top))
    low = float(data.draw(st.integers(int(top) + 1, int(top) + 1000)))
    revision = first.to_frame().T.assign(
        claim_id="revised",
        reported_on="2016-12-01",
        low=low,
        value=low + 1,
        high=low + 2,
        hedge=None,
        via=None,
    )
    revised = rc.reconcile(pd.concat([table, revision], ignore_index=True).astype(table.dtypes.to_dict()))
    replaced = rc.reconcile(
        pd.concat([table[~same], revision], ignore_index=True).astype(table.dtypes.to_dict())
    )
    pd.testing.assert_frame_equal(
        by_key(revised.estimates).drop(columns=["n_claims", "n_kept", "status"]),
        by_key(replaced.estimates).drop(columns=["n_claims", "n_kept", "status"]),
    )
    old = fate(revised).loc[table.loc[same, "claim_id"]]
    assert not old["kept"].any()
    assert old["reason"].str.startswith("superseded by revised (reported 2016-12-01)").all()


@voice_tables
@given(claims(weights=True), st.randoms(use_true_random=False), st.sampled_from(sorted(rc.POLICIES)))
def test_results_do_not_depend_on_row_order(table: pd.DataFrame, random: object, policy: str) -> None:
    table = table.assign(weight=np.arange(1.0, len(table) + 1))  # distinct, so priority has no ties
    shuffled = table.sample(frac=1, random_state=random.randint(0, 2**31))  # type: ignore[attr-defined]
    forward, backward = rc.reconcile(table, policy=policy), rc.reconcile(shuffled, policy=policy)  # type: ignore[call-overload]
    pd.testing.assert_frame_equal(by_key(forward.estimates), by_key(backward.estimates))
    columns = ["kept", "reason", "conflict_id", "voice"]
    pd.testing.assert_frame_equal(fate(forward)[columns].sort_index(), fate(backward)[columns].sort_index())


@voice_tables
@given(claims(max_quantities=1), st.data())
def test_a_voice_never_conflicts_with_a_consistent_retelling_of_itself(
    table: pd.DataFrame, data: st.DataObject
) -> None:
    alone = table.iloc[[0]].assign(source="one source", via=None)
    retelling = alone.assign(claim_id="retold", via="an outlet")
    result = rc.reconcile(pd.concat([alone, retelling], ignore_index=True))
    assert result.conflicts.empty
    assert result.claims["kept"].all()
    assert result.estimates["status"][0] == "single"


@voice_tables
@given(claims(weights=True), st.sampled_from(sorted(rc.POLICIES)))
def test_no_estimate_is_narrower_than_the_intersection_of_its_kept_voices(
    table: pd.DataFrame, policy: str
) -> None:
    result = rc.reconcile(table, policy=policy)  # type: ignore[call-overload]
    speaking = result.claims[result.claims["kept"] & ~result.claims["reason"].str.startswith("repeats ")]
    # A claim without a source is a voice of its own.
    speaker = speaking["voice"].where(speaking["voice"] != "", "claim " + speaking["claim_id"])
    voices = (
        speaking.assign(speaker=speaker)
        .groupby([*KEY, "speaker"])[["low", "high"]]
        .agg({"low": "min", "high": "max"})
    )
    together = voices.groupby(level=KEY).agg({"low": "max", "high": "min"})
    checked = by_key(result.estimates).merge(together.reset_index(), on=KEY, suffixes=("", "_voices"))
    assert len(checked) == len(result.estimates)
    assert (checked["low"] <= checked["low_voices"]).all()
    assert (checked["high"] >= checked["high_voices"]).all()


def test_the_command_takes_aliases_and_refuses_a_malformed_one(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from reconcile.cli import app

    claims = tmp_path / "claims.csv"
    claims.write_text(
        "claim_id,counts,place,as_of,phrase,source,via\n"
        "a,deaths,Puerto Rico,2018-02,2975,George Washington University,\n"
        "b,deaths,Puerto Rico,2018-02,2975,GWU,CNN\n"
        "c,deaths,Puerto Rico,2018-02,64,Government of Puerto Rico,\n"
    )
    two_voices = CliRunner().invoke(app, ["check", str(claims), "--format", "json"])
    one_voice = CliRunner().invoke(
        app, ["check", str(claims), "--format", "json", "--alias", "GWU=George Washington University"]
    )
    assert '"conflict"' in two_voices.stdout and '"unresolved"' not in two_voices.stdout
    assert '"unresolved"' in one_voice.stdout
    refused = CliRunner().invoke(app, ["check", str(claims), "--alias", "GWU"])
    assert refused.exit_code == 2
    assert "--alias 'GWU'" in refused.stderr


# -- Somalia, 2022-2023: a series revised through its publisher --------------------------------


def test_a_publishers_next_report_revises_a_more_hedged_earlier_one() -> None:
    # IPC Somalia via FSNAU: "approximately 8.3 million" (December 2022) for April-June 2023,
    # then "6.5 million" (February 2023); and 727,000 in phase 5, then "up to 223,000".
    result = real("somalia_drought_2022")
    crisis = estimate_of(result, "people/ipc3_or_worse", "2023Q2")
    assert (crisis["low"], crisis["high"], crisis["status"]) == (6450000.0, 6550000.0, "revised")
    famine = estimate_of(result, "people/ipc5", "2023Q2")
    assert (famine["low"], famine["high"], famine["status"]) == (0.0, 223000.0, "revised")
    assert str(fate(result).at["so-q2-ipc-dec", "reason"]).startswith("superseded by so-q2-ipc-feb")
    assert result.conflicts.empty or "so-q2-ipc-dec" not in set(result.conflicts["claim_id"])


def test_the_sources_own_words_outrank_an_outlets_hedge() -> None:
    def said(phrase: str, via: str | None = None) -> rc.Figure:
        return rc.parse(phrase, counts="deaths", place="Derna", as_of="2023-09-11", source="WHO", via=via)

    table = rc.to_claims(
        [said("3,958"), said("at least 3,958", via="CNN"), said("some 4,000", via="an outlet")]
    )
    result = rc.reconcile(table)
    assert (result.estimates["low"][0], result.estimates["high"][0]) == (3958.0, 3958.0)
    assert result.claims["reason"].tolist() == ["", "repeats c1", "repeats c1"]
    # Without the source's own words, the outlets' statements are all there is.
    retold = rc.reconcile(table.iloc[1:])
    assert retold.estimates["high"][0] > 3958.0
