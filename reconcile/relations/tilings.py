"""Flows over periods that tile a period add up to it: equalities the relations imply.

Deaths in March, April and May are the deaths of March to May. Flows of one *series* (the
same key but for ``as_of``, and the same unit) whose periods are pairwise disjoint, follow
each other day after day and together cover another flow's period *tile* it, and that flow
(the whole) is the sum of its parts. :func:`tiling_checks` finds tilings by two rules, in a
few whole-column steps over the flows sorted once:

- **one grain**: for each whole and each grain of parts (days, weeks, months, quarters,
  years, or spans such as ``2017-09-20/2017-10-31``), the flows of that grain that start
  inside the whole tile it when each starts the day after the one before it ends, the first
  on the whole's first day and the last ending on its last: the months ``2022-03``,
  ``2022-04`` and ``2022-05`` tile ``2022-03/2022-05``, the days of a week tile the week,
  the quarters of a year the year;
- **two parts**: a flow that starts on the whole's first day and one that starts the day
  after it ends and ends on the whole's last day tile the whole, whatever their grains:
  ``2022-02-24/2022-02-28`` and ``2022-03`` tile ``2022-02-24/2022-03-31`` (a count since a
  start, the next period, and the count since the start to its end).

A tiling of one grain is left out where another tiling of the same whole with fewer parts
implies it (a running count since a start is tiled by the day before's count and its last
day: its days need not be added up again). The result says the same, and grows with the
flows, not with their square.

Left out: tilings of three or more parts of mixed grains (``2022-02-24/2022-02-28``,
``2022-03`` and ``2022-04`` for ``2022-02-24/2022-04-30``), and tilings of one grain where
another flow of that grain starts inside the whole and overlaps the parts (a week from
Monday among weeks from Sunday, a span that runs past the whole's end). Flows are tiled only
where the estimates say what they measure (a ``measure`` column, which the time step adds):
stocks and running totals (``cumulative``) never are. The work is a search per flow and
grain, and a row per pair of flows of a series that end on the same day.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from reconcile._periods import day_bounds
from reconcile.relations.spans import TIME_COLUMN
from reconcile.relations.system import joined

__all__ = ["CHECK_COLUMNS", "GRAINS", "grains", "tiling_checks"]

#: The columns of the tilings, one row per term, as :func:`reconcile.relations.system.build`
#: takes implied sums: ``check`` numbers the tilings from 0, ``estimate`` is a row of the
#: estimates, ``coefficient`` its factor in the sum (which is 0), ``text`` how messages name it.
CHECK_COLUMNS = ("check", "estimate", "coefficient", "text")

#: The grains of parts: periods of one precision, and spans.
GRAINS = ("day", "week", "month", "quarter", "year", "span")
_SPAN = GRAINS.index("span")
# Days since 1970 fit in 20 bits once offset (dates from 1800 on are at least -62,000).
_DAY_OFFSET = 1 << 17
_DAY_BITS = 20
#: A tiling with more parts than this is named by its first two parts and its last.
_NAMED_PARTS = 6


def grains(first: np.ndarray, last_start: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Each time's grain, as its position in :data:`GRAINS`.

    From :func:`reconcile._periods.day_bounds`: a span's last period starts after its first
    day; a period's grain follows from its length in days.

    Examples:
        >>> first, last_start, last = day_bounds(["2022-03-01", "2022-03", "2022Q1", "2022-02-24/2022-02-28"])
        >>> [GRAINS[grain] for grain in grains(first, last_start, last)]
        ['day', 'month', 'quarter', 'span']

    """
    days = last - first + 1
    return np.select(
        [
            last_start > first,
            days == 1,
            days == 7,
            (days >= 28) & (days <= 31),
            (days >= 90) & (days <= 92),
            (days >= 365) & (days <= 366),
        ],
        [_SPAN, 0, 1, 2, 3, 4],
        default=_SPAN,  # no period has another length: a guard, not a grain
    )


class _Runs(NamedTuple):
    """Per flow and grain (``[flow, grain]``): whether that grain's flows tile the flow, and which."""

    tiles: np.ndarray  # bool
    n_parts: np.ndarray  # how many parts
    start: np.ndarray  # the parts: positions start ... stop - 1 of ``order``, but for the flow itself
    stop: np.ndarray
    order: np.ndarray  # the flows sorted by series, grain, first day and last day


def _runs(series: np.ndarray, grain: np.ndarray, first: np.ndarray, last: np.ndarray) -> _Runs:
    """Which grains tile each flow: a search per (flow, grain) and a count of broken links.

    The flows of one grain that start inside a flow are a run of the sorted flows; they tile
    it when each starts the day after the one before it ends (no broken link), the first on
    its first day and the last ending on its last. A span is in its own grain's run: there
    it must come second, after the one part that starts on its first day.
    """
    n, n_grains = len(series), len(GRAINS)
    order = np.lexsort((last, first, grain, series))
    runs = series[order] * n_grains + grain[order]
    sorted_first, sorted_last = first[order], last[order]
    sorted_key = (runs << _DAY_BITS) | (sorted_first + _DAY_OFFSET)
    position = np.empty(n, dtype=np.intp)
    position[order] = np.arange(n)
    linked = (runs[1:] == runs[:-1]) & (sorted_first[1:] == sorted_last[:-1] + 1)
    broken = np.r_[0, np.cumsum(~linked)]  # broken links before each sorted flow

    def broken_between(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Broken links from sorted flow ``left`` to ``right`` (0 for an empty stretch)."""
        inside = np.minimum(right, n - 1)
        return np.where(right > left, broken[inside] - broken[np.minimum(left, inside)], 0)

    whole = np.repeat(np.arange(n), n_grains)
    of_grain = np.tile(np.arange(n_grains), n)
    base = (series[whole] * n_grains + of_grain) << _DAY_BITS
    start = np.searchsorted(sorted_key, base | (first[whole] + _DAY_OFFSET), side="left")
    stop = np.searchsorted(sorted_key, base | (last[whole] + _DAY_OFFSET), side="right")
    own = of_grain == grain[whole]
    count = stop - start - own
    head, tail = np.minimum(start, n - 1), np.maximum(stop - 1, 0)
    covers = (sorted_first[head] == first[whole]) & (sorted_last[tail] == last[whole]) & (count >= 2)
    # Another grain: the whole run, linked. Its own grain: a span second in its run (a period
    # of one grain is never tiled by others of it), linked around it.
    after = np.minimum(start + 2, n - 1)
    other = ~own & (broken_between(start, stop - 1) == 0)
    spanned = (
        own
        & (grain[whole] == _SPAN)
        & (position[whole] == start + 1)
        & (sorted_first[after] == sorted_last[head] + 1)
        & (broken_between(start + 2, stop - 1) == 0)
    )
    tiles = covers & (other | spanned)
    shape = (n, n_grains)
    return _Runs(
        tiles=tiles.reshape(shape),
        n_parts=np.where(tiles, count, 0).reshape(shape),
        start=start.reshape(shape),
        stop=stop.reshape(shape),
        order=order,
    )


def _parts_of(runs: _Runs, whole: np.ndarray, grain: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The parts of each chosen tiling, in time order: (tiling, part) per part."""
    start, stop = runs.start[whole, grain], runs.stop[whole, grain]
    size = stop - start
    tiling = np.repeat(np.arange(len(whole)), size)
    at = np.repeat(start, size) + np.arange(len(tiling)) - np.repeat(np.cumsum(size) - size, size)
    part = runs.order[at]
    mine = part != whole[tiling]
    return tiling[mine], part[mine]


def _two_parts(series: np.ndarray, first: np.ndarray, last: np.ndarray) -> pd.DataFrame:
    """Tilings of two parts of any grains: ``whole``, ``early`` and ``late`` flows.

    Found from the pairs of flows that end on the same day (the whole and its late part),
    then the one early part that fills the rest.
    """
    flows = pd.DataFrame({"series": series, "first": first, "last": last, "flow": np.arange(len(series))})
    ends = flows.merge(flows, on=["series", "last"], suffixes=("_whole", "_late"))
    ends = ends[ends["first_late"] > ends["first_whole"]]
    pairs = ends.assign(first=ends["first_whole"], last=ends["first_late"] - 1).merge(
        flows.rename(columns={"flow": "flow_early"}), on=["series", "first", "last"]
    )
    return pd.DataFrame(
        {
            "whole": pairs["flow_whole"].to_numpy(np.intp),
            "early": pairs["flow_early"].to_numpy(np.intp),
            "late": pairs["flow_late"].to_numpy(np.intp),
        }
    ).sort_values(["whole", "early"], kind="stable", ignore_index=True)


def _tilings(
    series: np.ndarray, grain: np.ndarray, first: np.ndarray, last: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every tiling kept: (tiling, whole, part) per part, tilings numbered in order, parts in time order.

    A tiling of one grain is left out when another tiling of the same whole, with fewer
    parts, implies it: each of that one's parts is of the grain or tiled by it (so the sum
    of its parts is the sum of the grain's). Without this, days would tile every running
    count since a start again and again: the terms would grow as the square of the days.
    """
    n, n_grains = len(series), len(GRAINS)
    runs = _runs(series, grain, first, last)
    two = _two_parts(series, first, last)
    # Each whole's tiling of fewest parts: two parts, else the one grain with fewest.
    fewest = np.where(runs.tiles, runs.n_parts, np.iinfo(np.int64).max).argmin(axis=1)
    has_two = np.zeros(n, dtype=bool)
    has_two[two["whole"].to_numpy()] = True
    one_grain = runs.tiles & (runs.n_parts >= 3)  # two parts of one grain are found as two parts
    least = np.flatnonzero(one_grain.any(axis=1) & ~has_two)
    tiling, coarse_part = _parts_of(runs, least, fewest[least])
    heads = two.drop_duplicates("whole")
    coarse_whole = np.r_[least[tiling], np.repeat(heads["whole"].to_numpy(), 2)]
    coarse_part = np.r_[coarse_part, heads[["early", "late"]].to_numpy().reshape(-1)]
    # Per whole and grain: the coarsest tiling's parts that are neither of the grain nor tiled by it.
    not_implied = np.zeros((n, n_grains), dtype=bool)
    for each in range(n_grains):  # a loop over the six grains
        open_part = (grain[coarse_part] != each) & ~runs.tiles[coarse_part, each]
        not_implied[coarse_whole[open_part], each] = True
    coarsest = np.zeros((n, n_grains), dtype=bool)
    coarsest[least, fewest[least]] = True
    whole, kept_grain = np.nonzero(one_grain & (coarsest | not_implied))
    one_tiling, one_part = _parts_of(runs, whole, kept_grain)
    n_one = len(whole)
    return (
        np.r_[one_tiling, n_one + np.repeat(np.arange(len(two)), 2)],
        np.r_[whole[one_tiling], np.repeat(two["whole"].to_numpy(np.intp), 2)],
        np.r_[one_part, two[["early", "late"]].to_numpy(np.intp).reshape(-1)],
    )


def _named(
    tiling: np.ndarray, whole: np.ndarray, part: np.ndarray, as_of: np.ndarray, name: np.ndarray
) -> np.ndarray:
    """Per tiling, how a message names it: ``deaths 2022-03/2022-05 = 2022-03 + 2022-04 + 2022-05``."""
    n_tilings = int(tiling.max(initial=-1)) + 1
    count = np.bincount(tiling, minlength=n_tilings)
    rank = np.arange(len(tiling)) - np.searchsorted(tiling, tiling, side="left")
    many = count[tiling] > _NAMED_PARTS
    shown = ~many | (rank < 3) | (rank == count[tiling] - 1)
    piece = np.where(many & (rank == 2), "…", as_of[part]).astype(object)
    parts = joined(tiling[shown], piece[shown], np.arange(n_tilings), " + ")
    heads = np.searchsorted(tiling, np.arange(n_tilings), side="left")
    wholes = whole[heads]
    said = name[wholes] + as_of[wholes] + " = " + parts.reindex(np.arange(n_tilings)).to_numpy(dtype=object)
    told = np.where(count > _NAMED_PARTS, " (" + count.astype(str).astype(object) + " parts)", "")
    return np.asarray(said + told + " (implied tiling)", dtype=object)


def _no_tilings() -> pd.DataFrame:
    """No tilings: a table with the columns of :data:`CHECK_COLUMNS` and no rows."""
    return pd.DataFrame(
        {
            "check": pd.Series(dtype=np.intp),
            "estimate": pd.Series(dtype=np.intp),
            "coefficient": pd.Series(dtype=float),
            "text": pd.Series(dtype=object),
        }
    )


def tiling_checks(estimates: pd.DataFrame, key: tuple[str, ...]) -> pd.DataFrame:
    """``whole - part - part ... = 0`` for every flow whose period its series' flows tile.

    Args:
        estimates: one row per quantity, with ``measure`` (as the time step adds it) and ``unit``.
        key: the quantity key; without ``as_of``, nothing is tiled.

    Returns:
        One row per term, with the columns of :data:`CHECK_COLUMNS`: the whole with coefficient
        1, then its parts in time order with -1. Empty where the estimates have no ``measure``.

    Examples:
        >>> estimates = pd.DataFrame({
        ...     "counts": "deaths", "unit": "person", "measure": "flow",
        ...     "as_of": ["2022-03/2022-05", "2022-03", "2022-04", "2022-05"],
        ... })
        >>> checks = tiling_checks(estimates, ("counts", "as_of"))
        >>> checks[["check", "estimate", "coefficient"]]
           check  estimate  coefficient
        0      0         0          1.0
        1      0         1         -1.0
        2      0         2         -1.0
        3      0         3         -1.0
        >>> print(checks["text"].iloc[0])
        deaths 2022-03/2022-05 = 2022-03 + 2022-04 + 2022-05 (implied tiling)

    """
    if TIME_COLUMN not in key or "measure" not in estimates.columns:
        return _no_tilings()
    flow = np.flatnonzero(estimates["measure"].to_numpy(dtype=object) == "flow")
    as_of = estimates[TIME_COLUMN].to_numpy(dtype=object)[flow]
    first, last_start, last = day_bounds(as_of)
    dated = ~np.isnan(first)
    flow, as_of, first, last_start, last = (
        flow[dated],
        as_of[dated],
        first[dated],
        last_start[dated],
        last[dated],
    )
    if len(flow) < 2:
        return _no_tilings()
    others = [column for column in (*key, "unit") if column != TIME_COLUMN and column in estimates.columns]
    chosen = estimates.iloc[flow]
    series = (
        chosen.groupby(others, dropna=False, sort=False).ngroup().to_numpy(np.int64)
        if others
        else np.zeros(len(flow), np.int64)
    )
    tiling, whole, part = _tilings(
        series, grains(first, last_start, last), first.astype(np.int64), last.astype(np.int64)
    )
    if not len(tiling):
        return _no_tilings()
    name = (
        chosen["counts"].astype(str).to_numpy(dtype=object) + " "
        if "counts" in key
        else np.full(len(flow), "", dtype=object)
    )
    text = _named(tiling, whole, part, np.asarray(as_of, dtype=object).astype(str).astype(object), name)
    heads = np.searchsorted(tiling, np.arange(len(text)), side="left")
    # Each check: its whole (+1), then its parts (-1).
    check = np.r_[np.arange(len(text)), tiling]
    term = np.r_[whole[heads], part]
    by_check = np.argsort(check, kind="stable")
    return pd.DataFrame(
        {
            "check": check[by_check].astype(np.intp),
            "estimate": flow[term[by_check]].astype(np.intp),
            "coefficient": np.r_[np.ones(len(text)), -np.ones(len(part))][by_check],
            "text": text[check[by_check]],
        }
    )
