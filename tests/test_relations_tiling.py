"""Flows over periods that tile a period add up to it: the tilings relations imply.

The monthly and quarterly figures are illustrative. The OHCHR figures are civilians killed in
Ukraine, from ``tests/data/real/flows_nested_periods.csv`` (sources in
``tests/data/real/time_series_cases.md``): 1,276 from 24 February to 31 March 2022 (reported 1
April 2022), and, as later verification gave them, 358 from 24 to 28 February and at least
3,378 in March (reported in February and March 2023).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import reconcile as rc
from reconcile._periods import day_bounds, period
from reconcile.consensus import estimate
from reconcile.relations import apply
from reconcile.relations.tilings import CHECK_COLUMNS, GRAINS, grains, tiling_checks
from reconcile.schemas import Conflicts, Estimates

#: A warning from numpy or pandas reaching the user is a bug: every warning fails a test.
pytestmark = pytest.mark.filterwarnings("error")

#: Each example reconciles a table: a fifth of the profile's count, at least 10.
EXAMPLES = max(10, settings().max_examples // 5)
REAL = "tests/data/real"
QUARTER = "2022-03/2022-05"
MONTHS = ("2022-03", "2022-04", "2022-05")


def flow(low: float, high: float, as_of: str, **more: object) -> rc.Figure:
    """Deaths over ``as_of`` between ``low`` and ``high``, from a source of its own."""
    fields: dict[str, object] = {"counts": "deaths", "place": "Province A", "source": f"report {as_of}"}
    fields.update(more)
    return rc.Figure.between(low, high, as_of=as_of, **fields)  # type: ignore[arg-type]


def flows(*figures: rc.Figure, measure: str = "flow") -> pd.DataFrame:
    return rc.to_claims(list(figures)).assign(measure=measure)


def tight(result: rc.Reconciliation, as_of: str) -> tuple[float, float]:
    row = result.estimates[result.estimates["as_of"] == as_of]
    assert len(row) == 1
    return float(row["low_tight"].iloc[0]), float(row["high_tight"].iloc[0])


def relation_conflicts(result: rc.Reconciliation) -> pd.DataFrame:
    return result.conflicts[result.conflicts["kind"] == "relation"]


def texts(estimates: pd.DataFrame, key: tuple[str, ...] = ("counts", "as_of")) -> list[str]:
    """The tilings found over ``estimates``, by the text messages name them with."""
    checks = tiling_checks(estimates, key)
    return checks.drop_duplicates("check")["text"].str.removesuffix(" (implied tiling)").tolist()


def flow_estimates(as_of: list[str], measure: str = "flow", **more: object) -> pd.DataFrame:
    return pd.DataFrame({"counts": "deaths", "unit": "person", "measure": measure, "as_of": as_of, **more})


# -- conflicts and tightening --------------------------------------------------------------------


def test_months_far_above_their_quarter_are_a_conflict_naming_the_claims_and_the_tiling() -> None:
    claims = flows(flow(900, 1_000, QUARTER), *(flow(500, 520, month) for month in MONTHS))
    result = rc.reconcile(claims)
    found = relation_conflicts(result)
    assert Conflicts.validate(result.conflicts) is not None
    assert found["conflict_id"].nunique() == 1
    # Without any one of the four claims the rest fit: 1,000 = 500 + 500 + 0.
    assert sorted(found["claim_id"]) == ["c1", "c2", "c3", "c4"]
    message = found["message"].iloc[0]
    assert "deaths 2022-03/2022-05 = 2022-03 + 2022-04 + 2022-05 (implied tiling)" in message
    assert "c2: deaths 500–520 as of 2022-03" in message
    assert result.conflicts[result.conflicts["kind"] == "temporal"].empty  # no month alone is above


def test_consistent_months_tighten_their_quarter() -> None:
    claims = flows(flow(0, 10_000, QUARTER), *(flow(300, 320, month) for month in MONTHS))
    result = rc.reconcile(claims)
    assert result.conflicts.empty
    assert tight(result, QUARTER) == (900.0, 960.0)


def test_a_quarter_tightens_its_months() -> None:
    claims = flows(
        flow(900, 900, QUARTER),
        flow(300, 300, "2022-03"),
        flow(300, 300, "2022-04"),
        flow(0, 1_000, "2022-05"),
    )
    result = rc.reconcile(claims)
    assert result.conflicts.empty
    assert tight(result, "2022-05") == (300.0, 300.0)


def test_spans_that_follow_each_other_tile_their_span() -> None:
    claims = flows(
        flow(100, 120, "2017-09-20/2017-10-31"),
        flow(200, 220, "2017-11-01/2017-12-31"),
        flow(0, 1_000, "2017-09-20/2017-12-31"),
    )
    result = rc.reconcile(claims)
    assert tight(result, "2017-09-20/2017-12-31") == (300.0, 340.0)


def test_places_and_units_are_never_added_together() -> None:
    claims = flows(
        flow(0, 10_000, QUARTER),
        flow(300, 320, "2022-03"),
        flow(300, 320, "2022-04", place="Province B"),
        flow(300, 320, "2022-05"),
    )
    assert tight(rc.reconcile(claims), QUARTER) == (
        300.0,
        10_000.0,
    )  # only the nested check: at least a month
    both = flow_estimates([QUARTER, *MONTHS], unit=["person", "person", "household", "person"])
    assert texts(both) == []


def test_implied_parts_false_adds_no_tiling() -> None:
    claims = flows(flow(900, 1_000, QUARTER), *(flow(500, 520, month) for month in MONTHS))
    assert relation_conflicts(rc.reconcile(claims, implied_parts=False)).empty


def test_without_a_measure_column_nothing_is_tiled() -> None:
    # Relations used without the time step: the estimates do not say what they measure.
    claims = flows(flow(900, 1_000, QUARTER), *(flow(500, 520, month) for month in MONTHS))
    found = estimate(claims, key=("counts", "place", "as_of"))
    assert "measure" not in found.estimates
    related = apply(found, None, True)
    assert related.conflicts.empty
    Estimates.validate(related.estimates)


# -- what tiles and what does not ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "whole", "said"),
    [
        (list(MONTHS), QUARTER, "2022-03/2022-05 = 2022-03 + 2022-04 + 2022-05"),
        (["2022Q1", "2022Q2", "2022Q3", "2022Q4"], "2022", "2022 = 2022Q1 + 2022Q2 + 2022Q3 + 2022Q4"),
        (
            [f"2022-10-{day:02d}" for day in range(17, 24)],
            "2022-10-17/2022-10-23",  # a week, Monday to Sunday
            "2022-10-17/2022-10-23 = 2022-10-17 + 2022-10-18 + … + 2022-10-23 (7 parts)",
        ),
        (
            ["2017-09-20/2017-10-31", "2017-11-01/2017-12-31"],
            "2017-09-20/2017-12-31",
            "2017-09-20/2017-12-31 = 2017-09-20/2017-10-31 + 2017-11-01/2017-12-31",
        ),
        (
            ["2017-09-20/2017-09-30", "2017-10-01/2017-11-15", "2017-11-16/2017-12-31"],
            "2017-09-20/2017-12-31",
            "2017-09-20/2017-12-31 = 2017-09-20/2017-09-30 + 2017-10-01/2017-11-15 + 2017-11-16/2017-12-31",
        ),
        (
            ["2022-02-24/2022-02-28", "2022-03"],
            "2022-02-24/2022-03-31",
            "2022-02-24/2022-03-31 = 2022-02-24/2022-02-28 + 2022-03",
        ),
    ],
)
def test_parts_that_follow_each_other_and_cover_the_whole_tile_it(
    parts: list[str], whole: str, said: str
) -> None:
    assert texts(flow_estimates([*parts[::-1], whole])) == [f"deaths {said}"]


@pytest.mark.parametrize(
    "as_of",
    [
        pytest.param(["2022-03", "2022-04", "2022-04-15/2022-05-31"], id="a span over part of a month"),
        pytest.param(["2022-03", "2022-05"], id="a month missing"),
        pytest.param(["2022-03-01/2022-04-10", "2022-04-01/2022-05-31"], id="two spans that overlap"),
        pytest.param(["2022-03-01/2022-04-10", "2022-04-12/2022-05-31"], id="two spans with a day between"),
        pytest.param(["2022-03", "2022-04", "2022-05-01/2022-05-30"], id="the last day missing"),
    ],
)
def test_parts_that_overlap_or_leave_a_gap_add_nothing(as_of: list[str]) -> None:
    found = texts(flow_estimates([QUARTER, *as_of]))
    assert not [text for text in found if text.startswith(f"deaths {QUARTER} =")]


def test_overlapping_or_gapped_months_add_no_conflict() -> None:
    claims = flows(flow(100, 100, QUARTER), flow(500, 520, "2022-03"), flow(500, 520, "2022-05"))
    assert relation_conflicts(rc.reconcile(claims)).empty  # April is missing: nothing adds up


@pytest.mark.parametrize("measure", ["stock", "cumulative"])
def test_stocks_and_running_totals_are_never_tiled(measure: str) -> None:
    assert texts(flow_estimates([QUARTER, *MONTHS], measure=measure)) == []
    claims = flows(flow(900, 1_000, QUARTER), *(flow(500, 520, month) for month in MONTHS), measure=measure)
    assert relation_conflicts(rc.reconcile(claims)).empty


def test_the_checks_have_their_columns_and_sum_whole_minus_parts() -> None:
    checks = tiling_checks(flow_estimates([QUARTER, *MONTHS, "2022-06"]), ("counts", "as_of"))
    assert tuple(checks.columns) == CHECK_COLUMNS
    assert checks["estimate"].tolist() == [0, 1, 2, 3]
    assert checks["coefficient"].tolist() == [1.0, -1.0, -1.0, -1.0]
    assert tiling_checks(flow_estimates([QUARTER, *MONTHS]), ("counts",)).empty  # no as_of in the key


def test_grains_follow_from_the_days_a_time_spans() -> None:
    as_of = ["2022-03-01", "2022-10-17/2022-10-23", "2022-02", "2022Q1", "2024", "2022-02-24/2022-02-28"]
    assert [GRAINS[grain] for grain in grains(*day_bounds(as_of))] == list(GRAINS)


def test_running_counts_since_a_start_are_not_tiled_by_their_days_again() -> None:
    # Each count since 1 January is the day before's count and its last day: that its days add
    # up to it follows, and is not written out again (the terms grow with the days, not their square).
    days = [str(day) for day in pd.period_range("2022-01-01", "2022-03-31", freq="D")]
    since = [f"2022-01-01/{day}" for day in days[1:]]
    checks = tiling_checks(flow_estimates([*days, *since]), ("counts", "as_of"))
    assert checks["check"].nunique() == len(since)
    assert len(checks) == 3 * len(since)


def test_weeks_and_months_that_tile_one_quarter_are_both_kept() -> None:
    # The second quarter of 2024 is 13 weeks from Monday 1 April and three months: neither
    # tiling follows from the other, so both are added.
    weeks = [str(week) for week in pd.period_range("2024-04-01", periods=13, freq="W-SUN")]
    found = texts(flow_estimates(["2024Q2", "2024-04", "2024-05", "2024-06", *weeks]))
    assert [text.split(" = ")[0] for text in found] == ["deaths 2024Q2", "deaths 2024Q2"]


# -- a real case ---------------------------------------------------------------------------------


def test_ohchr_counts_since_the_invasion_tile_and_the_early_count_is_too_low() -> None:
    # 1,276 killed from 24 February to 31 March 2022, as first verified; later verification put
    # 358 in 24-28 February and at least 3,378 in March. The span and the month tile the first.
    result = rc.reconcile(f"{REAL}/flows_nested_periods.csv")
    found = relation_conflicts(result)
    tiling = "deaths/civilian 2022-02-24/2022-03-31 = 2022-02-24/2022-02-28 + 2022-03 (implied tiling)"
    named = found[found["message"].str.contains(tiling, regex=False)]
    assert len(named)
    assert "ucd-220331" in set(named["claim_id"])  # the 1,276
    assert set(named["as_of"]) <= {"2022-02-24/2022-03-31", "2022-02-24/2022-02-28", "2022-03"}


# -- properties ----------------------------------------------------------------------------------

_DAYS = [str(day) for day in pd.period_range("2022-01-01", "2022-03-31", freq="D")]
_PERIODS = [
    *_DAYS[:14],
    *(str(week) for week in pd.period_range("2022-01-03", "2022-03-27", freq="W-SUN")),
    "2022-01-01/2022-01-07",  # a week from Saturday, overlapping those from Monday
    "2022-01",
    "2022-02",
    "2022-03",
    "2022Q1",
]
# Spans start on these days (and end the day before one): weeks' and months' ends, and others.
_CUTS = [0, 2, 9, 14, 16, 23, 30, 31, 45, 59, 73, 90]


@st.composite
def series_of_flows(draw: st.DrawFn) -> list[str]:
    """Periods of one series, as claims tables write them: days, weeks, months, a quarter and spans.

    The spans run between cut days (weeks' and months' ends among them); each draw of cuts
    gives the spans from one cut to the next and the span over them all, so that a whole is
    often tiled in more than one way.
    """
    chosen = draw(st.lists(st.sampled_from(_PERIODS), max_size=20, unique=True))
    for cuts in draw(
        st.lists(st.lists(st.sampled_from(_CUTS), min_size=2, max_size=5, unique=True), max_size=3)
    ):
        ends = sorted(cuts)
        pieces = [(ends[0], ends[-1]), *itertools.pairwise(ends)]
        chosen += [f"{_DAYS[start]}/{_DAYS[stop - 1]}" for start, stop in pieces]
    return list(dict.fromkeys(str(period(text)) for text in chosen))


def _rule_tilings(as_of: list[str]) -> list[tuple[int, tuple[int, ...]]]:
    """Every tiling the two documented rules name, found by brute force: (whole, parts)."""
    first, last_start, last = day_bounds(as_of)
    grain = grains(first, last_start, last)
    found = []
    for whole in range(len(as_of)):
        for each in range(len(GRAINS)):
            inside = sorted(
                (
                    i
                    for i in range(len(as_of))
                    if i != whole and grain[i] == each and first[whole] <= first[i] <= last[whole]
                ),
                key=lambda i: (first[i], last[i]),
            )
            if len(inside) >= 2 and _follow(inside, first, last, first[whole], last[whole]):
                found.append((whole, tuple(inside)))
        for early, late in itertools.permutations(range(len(as_of)), 2):
            if _follow([early, late], first, last, first[whole], last[whole]) and whole not in (early, late):
                found.append((whole, (early, late)))
    return found


def _follow(parts: list[int], first: np.ndarray, last: np.ndarray, start: float, end: float) -> bool:
    linked = all(first[b] == last[a] + 1 for a, b in itertools.pairwise(parts))
    return linked and first[parts[0]] == start and last[parts[-1]] == end


def _matrix(tilings: list[tuple[int, tuple[int, ...]]], n: int) -> np.ndarray:
    rows = np.zeros((len(tilings), n))
    for row, (whole, parts) in enumerate(tilings):
        rows[row, whole] = 1.0
        rows[row, list(parts)] = -1.0
    return rows


@settings(max_examples=EXAMPLES * 3)
@given(as_of=series_of_flows())
@example(  # the quarter is three months and three spans: neither follows from the other
    as_of=[
        "2022Q1",
        "2022-01",
        "2022-02",
        "2022-03",
        "2022-01-01/2022-01-16",
        "2022-01-17/2022-02-14",
        "2022-02-15/2022-03-31",
    ]
)
def test_every_tiling_added_is_one_and_together_they_say_all_the_rules_find(as_of: list[str]) -> None:
    checks = tiling_checks(flow_estimates(as_of), ("counts", "as_of"))
    first, _, last = day_bounds(as_of)
    added = []
    for _, terms in checks.groupby("check"):
        whole = int(terms["estimate"].iloc[0])
        parts = terms["estimate"].iloc[1:].astype(int).tolist()
        assert terms["coefficient"].tolist() == [1.0] + [-1.0] * len(parts)
        assert _follow(parts, first, last, first[whole], last[whole])  # a true tiling, parts in order
        added.append((whole, tuple(parts)))
    assert len(set(added)) == len(added)
    rules = _rule_tilings(as_of)
    if not rules:
        assert not added
        return
    ours = _matrix(added, len(as_of))
    rank = np.linalg.matrix_rank(ours) if added else 0
    assert rank == np.linalg.matrix_rank(np.vstack([ours, _matrix(rules, len(as_of))]))


@st.composite
def true_flows(draw: st.DrawFn) -> tuple[dict[str, float], pd.DataFrame]:
    """A true count per day, and claims over a series' periods whose ranges hold the true sums."""
    as_of = draw(series_of_flows())
    daily = np.array(draw(st.lists(st.integers(0, 50), min_size=len(_DAYS), max_size=len(_DAYS))), float)
    origin = day_bounds([_DAYS[0]])[0][0]
    first, _, last = day_bounds(as_of)
    truth, figures = {}, []
    for text, start, end in zip(as_of, first - origin, last - origin, strict=True):
        true = float(daily[int(start) : int(end) + 1].sum())
        below, above = draw(st.integers(0, 30)), draw(st.integers(0, 30))
        truth[text] = true
        figures.append(flow(max(true - below, 0), true + above, text))
    return truth, flows(*figures) if figures else pd.DataFrame()


@settings(max_examples=EXAMPLES)
@given(case=true_flows())
def test_claims_that_hold_the_truth_never_conflict_and_stay_tightened_around_it(
    case: tuple[dict[str, float], pd.DataFrame],
) -> None:
    truth, claims = case
    if claims.empty:
        return
    result = rc.reconcile(claims)
    assert result.conflicts.empty
    for as_of, true in truth.items():
        low, high = tight(result, as_of)
        assert low - 1e-6 <= true <= high + 1e-6
