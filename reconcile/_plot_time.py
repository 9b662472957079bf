"""Timelines with matplotlib: what the claims on one count in one place say over time.

:func:`timeline` is public as ``reconcile.plot.timeline``. This module is the half of
:mod:`reconcile.plot` that draws time, and it holds what both halves share: the loader of
matplotlib that says how to install it, and the legend labels of claims set aside, estimates
and open ends. It imports nothing from :mod:`reconcile.plot`, which imports from it.

What :func:`timeline` draws can be found by label, for tests or for restyling: the claims are
the errorbar containers labelled :data:`TIMELINE_CLAIMS_LABEL` and :data:`SET_ASIDE_LABEL`;
an estimate's range is, for a day, a segment of the line collection and, for a longer time, a
bar of the bar container labelled :data:`ESTIMATE_LABEL` with the policy's name (or
:data:`UNRESOLVED_LABEL`); ranges that time or relations tightened are drawn the same two
ways, labelled :data:`TIGHTENED_LABEL`. The rings round claims in a conflict are the line
labelled :data:`IN_CONFLICT_LABEL`, the lines joining the claims of a temporal conflict the
line collection labelled :data:`TEMPORAL_CONFLICT_LABEL`, and the arrows of open ends the
lines labelled :data:`OPEN_END_LABEL`.
"""

from __future__ import annotations

import contextlib
import difflib
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from reconcile._measures import measures
from reconcile._periods import day_bounds
from reconcile._wording import format_number, plural
from reconcile.errors import ArgumentError, MissingDependencyError, Reason, UnitError
from reconcile.units import conversion_factor, display_unit

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from reconcile.display import Reconciliation

__all__ = [
    "ESTIMATE_LABEL",
    "IN_CONFLICT_LABEL",
    "OPEN_END_LABEL",
    "SET_ASIDE_LABEL",
    "TEMPORAL_CONFLICT_LABEL",
    "TIGHTENED_LABEL",
    "TIMELINE_CLAIMS_LABEL",
    "UNRESOLVED_LABEL",
    "load_pyplot",
    "timeline",
]

#: Legend label of the claims set aside.
SET_ASIDE_LABEL = "claim set aside"
#: Legend label of the shaded estimate bands; the policy's name is added in brackets.
ESTIMATE_LABEL = "estimate"
#: Legend label of the bands of ``unresolved`` quantities: sets of sources of equal weight
#: disagree, and the band is the envelope of what they say, not a range they agree on.
UNRESOLVED_LABEL = "unresolved: envelope of tied sources"
#: Legend label of the arrows drawn at open ends (no low or no high end: ``-inf`` or ``inf``).
OPEN_END_LABEL = "open end"
#: Legend label of the kept claims in :func:`timeline`: a cross of two bars, one over the
#: claim's time and one from its low end to its high end, with a dot at its value.
TIMELINE_CLAIMS_LABEL = "claim: its time and range, dot at its value"
#: Legend label of an estimate's range where the checks across time or relations across
#: quantities tightened it (``low_tight`` to ``high_tight``, where narrower than its range).
TIGHTENED_LABEL = "tightened by time or relations"
#: Legend label of the rings round claims that stand in a conflict.
IN_CONFLICT_LABEL = "claim in a conflict"
#: Legend label of the dashed lines joining the claims of a conflict of kind ``temporal``: a
#: running total that falls, or the part of a period that outnumbers the whole.
TEMPORAL_CONFLICT_LABEL = "temporal conflict: joins its claims"

_INSTALL = "pip install 'reconcile[plot]'"
_MEASURE_WORDS = {"stock": "on each date", "flow": "over each period", "cumulative": "running total"}
_OPEN_END_SIZE = 8


def load_pyplot() -> Any:
    """matplotlib.pyplot, or a clear error naming the extra that installs it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise MissingDependencyError(
            "reconcile.plot needs matplotlib, which is not installed",
            hint=f"install the plot extra: {_INSTALL}",
            package="matplotlib",
        ) from exc
    return plt


def _choose(estimates: pd.DataFrame, column: str, wanted: str | None, among: str) -> str | None:
    """The value of ``column`` the caller named (or, named none, the only one there is).

    None where ``column`` is not a key column and none was named. ``among`` says which
    estimates are looked in (`` for counts='...'``), for the messages.
    """
    if column not in estimates:
        if wanted is None:
            return None
        raise ArgumentError(
            f"the result's quantities have no {column} (got {column}={wanted!r})",
            hint=f"leave {column}= out",
            argument=column,
            reason=Reason.BAD_ARGUMENT,
        )
    present = sorted(str(name) for name in pd.unique(estimates[column].dropna()))
    if wanted is None:
        if len(present) == 1:
            return present[0]
        shown = ", ".join(map(repr, present[:10])) + (" …" if len(present) > 10 else "")
        raise ArgumentError(
            f"the result has {len(present)} values of {column}{among}: a timeline draws one",
            hint=f"pass {column}=, one of {shown}",
            argument=column,
            reason=Reason.BAD_ARGUMENT,
        )
    if wanted in present:
        return wanted
    nearest = difflib.get_close_matches(str(wanted), present, n=3, cutoff=0.0)
    raise ArgumentError(
        f"no estimates of {column}={wanted!r}{among}",
        hint=f"name {column} as the result does; the nearest: {', '.join(map(repr, nearest))}",
        argument=column,
        names=[str(wanted)],
        nearest={str(wanted): nearest},
        column=column,
        reason=Reason.BAD_ARGUMENT,
    )


def _series(
    result: Reconciliation, counts: str | None, place: str | None
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The estimates of the chosen counts and place, their claims, and the series' name.

    The estimates are shown in the series' most common unit; each claim gains ``_estimate``,
    the row of its estimate.
    """
    if not isinstance(getattr(result, "estimates", None), pd.DataFrame):
        raise ArgumentError(
            f"cannot draw the timeline of {type(result).__name__} {result!r:.60}",
            hint="pass what rc.reconcile returned",
            reason=Reason.BAD_ARGUMENT,
        )
    key = list(result.key)
    if "as_of" not in key:
        raise ArgumentError(
            f"a timeline needs quantities dated by as_of (the result's key is {tuple(key)!r})",
            hint="reconcile with as_of in key=, such as key=('counts', 'place', 'as_of')",
            reason=Reason.BAD_ARGUMENT,
        )
    estimates = result.estimates
    if estimates.empty:
        raise ArgumentError(
            "nothing to draw: the result has no quantities",
            hint="reconcile some claims first",
            reason=Reason.NOTHING_TO_PLOT,
        )
    chosen = np.ones(len(estimates), dtype=bool)
    named: list[str] = []
    for column, wanted in (("counts", counts), ("place", place)):  # the two columns naming a series
        among = f" for {', '.join(named)}" if named else ""
        value = _choose(estimates.loc[chosen, [column] if column in key else []], column, wanted, among)
        if value is not None:
            chosen &= (estimates[column] == value).to_numpy(dtype=bool)
            named.append(f"{column}={value!r}")
    series = estimates[chosen].reset_index(drop=True)
    unit = str(series["unit"].mode().iloc[0])  # the series' most common unit
    factor = _factors(series["unit"], unit)
    if np.isnan(factor).any():
        others = series["unit"][np.isnan(factor)].drop_duplicates()
        raise ArgumentError(
            f"the estimates of {', '.join(named)} are in {unit!r} and in {', '.join(map(repr, others))}, "
            "which cannot be converted to it: one axis shows one unit",
            hint="tell the quantities apart by what they count, or convert the claims into one unit",
            reason=Reason.UNIT_MISMATCH,
        )
    ends = [column for column in ("low", "value", "high", "low_tight", "high_tight") if column in series]
    series = series.assign(
        unit=unit, **{column: series[column].to_numpy(dtype=float) * factor for column in ends}
    )
    numbered = series[key].assign(_estimate=np.arange(len(series)))
    claims = result.claims.merge(numbered, on=key, how="inner")
    title = ", ".join(str(series[column].iloc[0]) for column in ("counts", "place") if column in key)
    return series, claims, title


def _times(as_of: pd.Series, measure: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each time's start, the moment its figure is read at, and its end, as matplotlib dates.

    A day is a point in time: it starts and ends where it is read. A longer time ends where
    the day after it begins. A running total is read at its last period (the end of a
    span), any other figure at the middle of its time; a period of one day at that day.
    NaN where a time cannot be read.
    """
    from matplotlib.dates import date2num

    first, last_start, last = day_bounds(as_of)
    read_from = np.where(measure == "cumulative", last_start, first)
    at = np.where(read_from == last, last, (read_from + last + 1) / 2)
    end = np.where(first == last, last, last + 1)
    # day_bounds counts days from 1970; matplotlib from its epoch, 1970 unless set otherwise.
    epoch = float(date2num(np.datetime64("1970-01-01")))  # type: ignore[no-untyped-call]
    return first + epoch, at + epoch, end + epoch


def _factors(units: pd.Series, unit: str) -> np.ndarray:
    """Each claim's factor into ``unit``; NaN where its unit cannot be converted."""
    codes, distinct = pd.factorize(units)
    factors = np.full(len(distinct) + 1, np.nan)  # the last stands for a missing unit (code -1)
    for index, source in enumerate(distinct):  # one conversion per distinct unit
        with contextlib.suppress(UnitError):
            factors[index] = conversion_factor(str(source), unit)
    return np.asarray(factors[codes])


def _limits(numbers: np.ndarray) -> tuple[float, float]:
    """The y axis's ends around ``numbers``; an open end gets more room on its side."""
    finite = numbers[np.isfinite(numbers)]
    if not len(finite):
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    span = high - low if high > low else max(abs(high), 1.0)
    open_low, open_high = bool(np.isneginf(numbers).any()), bool(np.isposinf(numbers).any())
    return low - span * (0.15 if open_low else 0.05), high + span * (0.15 if open_high else 0.05)


def _bands(
    ax: Axes, rows: pd.DataFrame, ends: tuple[np.ndarray, np.ndarray], label: str, *, tightened: bool = False
) -> None:
    """Ranges from low to high (``ends``): a thick line at a day, a bar over a longer time.

    An estimate's range is shaded in its colour (``rows`` has ``colour``); a tightened range is a
    narrower darker line at a day, and a dashed outline over a longer time.
    """
    low, high = ends
    day = (rows["start"] == rows["end"]).to_numpy()
    colour = rows["colour"].to_numpy()
    if day.any():
        ax.vlines(
            rows["at"][day],
            low[day],
            high[day],
            colors=colour[day].tolist(),
            alpha=0.8 if tightened else 0.25,
            linewidth=3.5 if tightened else 8,
            label=label,
            zorder=1,
        )
    if (~day).any():
        start, end = rows["start"].to_numpy()[~day], rows["end"].to_numpy()[~day]
        look: dict[str, Any] = (
            {"facecolor": "none", "edgecolor": colour[~day], "linestyle": "--", "linewidth": 1.5}
            if tightened
            else {"color": colour[~day], "alpha": 0.25}
        )
        ax.bar(
            start,
            (high - low)[~day],
            width=end - start,
            bottom=low[~day],
            align="edge",
            label=label,
            zorder=1,
            **look,
        )


def _draw_estimates(ax: Axes, rows: pd.DataFrame, edges: tuple[float, float], policy: str) -> None:
    """The estimates' ranges, values and tightened ranges.

    ``rows`` has ``start``, ``at``, ``end``, ``low``, ``value``, ``high``, ``low_tight``,
    ``high_tight`` and ``status``; ``edges`` are the y axis's ends, where open ends stop.
    A settled estimate is green; an unresolved one (a tie: the envelope) orange, its value dashed.
    """
    bottom, top = edges
    unresolved = (rows["status"] == "unresolved").to_numpy()
    rows = rows.assign(colour=np.where(unresolved, "C1", "C2"))
    low, high = (np.clip(rows[end].to_numpy(dtype=float), bottom, top) for end in ("low", "high"))
    value = rows["value"].to_numpy(dtype=float)
    day = (rows["start"] == rows["end"]).to_numpy()
    for tied in (False, True):  # settled estimates, then ties: two looks
        mine = unresolved == tied
        if not mine.any():
            continue
        colour = "C1" if tied else "C2"
        label = UNRESOLVED_LABEL if tied else f"{ESTIMATE_LABEL} ({policy})"
        _bands(ax, rows[mine], (low[mine], high[mine]), label)
        dots, lines = mine & day, mine & ~day  # a value at a day, a value over a longer time
        if dots.any():
            ax.plot(
                rows["at"][dots],
                value[dots],
                linestyle="none",
                marker="_",
                markersize=10,
                markeredgewidth=2,
                color=colour,
                label="_estimate value",
                zorder=2,
            )
        if lines.any():
            ax.hlines(
                value[lines],
                rows["start"][lines],
                rows["end"][lines],
                colors=colour,
                linewidth=4,
                alpha=0.6,
                linestyles="dashed" if tied else "solid",
                label="_estimate value",
                zorder=2,
            )
    if {"low_tight", "high_tight"} <= set(rows.columns):
        tight_low, tight_high = (rows[end].to_numpy(dtype=float) for end in ("low_tight", "high_tight"))
        narrower = ~np.isnan(tight_low) & ~np.isnan(tight_high)
        narrower &= (tight_low > rows["low"].to_numpy()) | (tight_high < rows["high"].to_numpy())
        if narrower.any():
            tight = (np.clip(tight_low[narrower], bottom, top), np.clip(tight_high[narrower], bottom, top))
            _bands(ax, rows[narrower], tight, TIGHTENED_LABEL, tightened=True)


def _draw_claims(ax: Axes, rows: pd.DataFrame, edges: tuple[float, float]) -> None:
    """Each claim as a cross: a bar over its time, a bar over its range, a dot at its value.

    ``rows`` has ``start``, ``at``, ``end``, ``low``, ``value``, ``high`` and ``kept``.
    Claims set aside are grey, with hollow dots and dotted bars.
    """
    bottom, top = edges
    looks: dict[bool, tuple[str, dict[str, Any]]] = {
        True: (TIMELINE_CLAIMS_LABEL, {"color": "C0", "markersize": 5}),
        False: (SET_ASIDE_LABEL, {"color": "0.45", "markerfacecolor": "none", "markersize": 6}),
    }
    for kept, (label, look) in looks.items():  # kept, then set aside: two looks
        mine = (rows["kept"] == kept).to_numpy()
        if not mine.any():
            continue
        x, y = rows["at"].to_numpy(dtype=float)[mine], rows["value"].to_numpy(dtype=float)[mine]
        low = np.clip(rows["low"].to_numpy(dtype=float)[mine], bottom, top)
        high = np.clip(rows["high"].to_numpy(dtype=float)[mine], bottom, top)
        before, after = x - rows["start"].to_numpy()[mine], rows["end"].to_numpy()[mine] - x
        drawn = ax.errorbar(
            x,
            y,
            xerr=np.maximum(np.vstack([before, after]), 0),
            yerr=np.maximum(np.vstack([y - low, high - y]), 0),
            fmt="o",
            elinewidth=1.2,
            label=label,
            zorder=3,
            **look,
        )
        if not kept:
            for bars in drawn.lines[2]:
                bars.set_linestyle(":")


def _draw_conflicts(ax: Axes, conflicts: pd.DataFrame, points: pd.DataFrame) -> None:
    """A ring round each claim in a conflict; a line joining the claims of a temporal one.

    ``points`` has the ``claim_id``, ``x`` and ``y`` of each claim drawn. A temporal
    conflict's claims are joined in time order (a conflict names two).
    """
    from matplotlib.collections import LineCollection

    ringed = points[points["claim_id"].isin(conflicts["claim_id"])]
    if ringed.empty:
        return
    ax.plot(
        ringed["x"],
        ringed["y"],
        linestyle="none",
        marker="o",
        markersize=12,
        markerfacecolor="none",
        markeredgecolor="C3",
        markeredgewidth=1.5,
        label=IN_CONFLICT_LABEL,
        zorder=4,
    )
    temporal = conflicts.loc[conflicts["kind"] == "temporal", ["conflict_id", "claim_id"]]
    joined = temporal.merge(points, on="claim_id").sort_values(["conflict_id", "x"], kind="stable")
    conflict = joined["conflict_id"].to_numpy()
    pairs = np.flatnonzero(conflict[1:] == conflict[:-1])
    if len(pairs):
        xy = joined[["x", "y"]].to_numpy(dtype=float)
        lines = LineCollection(
            list(np.stack([xy[pairs], xy[pairs + 1]], axis=1)),
            colors="C3",
            linestyles="dashed",
            linewidths=1.5,
            label=TEMPORAL_CONFLICT_LABEL,
            zorder=3.5,
        )
        ax.add_collection(lines, autolim=False)


def _draw_open_ends(ax: Axes, x: np.ndarray, low: np.ndarray, high: np.ndarray) -> None:
    """An arrow head at the axis's edge above each range with no high end, below each with no low."""
    open_end_marks(ax, x, np.isneginf(low), np.isposinf(high), across="y", size=_OPEN_END_SIZE, zorder=5)


def open_end_marks(
    ax: Axes,
    at: np.ndarray,
    open_low: np.ndarray,
    open_high: np.ndarray,
    *,
    across: str,
    size: float,
    zorder: float,
) -> None:
    """Arrow heads just inside the axis's edges where ranges have no end, one legend entry for both.

    ``across`` is the axis the ranges run along (``"y"``: heads at its bottom and top, placed at
    ``at`` on x; ``"x"``: at its left and right, placed at ``at`` on y).
    """
    from matplotlib.transforms import blended_transform_factory

    if across == "y":
        edge_at = blended_transform_factory(ax.transData, ax.transAxes)  # x in data, y in axes
        sides = (("v", 0.015, open_low), ("^", 0.985, open_high))
    else:
        edge_at = blended_transform_factory(ax.transAxes, ax.transData)  # x in axes, y in data
        sides = (("<", 0.012, open_low), (">", 0.988, open_high))
    label = OPEN_END_LABEL
    for marker, edge, where in sides:  # one line per side
        if where.any():
            edges = np.full(int(where.sum()), edge)
            ax.plot(
                *((at[where], edges) if across == "y" else (edges, at[where])),
                linestyle="none",
                marker=marker,
                markersize=size,
                color="0.2",
                transform=edge_at,
                label=label,
                zorder=zorder,
            )
            label = "_" + OPEN_END_LABEL  # one legend entry for both sides


def _legend(ax: Axes) -> None:
    """The legend above the axes, one entry per label, in a fixed order."""
    handles, labels = ax.get_legend_handles_labels()
    first = dict(zip(reversed(labels), reversed(handles), strict=True))  # a label's first artist
    order = [
        TIMELINE_CLAIMS_LABEL,
        SET_ASIDE_LABEL,
        ESTIMATE_LABEL,
        UNRESOLVED_LABEL,
        TIGHTENED_LABEL,
        IN_CONFLICT_LABEL,
        TEMPORAL_CONFLICT_LABEL,
        OPEN_END_LABEL,
    ]
    ranked = sorted(
        first, key=lambda label: next(n for n, start in enumerate(order) if label.startswith(start))
    )
    ax.legend(
        [first[label] for label in ranked],
        ranked,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=len(ranked) if len(ranked) <= 3 else 2 if len(ranked) <= 4 else 3,
        fontsize=8,
        frameon=False,
    )


def timeline(
    result: Reconciliation,
    *,
    counts: str | None = None,
    place: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The estimates and claims of one count in one place over time, on a date axis.

    Each estimate is drawn over its time: its range shaded green (a thick line at a day, a
    band over a week, a month, a quarter or a span), its value a dash or a line across the
    band; an unresolved one (the envelope of tied sources) is orange. Where the checks
    across time or relations tightened a range, the tightened range is drawn over it (a
    narrower, darker line at a day; a dashed outline over a longer time). Each claim is a cross: a bar over
    its time, one from its low end to its high end, and a dot at its value; claims set aside
    are grey and dotted, with hollow dots. A running total is read at the end of its time,
    any other figure at the middle; a claim dated coarsely and compared at a day inside its
    time (``as_of_given``) has its dot at that day and its bar over what it said. Claims in a
    conflict are ringed in red, and a dashed red line joins the two claims of each temporal
    conflict (a running total that falls, a part of a period above the whole). An open end
    ends in an arrow at the axis's edge. The date axis has ticks at a handful of round dates,
    each labelled with only what changes (``Sep``, ``Nov``, ``2018``), as matplotlib's
    ``AutoDateLocator`` and ``ConciseDateFormatter`` choose them.

    Args:
        result: what :func:`reconcile.reconcile` returned, with ``as_of`` in its key.
        counts: what the series counts, as the estimates' ``counts`` column writes it;
            None if the result counts one thing.
        place: where, as the ``place`` column writes it; None if the estimates of
            ``counts`` are in one place.
        ax: the matplotlib Axes to draw on; None draws on a new figure.

    Returns:
        The Axes drawn on.

    Raises:
        ArgumentError: no estimates of that counts or place (the hint names the nearest
            ones the result has), none named where there are several, estimates in
            different units, or a result without ``as_of`` in its key.
        MissingDependencyError: matplotlib is not installed.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import reconcile as rc
        >>> from reconcile import plot
        >>> result = rc.reconcile("tests/data/real/rohingya_arrivals_series_2017.csv")
        >>> ax = plot.timeline(result, counts="refugees/rohingya/new", place="Bangladesh")
        >>> [text.get_text() for text in ax.get_legend().get_texts()]
        ['claim: its time and range, dot at its value', 'claim set aside', 'estimate (consensus)',
         'tightened by time or relations', 'claim in a conflict', 'temporal conflict: joins its claims',
         'open end']
        >>> plot.timeline(result, counts="refugees")
        Traceback (most recent call last):
        ...
        reconcile.errors.ArgumentError: no estimates of counts='refugees': ...: 'refugees/rohingya/new'

    """
    plt = load_pyplot()
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.ticker import FuncFormatter

    series, claims, title = _series(result, counts, place)
    unit = str(series["unit"].iloc[0])
    claim_measure = measures(claims)
    measure = measures(series)
    measure[claims["_estimate"].to_numpy()] = claim_measure  # the measure its claims give
    start, at, end = _times(series["as_of"], measure)
    estimates = series.assign(start=start, at=at, end=end)[np.isfinite(at)]
    if estimates.empty:
        raise ArgumentError(
            f"none of the {len(series)} dates of {title} can be placed on a date axis",
            hint="write as_of as a day, week, month, quarter, year or span, such as 2017-09-10",
            reason=Reason.NOTHING_TO_PLOT,
        )
    said = claims["as_of_given"].fillna(claims["as_of"]) if "as_of_given" in claims else claims["as_of"]
    start, _, end = _times(said, claim_measure)  # over what it said; read where it was compared
    factor = _factors(claims["unit"], unit)
    claims = claims.assign(
        start=start,
        at=_times(claims["as_of"], claim_measure)[1],
        end=end,
        **{column: claims[column].to_numpy(dtype=float) * factor for column in ("low", "value", "high")},
    )
    timed = np.isfinite(claims[["start", "at", "end"]].to_numpy(dtype=float)).all(axis=1)
    converted = ~np.isnan(factor)
    left_out = {
        f"whose unit cannot be shown in {display_unit(unit)}": ~converted,
        "whose time cannot be read": converted & ~timed,
    }
    claims = claims[timed & converted]

    ends = ["low", "value", "high"]
    numbers = np.concatenate(
        [claims[ends].to_numpy(dtype=float).ravel(), estimates[ends].to_numpy(dtype=float).ravel()]
    )
    bottom, top = _limits(numbers[~np.isnan(numbers)])
    times = np.concatenate(
        [estimates[["start", "end"]].to_numpy().ravel(), claims[["start", "end"]].to_numpy().ravel()]
    )
    left, right = float(times.min()), float(times.max())
    margin = max((right - left) * 0.03, 2.0)
    ax = ax if ax is not None else plt.subplots(figsize=(9.0, 4.8), layout="constrained")[1]

    _draw_estimates(ax, estimates, (bottom, top), result.policy)
    _draw_claims(ax, claims, (bottom, top))
    points = pd.DataFrame({"claim_id": claims["claim_id"], "x": claims["at"], "y": claims["value"]})
    _draw_conflicts(ax, result.conflicts, points)
    _draw_open_ends(
        ax,
        np.concatenate([claims["at"].to_numpy(), estimates["at"].to_numpy()]),
        np.concatenate([claims["low"].to_numpy(), estimates["low"].to_numpy()]),
        np.concatenate([claims["high"].to_numpy(), estimates["high"].to_numpy()]),
    )
    notes = [f"{plural(int(rows.sum()), 'claim')} {why}" for why, rows in left_out.items() if rows.any()]
    if notes:
        ax.text(0.01, 0.02, "not drawn: " + "; ".join(notes), fontsize=8, transform=ax.transAxes)

    locator = AutoDateLocator()  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.set_xlim(left - margin, right + margin)
    ax.set_ylim(bottom, top)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda number, _: format_number(number)))
    kinds = ", ".join(_MEASURE_WORDS[kind] for kind in sorted(set(measure.tolist())))
    ax.set_ylabel(f"{title}\n{display_unit(unit)} ({kinds})")
    ax.grid(alpha=0.3)
    ax.set_axisbelow(True)
    _legend(ax)
    return ax
