"""Range plots: what is drawn (bars, bands, arrows, labels), rendered with the Agg backend."""

from __future__ import annotations

import io
import itertools
import json
import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt

import reconcile as rc
from reconcile import plot
from reconcile.strategies import claims as claims_tables

ROOT = Path(__file__).resolve().parent.parent
MOSUL = ROOT / "examples" / "data" / "mosul_2016_claims.csv"


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def mosul() -> rc.Reconciliation:
    """The Mosul claims as reported: the militants' two sources weigh the same and disagree."""
    return rc.reconcile(rc.read_claims(MOSUL))


@pytest.fixture(scope="module")
def weighed() -> rc.Reconciliation:
    """The Mosul claims with U.S. officials weighed twice: the backers' claim is set aside."""
    return rc.reconcile(rc.read_claims(MOSUL), weights={"U.S. officials": 2})


def in_mosul(figures: list[rc.Figure]) -> list[rc.Figure]:
    """The figures, about Mosul in October 2016 (a claim without a place or date is not reconciled)."""
    return [figure.replace(place="Mosul", as_of="2016-10") for figure in figures]


def rendered(ax: Any) -> Any:
    """Render to PNG (so drawing errors surface) and hand the Axes back."""
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")
    return ax


def bars(ax: Any, label: str) -> list[Any]:
    """The bars of the container with ``label`` (none if there is no such container)."""
    found = [container for container in ax.containers if container.get_label().startswith(label)]
    assert len(found) <= 1
    return list(found[0]) if found else []


def arrows(ax: Any) -> dict[str, int]:
    """How many open-end arrow heads point each way (``<`` and ``>`` always; ``^`` and ``v`` where drawn)."""
    counts = {"<": 0, ">": 0}
    for line in ax.lines:
        if line.get_label().lstrip("_") == plot.OPEN_END_LABEL:
            counts[line.get_marker()] = counts.get(line.get_marker(), 0) + len(line.get_xdata())
    return counts


def zero_ends(ax: Any) -> int:
    """How many break marks show a real low end at 0 or below, off a log axis."""
    return sum(len(line.get_xdata()) for line in ax.lines if line.get_label() == plot.ZERO_END_LABEL)


def legend_labels(ax: Any) -> list[str]:
    return [text.get_text() for text in ax.get_legend().get_texts()]


def tick_labels(ax: Any) -> list[str]:
    return [label.get_text() for label in ax.get_yticklabels()]


# -- ranges -------------------------------------------------------------------------------


def test_militants_plot_draws_one_bar_per_claim_the_set_aside_claim_and_the_band(
    weighed: rc.Reconciliation,
) -> None:
    ax = rendered(plot.ranges(weighed, quantities="militants"))
    assert tick_labels(ax) == [
        "militants, Mosul, 2016-10-17",
        "U.S. officials via CNN",
        "Islamic State backers via CNN",
    ]
    kept, set_aside = bars(ax, plot.CLAIMS_LABEL), bars(ax, plot.SET_ASIDE_LABEL)
    assert len(kept) == 1 and len(set_aside) == 1
    assert (kept[0].get_x(), kept[0].get_x() + kept[0].get_width()) == pytest.approx((4500, 5500))
    assert set_aside[0].get_facecolor()[3] == 0, "a set-aside claim is a hollow bar"
    # At least 7,000: an open end, so the bar runs to the right edge, with an arrow.
    assert set_aside[0].get_x() + set_aside[0].get_width() == pytest.approx(ax.get_xlim()[1])
    assert arrows(ax) == {"<": 0, ">": 1}
    (band,) = bars(ax, plot.ESTIMATE_LABEL)
    assert (band.get_x(), band.get_x() + band.get_width()) == pytest.approx((4500, 5500))
    assert bars(ax, plot.ESTIMATE_LABEL + " (consensus)")
    assert ax.get_xscale() == "linear"
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert plot.SET_ASIDE_LABEL in legend and plot.OPEN_END_LABEL in legend
    margin = [text.get_text() for text in ax.texts]
    assert margin == ["about 5,000", "at least 7,000"]
    assert not bars(ax, plot.UNRESOLVED_LABEL)


def test_an_unresolved_quantity_keeps_both_claims_and_shades_their_envelope(mosul: rc.Reconciliation) -> None:
    ax = rendered(plot.ranges(mosul, quantities="militants"))
    us, backers = bars(ax, plot.CLAIMS_LABEL)
    assert not bars(ax, plot.SET_ASIDE_LABEL), "no source outweighs the other: neither is set aside"
    assert (us.get_x(), us.get_x() + us.get_width()) == pytest.approx((4500, 5500))
    assert backers.get_x() == pytest.approx(7000)
    assert backers.get_x() + backers.get_width() == pytest.approx(ax.get_xlim()[1])
    assert arrows(ax) == {"<": 0, ">": 1}
    # The band is the envelope of the tied sources, 4,500 to no upper end, and not an estimate's.
    assert not bars(ax, plot.ESTIMATE_LABEL)
    (band,) = bars(ax, plot.UNRESOLVED_LABEL)
    assert band.get_x() == pytest.approx(4500)
    assert band.get_x() + band.get_width() == pytest.approx(ax.get_xlim()[1])
    settled = bars(rendered(plot.ranges(mosul, quantities="troops/us")), plot.ESTIMATE_LABEL)[0]
    assert band.get_facecolor() != settled.get_facecolor(), "a tie is shaded in another colour"
    (value,) = [line for line in ax.collections if line.get_label() == "_estimate value"]
    assert value.get_linestyle() != [(0, None)], "the value of a tie is dashed"
    assert value.get_segments()[0][0][0] == pytest.approx(5000)
    legend = legend_labels(ax)
    assert plot.UNRESOLVED_LABEL in legend and plot.SET_ASIDE_LABEL not in legend


def test_every_quantity_gets_a_heading_and_a_band(mosul: rc.Reconciliation) -> None:
    ax = rendered(plot.ranges(mosul))
    assert len(bars(ax, plot.ESTIMATE_LABEL)) == 5
    assert len(bars(ax, plot.UNRESOLVED_LABEL)) == 1, "the militants' equal sources disagree"
    assert len(bars(ax, plot.CLAIMS_LABEL)) + len(bars(ax, plot.SET_ASIDE_LABEL)) == 7
    bold = [tick.get_text() for tick in ax.get_yticklabels() if tick.get_fontweight() == "bold"]
    assert bold == [
        "militants, Mosul, 2016-10-17",
        "residents, Mosul, 2016-10-17",
        "troops, Mosul, 2016-10-17",
        "troops/coalition, Iraq, 2016-10-17",
        "troops/us, Iraq, 2016-10-17",
        "troops/us/added, Iraq, 2016-10-17",
    ]
    # 600 to 1.1 million spans more than LOG_SPAN: a log axis, where "as many as 100,000"
    # (0 to 100,000) runs off the left edge. 0 is a real end: a break mark, not an open end.
    assert ax.get_xscale() == "log"
    assert arrows(ax) == {"<": 0, ">": 1}
    assert zero_ends(ax) == 1
    (troops,) = [bar for bar in bars(ax, plot.CLAIMS_LABEL) if bar.get_x() + bar.get_width() == 100_000]
    assert troops.get_x() == pytest.approx(ax.get_xlim()[0])
    legend = legend_labels(ax)
    assert legend.count(plot.OPEN_END_LABEL) == 1 and legend.count(plot.ZERO_END_LABEL) == 1


def test_a_range_from_0_on_a_linear_axis_is_a_plain_bar_from_0(mosul: rc.Reconciliation) -> None:
    ax = rendered(plot.ranges(mosul, quantities="troops"))
    assert ax.get_xscale() == "linear"
    (troops,) = bars(ax, plot.CLAIMS_LABEL)
    assert (troops.get_x(), troops.get_x() + troops.get_width()) == pytest.approx((0, 100_000))
    assert ax.get_xlim()[0] < 0
    assert arrows(ax) == {"<": 0, ">": 0} and zero_ends(ax) == 0
    assert plot.ZERO_END_LABEL not in legend_labels(ax) and plot.OPEN_END_LABEL not in legend_labels(ax)


def test_on_a_log_axis_an_open_low_end_has_an_arrow_and_a_low_end_at_0_a_break() -> None:
    figures = [
        rc.Figure.at_most(10, unit="USD", counts="x"),
        rc.Figure.between(0, 50_000, unit="USD", counts="x"),
        rc.Figure.between(-5, 30, unit="USD", counts="x"),
        rc.Figure.about(20, unit="USD", counts="x"),
    ]
    table = rc.to_claims(in_mosul(figures)).assign(low=[-math.inf, 0.0, -5.0, 18.0])
    ax = rendered(plot.ranges(table, log=True))
    assert arrows(ax) == {"<": 1, ">": 0}
    assert zero_ends(ax) == 2
    left = ax.get_xlim()[0]
    drawn = bars(ax, plot.CLAIMS_LABEL) + bars(ax, plot.SET_ASIDE_LABEL)
    assert sum(bar.get_x() == pytest.approx(left) for bar in drawn) == 3
    legend = legend_labels(ax)
    assert legend.index(plot.OPEN_END_LABEL) < legend.index(plot.ZERO_END_LABEL)
    # The same claims on a linear axis: every finite end is shown, so no break marks.
    ax = rendered(plot.ranges(table, log=False))
    assert arrows(ax) == {"<": 1, ">": 0} and zero_ends(ax) == 0


def test_a_total_with_a_part_from_0_on_a_log_axis_has_a_break() -> None:
    figure = rc.Figure.at_most(100_000, counts="troops") + rc.Figure.about(50, counts="troops")
    ax = rendered(plot.total(figure, log=True))
    assert arrows(ax) == {"<": 0, ">": 0}
    (marks,) = [line for line in ax.lines if line.get_label() == plot.ZERO_END_LABEL]
    assert list(marks.get_ydata()) == [0], "only the part from 0; the total starts at 45"


def test_log_can_be_turned_off(mosul: rc.Reconciliation) -> None:
    ax = rendered(plot.ranges(mosul, log=False))
    assert ax.get_xscale() == "linear"
    assert arrows(ax) == {"<": 0, ">": 1}
    assert ax.get_xlim()[0] < 0 < ax.get_xlim()[1]


def test_quantities_are_drawn_in_the_order_asked(mosul: rc.Reconciliation) -> None:
    asked: list[str | tuple[Any, ...]] = [
        "troops/us, Iraq, 2016-10-17",
        ("troops/coalition", "Iraq", "2016-10-17"),
    ]
    ax = rendered(plot.ranges(mosul, quantities=asked))
    assert tick_labels(ax) == [
        "troops/us, Iraq, 2016-10-17",
        "CNN",
        "troops/coalition, Iraq, 2016-10-17",
        "CNN",
    ]


def test_a_claims_table_or_figures_are_reconciled_first() -> None:
    us = rc.Figure.about(5000, counts="militants", source="U.S. officials")
    backers = rc.Figure.at_least(7000, counts="militants", source="Islamic State backers")
    for given_claims in (in_mosul([us, backers]), rc.to_claims(in_mosul([us, backers]))):
        ax = rendered(plot.ranges(given_claims))
        # Reconciled with the default policy: the two sources weigh the same, so both are kept
        # and the quantity is unresolved.
        assert len(bars(ax, plot.CLAIMS_LABEL)) == 2
        assert len(bars(ax, plot.SET_ASIDE_LABEL)) == 0
        assert legend_labels(ax)[:2] == [plot.CLAIMS_LABEL, plot.UNRESOLVED_LABEL]
        (band,) = bars(ax, plot.UNRESOLVED_LABEL)
        assert band.get_x() == pytest.approx(4500)


def test_drawing_on_a_given_axes_returns_it() -> None:
    _, ax = plt.subplots()
    assert plot.ranges(in_mosul([rc.Figure.about(5000, counts="militants")]), ax=ax) is ax


def test_open_low_end_gets_a_left_arrow() -> None:
    figures = [
        rc.Figure.at_most(10, unit="USD", counts="x"),
        rc.Figure.between(-5, 5, unit="USD", counts="x"),
    ]
    table = rc.to_claims(in_mosul(figures)).assign(low=[-math.inf, -5.0])
    ax = rendered(plot.ranges(table))
    assert arrows(ax) == {"<": 1, ">": 0}


def test_claims_in_another_unit_are_converted_and_unconvertible_ones_are_said() -> None:
    road = [
        rc.Figure.exact(2, unit="km", counts="road"),
        rc.Figure.exact(1500, unit="m", counts="road"),
        rc.Figure.exact(3, unit="USD", counts="road"),
    ]
    ax = rendered(plot.ranges(in_mosul(road)))
    drawn = bars(ax, plot.CLAIMS_LABEL) + bars(ax, plot.SET_ASIDE_LABEL)
    assert sorted(bar.get_x() for bar in drawn) == pytest.approx([1.5, 2.0])
    assert [text.get_text() for text in ax.texts] == [
        "2",
        "1,500 meter",
        "3 USD",
        "in USD, which cannot be shown in kilometer",
    ]


LONG_SOURCE = "U.S. Department of Defense officials speaking on background"
LONG_QUOTE = "“We believe there are about 5,000 militants still inside the city,” a U.S. official said"


@pytest.mark.filterwarnings("error")
def test_long_sources_and_quotes_are_cut_and_drawn_without_a_warning() -> None:
    source = rc.Source(name=LONG_SOURCE, via="CNN", quote=LONG_QUOTE)
    figures = [
        rc.Figure.about(5000, counts="militants", place="Mosul", as_of="2016-10-17", source=source),
        rc.parse("at least 7,000", counts="militants", place="Mosul", as_of="2016-10-17", source="backers"),
    ]
    ax = rendered(plot.ranges(figures))
    assert tick_labels(ax)[1:] == ["U.S. Department of Defense officials…", "backers"]
    assert [text.get_text() for text in ax.texts] == [
        "“We believe there are about 5,000…",
        "at least 7,000",
    ]
    assert all(len(label) <= plot.MAX_LABEL for label in tick_labels(ax) + [t.get_text() for t in ax.texts])


@pytest.mark.filterwarnings("error")
def test_a_total_cuts_long_labels_too() -> None:
    source = rc.Source(name=LONG_SOURCE, via="CNN")
    us = rc.Figure.about(5000, counts="troops/us", source=source)
    coalition = rc.Figure.about(3600, counts="troops/coalition", source="CNN")
    ax = rendered(plot.total(rc.total([us, coalition], counts="troops/foreign")))
    assert tick_labels(ax)[0] == "troops/us (U.S. Department of Defense…"


@pytest.mark.parametrize(
    ("quantities", "message"),
    [
        ([], "no quantities to plot"),
        ("troops/uk", r"no quantity 'troops/uk' in the result: .*'militants, Mosul, 2016-10-17'"),
        (("militants", "Mosul"), "a quantity is named by a string or a tuple of its 3 key values"),
        ([7], "a quantity is named by"),
    ],
)
def test_bad_selections_are_refused_with_the_known_names(
    mosul: rc.Reconciliation, quantities: Any, message: str
) -> None:
    with pytest.raises(rc.ArgumentError, match=message):
        plot.ranges(mosul, quantities=quantities)


def test_quantities_in_different_units_are_refused() -> None:
    figures = [rc.Figure.exact(5, counts="aid", unit="USD"), rc.Figure.exact(5, counts="people")]
    with pytest.raises(rc.ArgumentError, match="different units"):
        plot.ranges(in_mosul(figures))


def test_what_is_not_claims_is_refused() -> None:
    with pytest.raises(rc.ArgumentError, match="cannot plot the ranges of"):
        plot.ranges("claims.csv")  # type: ignore[arg-type]
    with pytest.raises(rc.ArgumentError, match="cannot plot the ranges of"):
        plot.ranges([])


def test_too_many_claims_are_refused() -> None:
    figures = [rc.Figure.exact(n, counts="x") for n in range(plot.MAX_CLAIMS + 1)]
    with pytest.raises(rc.ArgumentError, match="too many claims to draw"):
        plot.ranges(in_mosul(figures))


def test_a_log_axis_needs_positive_numbers() -> None:
    with pytest.raises(rc.ArgumentError, match="logarithmic axis needs numbers above 0"):
        plot.ranges(in_mosul([rc.Figure.exact(0, counts="x")]), log=True)


# Each example reconciles and renders (a tenth of a second or more): a share of the profile's count.
@settings(max_examples=max(10, settings().max_examples // 10))
@given(table=claims_tables(max_quantities=2, max_claims=4))
def test_every_claim_is_drawn_once_and_every_open_end_has_an_arrow(table: pd.DataFrame) -> None:
    result = rc.reconcile(table)
    try:
        ax = plot.ranges(result, log=False)
        kept = bars(ax, plot.CLAIMS_LABEL)
        set_aside = bars(ax, plot.SET_ASIDE_LABEL)
        assert len(kept) == int(result.claims["kept"].sum())
        assert len(set_aside) == int((~result.claims["kept"]).sum())
        n_unresolved = int((result.estimates["status"] == "unresolved").sum())
        assert len(bars(ax, plot.UNRESOLVED_LABEL)) == n_unresolved
        assert len(bars(ax, plot.ESTIMATE_LABEL)) == len(result.estimates) - n_unresolved
        assert arrows(ax)[">"] == int(np.isinf(result.claims["high"]).sum())
        assert arrows(ax)["<"] == int(np.isinf(result.claims["low"]).sum())
        assert zero_ends(ax) == 0, "a linear axis shows every finite end"
        left, right = ax.get_xlim()
        for bar in kept + set_aside:
            assert left - 1e-9 * abs(left) <= bar.get_x() <= right
    finally:
        plt.close("all")


@settings(max_examples=max(10, settings().max_examples // 10))
@given(table=claims_tables(max_quantities=2, max_claims=4))
def test_on_a_log_axis_every_low_end_at_0_has_a_break_and_only_open_ends_have_arrows(
    table: pd.DataFrame,
) -> None:
    ends = table[["low", "value", "high"]].to_numpy(dtype=float)
    assume(((ends > 0) & np.isfinite(ends)).any())  # a log axis needs a positive number
    result = rc.reconcile(table)
    try:
        ax = plot.ranges(result, log=True)
        low, high = result.claims["low"], result.claims["high"]
        assert zero_ends(ax) == int((low <= 0).sum())
        assert arrows(ax) == {"<": int(np.isneginf(low).sum()), ">": int(np.isposinf(high).sum())}
    finally:
        plt.close("all")


# -- totals -------------------------------------------------------------------------------


def test_total_is_drawn_against_its_parts() -> None:
    us = rc.Figure.about(5000, counts="troops/us", source="CNN")
    coalition = rc.Figure.about(3600, counts="troops/coalition", source="CNN", hedge="approximately")
    ax = rendered(plot.total(rc.total([us, coalition], counts="troops/foreign")))
    assert tick_labels(ax) == ["troops/us (CNN)", "troops/coalition (CNN)", "total: troops/foreign"]
    assert len(bars(ax, plot.PARTS_LABEL)) == 2
    (whole,) = bars(ax, plot.TOTAL_LABEL)
    assert (whole.get_x(), whole.get_x() + whole.get_width()) == pytest.approx((7920, 9280))
    assert [text.get_text() for text in ax.texts] == ["4,500–5,500", "3,420–3,780", "7,920–9,280"]


def test_total_with_an_open_part_has_an_arrow() -> None:
    figure = rc.Figure.at_least(7000, counts="militants") + rc.Figure.about(5000, counts="militants")
    ax = rendered(plot.total(figure))
    assert arrows(ax) == {"<": 0, ">": 2}


def test_a_difference_shows_the_whole_and_the_part() -> None:
    after = rc.Figure.about(5000, counts="troops/us")
    added = rc.Figure.exact(600, counts="troops/us/added")
    ax = rendered(plot.total(rc.difference(after, added, counts="troops/us/before")))
    assert tick_labels(ax) == ["troops/us", "troops/us/added", "difference: troops/us/before"]


@pytest.mark.parametrize(
    ("figure", "message"),
    [
        (rc.Figure.exact(5), "is a reported figure, not a total"),
        (rc.Figure.exact(5) * 2, "is a product, not a total"),
        ("5", "total_figure must be a Figure"),
    ],
)
def test_total_needs_a_derived_total(figure: Any, message: str) -> None:
    with pytest.raises(rc.ArgumentError, match=message):
        plot.total(figure)


# -- timeline -----------------------------------------------------------------------------

ARRIVALS = ROOT / "tests" / "data" / "real" / "rohingya_arrivals_series_2017.csv"
SERIES: dict[str, Any] = {"counts": "refugees/rohingya/new", "place": "Bangladesh"}


@pytest.fixture(scope="module")
def arrivals() -> rc.Reconciliation:
    """Rohingya arrivals in Bangladesh, 2016-2018: running totals, four of which fall."""
    return rc.reconcile(str(ARRIVALS))


def day(text: str) -> float:
    """A date as matplotlib places it on a date axis."""
    return float(mdates.date2num(np.datetime64(text)))  # type: ignore[no-untyped-call]


def drawn_claims(ax: Any, label: str) -> tuple[np.ndarray, np.ndarray]:
    """The x and y of the dots of the claims in the errorbar container labelled ``label``."""
    found = [container for container in ax.containers if container.get_label() == label]
    if not found:
        return np.array([]), np.array([])
    (claims,) = found
    dots = claims.lines[0]
    return np.asarray(dots.get_xdata(), dtype=float), np.asarray(dots.get_ydata(), dtype=float)


def collection(ax: Any, label: str) -> Any:
    (found,) = [artist for artist in ax.collections if artist.get_label() == label]
    return found


def test_timeline_draws_every_claim_of_the_series_once(arrivals: rc.Reconciliation) -> None:
    ax = rendered(plot.timeline(arrivals, **SERIES))
    claims = arrivals.claims[(arrivals.claims["counts"] == SERIES["counts"])]
    kept_x, _ = drawn_claims(ax, plot.TIMELINE_CLAIMS_LABEL)
    set_aside_x, _ = drawn_claims(ax, plot.SET_ASIDE_LABEL)
    assert len(kept_x) + len(set_aside_x) == len(claims) == 33
    assert len(set_aside_x) == int((~claims["kept"]).sum()) == 2, "two reports revised"
    estimates = collection(ax, plot.ESTIMATE_LABEL + " (consensus)")
    assert len(estimates.get_segments()) == len(arrivals.estimates) == 28


def test_timeline_places_claims_and_estimates_at_their_dates(arrivals: rc.Reconciliation) -> None:
    ax = rendered(plot.timeline(arrivals, **SERIES))
    claims = arrivals.claims
    for kept, label in ((True, plot.TIMELINE_CLAIMS_LABEL), (False, plot.SET_ASIDE_LABEL)):
        x, y = drawn_claims(ax, label)
        mine = claims[claims["kept"] == kept]
        assert x.tolist() == [day(as_of) for as_of in mine["as_of"]]
        assert y.tolist() == mine["value"].tolist()
    # A day is a point in time: each estimate's range is a vertical segment at its date.
    segments = collection(ax, plot.ESTIMATE_LABEL + " (consensus)").get_segments()
    estimates = arrivals.estimates
    assert [segment[0][0] for segment in segments] == [day(as_of) for as_of in estimates["as_of"]]
    finite = np.isfinite(estimates["high"]).to_numpy()
    assert [segment[1][1] for segment in np.array(segments, dtype=object)[finite]] == estimates["high"][
        finite
    ].tolist()
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)


def test_a_temporal_conflict_joins_its_two_claims(arrivals: rc.Reconciliation) -> None:
    ax = rendered(plot.timeline(arrivals, **SERIES))
    claims = arrivals.claims.set_index("claim_id")
    temporal = arrivals.conflicts[arrivals.conflicts["kind"] == "temporal"]
    expected = set()
    for _, pair in temporal.groupby("conflict_id"):
        ends = sorted(
            (day(claims.loc[claim, "as_of"]), claims.loc[claim, "value"]) for claim in pair["claim_id"]
        )
        expected.add(tuple(ends))
    lines = collection(ax, plot.TEMPORAL_CONFLICT_LABEL).get_segments()
    assert {tuple(map(tuple, segment.tolist())) for segment in lines} == expected
    assert len(lines) == 4
    # 409,000 on 10 September, then 370,000 on 11 September: the running total falls.
    assert ((day("2017-09-10"), 409_000.0), (day("2017-09-11"), 370_000.0)) in expected
    (rings,) = [line for line in ax.lines if line.get_label() == plot.IN_CONFLICT_LABEL]
    assert len(rings.get_xdata()) == arrivals.conflicts["claim_id"].nunique() == 7


def test_timeline_open_ends_are_arrows_at_the_top_edge(arrivals: rc.Reconciliation) -> None:
    ax = rendered(plot.timeline(arrivals, **SERIES))
    open_high = int(np.isposinf(arrivals.claims["high"]).sum()) + int(
        np.isposinf(arrivals.estimates["high"]).sum()
    )
    assert arrows(ax) == {"<": 0, ">": 0, "^": open_high}
    (heads,) = [line for line in ax.lines if line.get_label() == plot.OPEN_END_LABEL]
    # "At least 21,000": the claim's range runs to the top of the axis, not off it.
    x, _ = drawn_claims(ax, plot.TIMELINE_CLAIMS_LABEL)
    assert day("2016-12-05") in heads.get_xdata() and day("2016-12-05") in x
    top = ax.get_ylim()[1]
    assert top < 1_000_000, "an open end does not stretch the axis"
    assert plot.OPEN_END_LABEL in legend_labels(ax)


def test_timeline_draws_tightened_ranges_where_narrower(arrivals: rc.Reconciliation) -> None:
    ax = rendered(plot.timeline(arrivals, **SERIES))
    estimates = arrivals.estimates
    narrower = (estimates["low_tight"] > estimates["low"]) | (estimates["high_tight"] < estimates["high"])
    tightened = collection(ax, plot.TIGHTENED_LABEL).get_segments()
    assert len(tightened) == int(narrower.sum()) == 7
    # 13 September: 360,050 to 397,950 as said; 388,550 to 389,500 once the totals around it agree.
    (on_13th,) = [segment for segment in tightened if segment[0][0] == day("2017-09-13")]
    assert on_13th.tolist() == [[day("2017-09-13"), 388_550.0], [day("2017-09-13"), 389_500.0]]


def test_timeline_draws_a_month_and_a_span_over_their_time() -> None:
    place: dict[str, Any] = {"place": "Bangladesh", "source": "ISCG"}
    figures = [
        rc.Figure.about(500_000, counts="arrivals", as_of="2017-08-25/2017-09", **place),
        rc.Figure.about(620_000, counts="arrivals", as_of="2017-11", **place),
    ]
    claims = rc.to_claims(figures).assign(measure=["cumulative", "stock"])
    result = rc.reconcile(claims)
    ax = rendered(plot.timeline(result))
    (kept,) = [
        container for container in ax.containers if container.get_label() == plot.TIMELINE_CLAIMS_LABEL
    ]
    # A running total is read at the end of its span (mid-September); a stock mid-month.
    assert kept.lines[0].get_xdata().tolist() == [day("2017-09-16"), day("2017-11-16")]
    across = kept.lines[2][0].get_segments()  # the bars over their time
    assert [(segment[0][0], segment[1][0]) for segment in across] == [
        (day("2017-08-25"), day("2017-10-01")),
        (day("2017-11-01"), day("2017-12-01")),
    ]
    bands = bars(ax, plot.ESTIMATE_LABEL)
    assert [(band.get_x(), band.get_x() + band.get_width()) for band in bands] == [
        (day("2017-08-25"), day("2017-10-01")),
        (day("2017-11-01"), day("2017-12-01")),
    ]
    assert [band.get_y() for band in bands] == result.estimates["low"].tolist()


def test_a_claim_compared_at_a_day_has_its_dot_there_and_its_bar_over_what_it_said() -> None:
    said: dict[str, Any] = {"counts": "arrivals", "place": "Bangladesh"}
    claims = rc.to_claims(
        [
            rc.Figure.about(655_000, as_of="2017-12", source="UNHCR", **said),
            rc.Figure.exact(655_500, as_of="2017-12-31", source="ISCG", **said),
        ]
    )
    ax = rendered(plot.timeline(rc.reconcile(claims)))
    x, _ = drawn_claims(ax, plot.TIMELINE_CLAIMS_LABEL)
    assert x.tolist() == [day("2017-12-31")] * 2
    (kept,) = [
        container for container in ax.containers if container.get_label() == plot.TIMELINE_CLAIMS_LABEL
    ]
    month, the_day = kept.lines[2][0].get_segments()
    assert (month[0][0], month[1][0]) == (day("2017-12-01"), day("2018-01-01"))
    assert the_day[0][0] == the_day[1][0] == day("2017-12-31")


def test_an_unresolved_estimate_is_shaded_as_a_tie_and_set_aside_claims_are_hollow() -> None:
    at: dict[str, Any] = {"counts": "militants", "place": "Mosul", "as_of": "2016-10-17"}
    us = rc.Figure.about(5000, source="U.S. officials", **at)
    backers = rc.Figure.at_least(7000, source="Islamic State backers", **at)
    ax = rendered(plot.timeline(rc.reconcile(rc.to_claims([us, backers]))))
    assert len(collection(ax, plot.UNRESOLVED_LABEL).get_segments()) == 1
    assert plot.ESTIMATE_LABEL + " (consensus)" not in legend_labels(ax)
    weighed = rc.reconcile(rc.to_claims([us, backers]), weights={"U.S. officials": 2})
    ax = rendered(plot.timeline(weighed))
    (set_aside,) = [container for container in ax.containers if container.get_label() == plot.SET_ASIDE_LABEL]
    assert set_aside.lines[0].get_markerfacecolor() == "none"
    assert plot.IN_CONFLICT_LABEL in legend_labels(ax), "the disjoint pair is ringed"


@pytest.mark.parametrize("days_apart", [1, 7, 30])
def test_fifty_dates_get_date_labels_that_do_not_overlap(days_apart: int) -> None:
    dates = pd.date_range("2017-01-01", periods=50, freq=f"{days_apart}D")
    figures = [
        rc.Figure.about(1000 + 40 * n, counts="displaced", place="Iraq", as_of=date.date(), source="IOM")
        for n, date in enumerate(dates)
    ]
    result = rc.reconcile(rc.to_claims(figures))
    ax = plot.timeline(result)
    ax.figure.canvas.draw()
    labels = [label for label in ax.get_xticklabels() if label.get_text() and label.get_visible()]
    assert len(labels) >= 3
    boxes = sorted((label.get_window_extent() for label in labels), key=lambda box: box.x0)
    assert all(left.x1 < right.x0 for left, right in itertools.pairwise(boxes))
    x, _ = drawn_claims(ax, plot.TIMELINE_CLAIMS_LABEL)
    assert len(x) == 50
    assert ax.get_xlim()[0] < day(str(dates[0].date())) and day(str(dates[-1].date())) < ax.get_xlim()[1]


@pytest.mark.parametrize(
    ("asked", "message", "nearest"),
    [
        (
            {"counts": "refugees/rohingya"},
            "no estimates of counts='refugees/rohingya'",
            "refugees/rohingya/new",
        ),
        (
            {"counts": SERIES["counts"], "place": "Bangladsh"},
            "no estimates of place='Bangladsh' for counts=",
            "Bangladesh",
        ),
    ],
)
def test_an_unknown_counts_or_place_is_refused_with_the_nearest(
    arrivals: rc.Reconciliation, asked: dict[str, Any], message: str, nearest: str
) -> None:
    with pytest.raises(rc.ArgumentError, match=message) as raised:
        plot.timeline(arrivals, **asked)
    error = raised.value
    assert error.reason is rc.Reason.BAD_ARGUMENT
    assert f"nearest: {nearest!r}" in error.hint
    assert error.argument in asked
    assert error.nearest == {asked[error.argument]: [nearest]}


def test_timeline_needs_a_series_named_where_there_are_several(mosul: rc.Reconciliation) -> None:
    with pytest.raises(rc.ArgumentError, match="the result has 6 values of counts: a timeline draws one"):
        plot.timeline(mosul)
    ax = rendered(plot.timeline(mosul, counts="troops/us"))
    assert drawn_claims(ax, plot.TIMELINE_CLAIMS_LABEL)[0].tolist() == [day("2016-10-17")]
    pooled = rc.reconcile(rc.read_claims(MOSUL), key=("counts", "place"))
    with pytest.raises(rc.ArgumentError, match="a timeline needs quantities dated by as_of"):
        plot.timeline(pooled, counts="militants")
    with pytest.raises(rc.ArgumentError, match="cannot draw the timeline of DataFrame"):
        plot.timeline(pooled.claims)  # type: ignore[arg-type]


def test_timeline_shows_one_unit_and_says_which_claims_it_leaves_out() -> None:
    road = [
        rc.Figure.exact(2, unit="km", counts="road", place="Mosul", as_of="2017-01-02"),
        rc.Figure.exact(1500, unit="m", counts="road", place="Mosul", as_of="2017-01-03"),
        rc.Figure.exact(3, unit="USD", counts="road", place="Mosul", as_of="2017-01-03"),
    ]
    ax = rendered(plot.timeline(rc.reconcile(rc.to_claims(road))))
    assert drawn_claims(ax, plot.TIMELINE_CLAIMS_LABEL)[1].tolist() == [2.0, 1.5]
    assert [
        segment[0][1] for segment in collection(ax, plot.ESTIMATE_LABEL + " (consensus)").get_segments()
    ] == [
        2.0,
        1.5,
    ]
    assert [text.get_text() for text in ax.texts] == [
        "not drawn: 1 claim whose unit cannot be shown in kilometer"
    ]
    apart = rc.to_claims([road[0], road[2].replace(as_of="2017-01-04")])
    with pytest.raises(
        rc.ArgumentError, match="cannot be converted to it: one axis shows one unit"
    ) as raised:
        plot.timeline(rc.reconcile(apart))
    assert raised.value.reason is rc.Reason.UNIT_MISMATCH


def test_timeline_draws_on_a_given_axes_and_returns_it(arrivals: rc.Reconciliation) -> None:
    _, ax = plt.subplots()
    assert plot.timeline(arrivals, ax=ax) is ax


# -- without matplotlib -------------------------------------------------------------------

WITHOUT_MATPLOTLIB = """
import sys
sys.modules["matplotlib"] = None  # as if it were not installed
import reconcile as rc
from reconcile import plot
try:
    plot.ranges([rc.Figure.exact(5)])
except rc.MissingDependencyError as error:
    print(type(error).__name__, error.package, "|", error)
try:
    plot.timeline(rc.reconcile(rc.to_claims([rc.Figure.exact(5, counts="x", place="y", as_of="2017")])))
except rc.MissingDependencyError as error:
    print(type(error).__name__, error.package, "|", error)
"""


def test_reconcile_imports_without_matplotlib_and_plots_say_how_to_install_it() -> None:
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_MATPLOTLIB], capture_output=True, text=True, check=True, cwd=ROOT
    )
    said = (
        "MissingDependencyError matplotlib | reconcile.plot needs matplotlib, which is not installed: "
        "install the plot extra: pip install 'reconcile[plot]'"
    )
    assert done.stdout.splitlines() == [said, said], "the range plot, then the timeline"


def test_the_display_notebook_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    # CI runs it in a kernel (pytest --nbmake); this runs its code cells here, from examples/.
    notebook = json.loads((ROOT / "examples" / "display.ipynb").read_text(encoding="utf-8"))
    monkeypatch.chdir(ROOT / "examples")
    namespace: dict[str, Any] = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            exec("".join(cell["source"]), namespace)
    assert isinstance(namespace["result"], rc.Reconciliation)
    # As reported, the militants' equal sources disagree; weighed, the backers' claim is set aside.
    assert "none outweighs the others" in namespace["result"]._repr_html_()
    assert namespace["result"].estimates["status"].iloc[0] == "unresolved"
    assert "1,500 militants apart" in namespace["weighed"]._repr_html_()
    assert namespace["weighed"].estimates["status"].iloc[0] == "conflict"


def test_estimates_narrowed_by_relations_are_outlined() -> None:
    relations = ["troops/foreign = troops/us + troops/coalition", "troops/us + troops/coalition <= 8000"]
    result = rc.reconcile(rc.read_claims(MOSUL), relations=relations)
    ax = rendered(plot.ranges(result, quantities=["troops/us", "troops/coalition", "militants"]))
    narrowed = bars(ax, plot.NARROWED_LABEL)
    assert len(narrowed) == 2
    assert (narrowed[0].get_x(), narrowed[0].get_x() + narrowed[0].get_width()) == pytest.approx((4500, 4580))
    assert len(bars(ax, plot.ESTIMATE_LABEL)) == 2
    assert len(bars(ax, plot.UNRESOLVED_LABEL)) == 1, "the militants' equal sources disagree"
