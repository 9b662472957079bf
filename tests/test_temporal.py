"""Time: spans, measures, running totals that fall, nested flows, late reports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reconcile as rc
from reconcile._periods import Span, day_bounds, period
from reconcile.temporal import measures


def claims_of(rows: list[dict[str, object]]) -> pd.DataFrame:
    """A claims table from rows of (as_of, low, value, high) and whatever else they give."""
    base = {"counts": "arrivals", "place": "Bangladesh", "unit": "person", "source": "ISCG"}
    frame = pd.DataFrame([{**base, **row} for row in rows])
    return frame.assign(claim_id=[f"c{number}" for number in range(len(frame))])


def point(as_of: str, value: float, **more: object) -> dict[str, object]:
    return {"as_of": as_of, "low": value, "value": value, "high": value, **more}


def temporal(result: rc.Reconciliation) -> pd.DataFrame:
    return result.conflicts[result.conflicts["kind"] == "temporal"]


# -- spans ---------------------------------------------------------------------------------


def test_a_span_keeps_the_precision_of_each_end() -> None:
    battle = period("2016-10/2017-07")
    assert isinstance(battle, Span)
    assert (str(battle.start), str(battle.end)) == ("2016-10", "2017-07")
    assert battle.end_time.date().isoformat() == "2017-07-31"


def test_a_span_that_is_one_calendar_period_is_that_period() -> None:
    assert period("2017-01-01/2017-12-31") == pd.Period("2017", "Y")
    assert period("2017-10/2017-12") == pd.Period("2017Q4", "Q")


def test_a_span_that_ends_before_it_starts_is_refused_naming_the_row() -> None:
    frame = claims_of([point("2017-12-31/2017-09-20", 5)])
    with pytest.raises(rc.ClaimsError) as caught:
        rc.read_claims(frame)
    assert "as_of='2017-12-31/2017-09-20' ends (2017-09-20) before it starts (2017-12-31)" in str(
        caught.value
    )
    assert "row 0" in str(caught.value)


def test_a_table_with_a_span_of_dates_reconciles() -> None:
    frame = claims_of([point("2017-09-20/2017-12-31", 5), point("2017-09-20/2017-12-31", 5, source="IOM")])
    result = rc.reconcile(frame)
    assert result.estimates["as_of"].tolist() == ["2017-09-20/2017-12-31"]
    assert result.estimates["status"].tolist() == ["agreed"]


def test_day_bounds_give_first_day_last_period_and_last_day() -> None:
    first, last_start, last = day_bounds(["2017-08-25/2017-09", "2017-09-30"])
    as_dates = list(pd.to_datetime(np.r_[first, last_start, last], unit="D").strftime("%Y-%m-%d"))
    assert as_dates == ["2017-08-25", "2017-09-30", "2017-09-01", "2017-09-30", "2017-09-30", "2017-09-30"]


def test_a_span_is_a_flow_and_a_date_a_stock_unless_the_measure_says() -> None:
    frame = pd.DataFrame({"as_of": ["2016-10/2017-07", "2017-09-11", "2017-09-11"]})
    assert measures(frame).tolist() == ["flow", "stock", "stock"]
    frame = frame.assign(measure=pd.Series([None, "cumulative", None], dtype=object))
    assert measures(frame).tolist() == ["flow", "cumulative", "stock"]


def test_a_measure_outside_the_three_is_refused() -> None:
    with pytest.raises(rc.ClaimsError, match="measure='running'"):
        rc.read_claims(claims_of([point("2017-09-11", 5, measure="running")]))


def test_a_projection_reported_before_its_time_is_over_reads_with_a_negative_lag() -> None:
    # IPC projections (Somalia, 2022-2023) are reported before the period they project.
    frame = claims_of([point("2023-06", 8_300_000, reported_on="2023-03-22")])
    assert rc.reconcile(frame).estimates["lag_days"].tolist() == [-100.0]


# -- running totals --------------------------------------------------------------------------


def test_a_running_total_that_falls_is_a_temporal_conflict_naming_both_claims() -> None:
    # ISCG, Bangladesh 2017: "Some 409,000" by 10 September (BdChronicle), then "370,000
    # Accumulative arrivals since 25 Aug" on 11 September (ISCG situation report).
    frame = claims_of(
        [
            {"as_of": "2017-09-10", "phrase": "Some 409,000", "measure": "cumulative"},
            {"as_of": "2017-09-11", "phrase": "370,000", "measure": "cumulative"},
        ]
    )
    result = rc.reconcile(rc.read_claims(frame.drop(columns=[])))
    found = temporal(result)
    assert found["claim_id"].tolist() == ["c0", "c1"]
    assert found["conflict_id"].nunique() == 1
    assert "a running total falls" in found["message"].iloc[0]


def test_overlapping_ranges_of_a_running_total_are_not_a_fall() -> None:
    frame = claims_of(
        [
            {"as_of": "2017-09-10", "phrase": "some 409,000", "measure": "cumulative"},
            {"as_of": "2017-09-11", "phrase": "about 400,000", "measure": "cumulative"},
        ]
    )
    result = rc.reconcile(rc.read_claims(frame))
    assert temporal(result).empty
    # ... but each bounds the other: the later one is at least the earlier one's lowest.
    later = result.estimates.set_index("as_of").loc["2017-09-11"]
    earlier = result.estimates.set_index("as_of").loc["2017-09-10"]
    assert later["low_tight"] == earlier["low"] > later["low"]
    assert earlier["high_tight"] <= later["high"]


def test_a_new_phase_restarts_the_count() -> None:
    frame = claims_of(
        [
            point("2017-01-31", 69_000, measure="cumulative", phase="2016 influx"),
            point("2017-09-05", 123_000, measure="cumulative", phase="2017 influx"),
            point("2017-08-31", 27_000, measure="cumulative", phase="2017 influx"),
        ]
    )
    assert temporal(rc.reconcile(frame)).empty


def test_a_stock_may_fall() -> None:
    frame = claims_of(
        [point("2022-04-01", 7_100_000), point("2022-05-03", 7_700_000), point("2022-06-23", 6_300_000)]
    )
    assert temporal(rc.reconcile(frame.assign(counts="idps", place="Ukraine"))).empty


def test_times_that_overlap_are_not_ordered() -> None:
    frame = claims_of(
        [point("2017-12", 688_000, measure="cumulative"), point("2017-12-31", 655_000, measure="cumulative")]
    )
    assert temporal(rc.reconcile(frame)).empty


def test_every_later_total_below_the_peak_is_named_with_the_peak() -> None:
    frame = claims_of(
        [
            point("2018-01-10", 655_500, measure="cumulative"),
            point("2018-02-01", 688_000, measure="cumulative"),
            point("2018-03-01", 671_000, measure="cumulative"),
            point("2018-04-01", 671_500, measure="cumulative"),
        ]
    )
    found = temporal(rc.reconcile(frame))
    pairs = found.groupby("conflict_id")["claim_id"].agg(tuple).tolist()
    assert sorted(pairs) == [("c1", "c2"), ("c1", "c3")]


def test_the_checks_can_be_switched_off() -> None:
    frame = claims_of(
        [
            point("2017-09-10", 409_000, measure="cumulative"),
            point("2017-09-11", 370_000, measure="cumulative"),
        ]
    )
    result = rc.reconcile(frame, time_checks=False)
    assert temporal(result).empty
    assert result.estimates["low_tight"].tolist() == result.estimates["low"].tolist()
    with pytest.raises(rc.ArgumentError, match="time_checks"):
        rc.reconcile(frame, time_checks="no")  # type: ignore[call-overload]


def test_one_quantity_with_two_measures_is_refused() -> None:
    frame = claims_of(
        [point("2017-09-10", 5, measure="stock"), point("2017-09-10", 5, measure="cumulative", source="IOM")]
    )
    with pytest.raises(rc.ClaimsError) as caught:
        rc.reconcile(frame)
    assert caught.value.reason is rc.Reason.MIXED_MEASURES


# -- flows -------------------------------------------------------------------------------------


def test_a_part_of_a_period_above_the_whole_is_a_conflict() -> None:
    frame = claims_of(
        [
            point("2016-10-17/2017-07-10", 9_000),
            {"as_of": "2017-02-19/2017-06-19", "low": 9_500, "value": 10_000, "high": 10_500},
        ]
    ).assign(counts="deaths/civilian", place="Mosul")
    found = temporal(rc.reconcile(frame))
    assert found["claim_id"].tolist() == ["c0", "c1"]
    assert "a part of a period counts more than the whole" in found["message"].iloc[0]


def test_nested_flows_that_fit_tighten_each_other() -> None:
    frame = claims_of(
        [
            {"as_of": "2016-10-17/2017-07-10", "low": 9_000, "value": 10_000, "high": 11_000},
            {"as_of": "2017-02-19/2017-06-19", "low": 5_800, "value": 5_805, "high": 12_000},
        ]
    ).assign(counts="deaths/civilian", place="Mosul")
    result = rc.reconcile(frame)
    assert temporal(result).empty
    part = result.estimates.set_index("as_of").loc["2017-02-19/2017-06-19"]
    assert part["high_tight"] == 11_000


# -- late reports --------------------------------------------------------------------------------


def test_estimates_carry_the_lag_to_their_latest_report() -> None:
    frame = claims_of(
        [
            point("2017-09-10", 409_000, reported_on="2017-09-17"),
            point("2017-09-10", 409_000, reported_on="2017-09-12", source="IOM"),
        ]
    )
    assert rc.reconcile(frame).estimates["lag_days"].tolist() == [7.0]


# -- properties ----------------------------------------------------------------------------------


@st.composite
def running_totals(draw: st.DrawFn) -> tuple[list[float], pd.DataFrame]:
    """A true running total over days, and claims whose ranges hold it (in a random order)."""
    steps = draw(st.lists(st.integers(0, 1_000), min_size=1, max_size=12))
    truth = np.cumsum(steps).astype(float)
    rows = []
    for day, true in enumerate(truth):
        below = draw(st.integers(0, 500))
        above = draw(st.one_of(st.integers(0, 500), st.just(10**9)))
        high = np.inf if above == 10**9 else true + above
        rows.append(
            {"as_of": f"2017-09-{day + 1:02d}", "low": max(0.0, true - below), "value": true, "high": high}
        )
    order = draw(st.permutations(range(len(rows))))
    frame = claims_of([rows[i] for i in order]).assign(measure="cumulative")
    return truth.tolist(), frame


@given(running_totals())
def test_a_true_running_total_is_never_flagged_and_stays_inside_the_tightened_ranges(
    case: tuple[list[float], pd.DataFrame],
) -> None:
    truth, frame = case
    result = rc.reconcile(frame)
    assert temporal(result).empty
    estimates = result.estimates.sort_values("as_of")
    assert (estimates["low_tight"].to_numpy() <= np.array(truth)).all()
    assert (estimates["high_tight"].to_numpy() >= np.array(truth)).all()
    assert (estimates["low_tight"] >= estimates["low"]).all() and (
        estimates["high_tight"] <= estimates["high"]
    ).all()


@given(running_totals(), st.data())
def test_the_order_of_the_claims_changes_nothing(
    case: tuple[list[float], pd.DataFrame], data: st.DataObject
) -> None:
    _, frame = case
    shuffled = frame.iloc[data.draw(st.permutations(range(len(frame))))]
    one = rc.reconcile(frame).estimates
    other = rc.reconcile(shuffled).estimates
    columns = ["as_of", "low_tight", "high_tight"]
    assert (
        one[columns]
        .sort_values("as_of")
        .reset_index(drop=True)
        .equals(other[columns].sort_values("as_of").reset_index(drop=True))
    )


# -- HXL -------------------------------------------------------------------------------------------


def test_hxl_start_and_end_dates_read_as_a_span_and_a_year_as_a_year() -> None:
    spans = pd.DataFrame(
        [["Mosul", "2016-10-17", "2017-07-10", "AP", "9000"]],
        columns=["#adm2+name", "#date+start", "#date+end", "#meta+source", "#affected+killed"],
    )
    assert rc.read_claims(spans, format="hxl")["as_of"].tolist() == ["2016-10-17/2017-07-10"]
    years = pd.DataFrame(
        [["Somalia", "2022", "LSHTM", "43000"]],
        columns=["#country+name", "#date+year", "#meta+source", "#affected+killed"],
    )
    assert rc.read_claims(years, format="hxl")["as_of"].tolist() == ["2022"]


# -- real series ------------------------------------------------------------------------------------

REAL = "tests/data/real"


def pairs_of(result: rc.Reconciliation) -> set[tuple[str, ...]]:
    found = temporal(result)
    return set(found.groupby("conflict_id")["claim_id"].agg(tuple))


def test_the_rohingya_running_count_flags_its_real_falls_and_no_overlap() -> None:
    # ISCG, IOM and UNHCR counts of new arrivals in Bangladesh since 25 August 2017 (sources
    # and the careful reading in tests/data/real/time_series_cases.md).
    result = rc.reconcile(f"{REAL}/rohingya_arrivals_series_2017.csv")
    pairs = pairs_of(result)
    assert ("rhs-0910-bdchronicle", "rhs-0911-iscg") in pairs  # "Some 409,000", then 370,000
    assert ("rhs-0127-npm", "rhs-0215-npm") in pairs  # 688,000, then 671,000 after a re-count
    named = {claim for pair in pairs for claim in pair}
    for earlier, later in [
        ("rhs-0914-anadolu", "rhs-0915-iom"),  # "About 400,000", then 391,000
        ("rhs-1016-benar-about", "rhs-1020-iom"),  # "About 600,000", then 589,000
        ("rhs-1217-iscg", "rhs-1222-iom"),  # 655,000, then "Around 655,000"
    ]:
        assert (earlier, later) not in pairs
    # A new phase is a count of its own: the 2016 influx never falls against the 2017 one.
    assert "rhs-171004-iom-dg" not in named


def test_a_stock_series_that_falls_is_not_flagged() -> None:
    # IOM's rounds of internally displaced people in Ukraine, 2022: 8 million in May, 6.275 million in June.
    assert temporal(rc.reconcile(f"{REAL}/stock_series.csv")).empty


def test_nested_ohchr_periods_flag_only_parts_above_their_whole() -> None:
    # OHCHR civilian deaths in Ukraine: totals since 24 February 2022 and single months.
    claims = rc.read_claims(f"{REAL}/flows_nested_periods.csv")
    result = rc.reconcile(claims)
    found = temporal(result)
    assert len(found)
    first, _, last = day_bounds(found["as_of"].to_numpy(dtype=object))
    for rows in found.groupby("conflict_id").indices.values():
        one, other = rows  # (in claim order: either may be the part)
        inside = first[other] <= first[one] and last[one] <= last[other]
        assert inside or (first[one] <= first[other] and last[other] <= last[one])


# -- the same time ------------------------------------------------------------------------------------


def test_a_count_dated_to_a_month_is_compared_with_the_one_day_inside_it() -> None:
    frame = claims_of(
        [point("2017-12", 655_000), point("2017-12-31", 655_500, source="IOM"), point("2018-01-07", 1)]
    )
    result = rc.reconcile(frame)
    assert sorted(result.estimates["as_of"]) == ["2017-12-31", "2018-01-07"]
    assert result.claims["as_of_given"].tolist() == ["2017-12", "2017-12-31", "2018-01-07"]
    assert result.claims["as_of"].tolist() == ["2017-12-31", "2017-12-31", "2018-01-07"]


def test_a_month_with_two_days_inside_it_stays_its_own_quantity() -> None:
    frame = claims_of([point("2017-12", 655_000), point("2017-12-05", 1), point("2017-12-31", 2)])
    result = rc.reconcile(frame)
    assert sorted(result.estimates["as_of"]) == ["2017-12", "2017-12-05", "2017-12-31"]
    assert "as_of_given" not in result.claims


def test_flows_over_different_spans_stay_apart() -> None:
    frame = claims_of([point("2017", 10), point("2017-12-31", 1)]).assign(measure="flow")
    assert sorted(rc.reconcile(frame).estimates["as_of"]) == ["2017", "2017-12-31"]


def test_the_command_checks_time_unless_told_not_to(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from reconcile.cli import app

    path = tmp_path / "arrivals.csv"
    claims_of(
        [
            point("2017-09-10", 409_000, measure="cumulative"),
            point("2017-09-11", 370_000, measure="cumulative"),
        ]
    ).to_csv(path, index=False)
    checked = CliRunner().invoke(app, ["check", str(path)])
    assert checked.exit_code == 1 and "temporal" in checked.stdout
    unchecked = CliRunner().invoke(app, ["check", str(path), "--no-time"])
    assert unchecked.exit_code == 0, unchecked.stdout


@given(rc.strategies.claims())
def test_each_claim_knows_its_estimate_as_the_key_columns_say(claims: pd.DataFrame) -> None:
    from reconcile.consensus import estimate
    from reconcile.temporal import claim_estimates

    found = estimate(claims)
    assert found.claim_estimate is not None
    assert found.claim_estimate.tolist() == claim_estimates(found.claims, found.estimates, found.key).tolist()
