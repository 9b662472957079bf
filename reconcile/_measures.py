"""What each figure measures, and which dates of a series denote the same time.

A figure is a ``stock`` (a count on a date), a ``flow`` (a count over a period) or
``cumulative`` (a running total since a start); see :data:`reconcile.schemas.MEASURES`.
A count on a date dated coarsely (``2017-12``: some day in December) is about the same time
as one dated to a day in it (``2017-12-31``) when that day is the only finer date of its
series inside the month: :func:`same_time` gives each claim the time it is compared at.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconcile._periods import day_bounds
from reconcile.schemas import MEASURES

__all__ = ["CUMULATIVE", "FLOW", "STOCK", "measure_codes", "measures", "same_time", "series_codes"]

STOCK, FLOW, CUMULATIVE = (MEASURES.index(name) for name in ("stock", "flow", "cumulative"))


def measures(frame: pd.DataFrame) -> np.ndarray:
    """Each claim's measure: its ``measure`` column, else ``flow`` for a span and ``stock`` otherwise.

    Examples:
        >>> frame = pd.DataFrame({"as_of": ["2017-09-10", "2016-10/2017-07", "2017-09-11"],
        ...                       "measure": [None, None, "cumulative"]})
        >>> measures(frame).tolist()
        ['stock', 'flow', 'cumulative']

    """
    named: np.ndarray = np.array(MEASURES, dtype=object)[measure_codes(frame)]
    return named


def measure_codes(frame: pd.DataFrame, spans: np.ndarray | None = None) -> np.ndarray:
    """Each claim's measure as its position in :data:`MEASURES` (as :func:`measures` reads it).

    ``spans`` says, where it is known already, which claims are dated to a span.

    Examples:
        >>> measure_codes(pd.DataFrame({"as_of": ["2017-09-10", "2016-10/2017-07"]})).tolist()
        [0, 1]

    """
    if spans is None:
        as_of = frame["as_of"] if "as_of" in frame else pd.Series(None, index=frame.index, dtype=object)
        first, last_start, _ = day_bounds(as_of)
        spans = first < last_start
    default = np.where(spans, FLOW, STOCK)
    if "measure" not in frame:
        return default
    codes, distinct = pd.factorize(frame["measure"])
    position = {name: number for number, name in enumerate(MEASURES)}
    known = np.array([position.get(str(name), -1) for name in distinct] + [-1], dtype=np.int64)[codes]
    return np.where(known < 0, default, known)


def same_time(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.Series | None:
    """Per claim, the ``as_of`` it is compared at; None when every claim keeps its own.

    A count on a date (a stock or a running total) dated to a period coarser than a day is
    compared at the finest date of its series (the other ``key`` columns, its measure and
    phase) inside that period, when the dates inside it nest (each holds the finest one):
    ``2017-12`` with ``2017-12-31``. With two days inside it (``2017-12-05`` and
    ``2017-12-31``) which one it means is not known: it keeps its own date.

    Examples:
        >>> frame = pd.DataFrame({"counts": "idps", "place": "Ukraine",
        ...                       "as_of": ["2017-12", "2017-12-31", "2018"]})
        >>> same_time(frame, ("counts", "place", "as_of")).tolist()
        ['2017-12-31', '2017-12-31', '2018']

    """
    if "as_of" not in key or not len(frame):
        return None
    as_of = frame["as_of"]
    first, last_start, last = day_bounds(as_of)
    if not (last > first).any():  # every claim dated to a day: nothing to compare elsewhere
        return None
    measure = measure_codes(frame, first < last_start)
    coarse = (last > first) & (measure != FLOW)
    if not coarse.any():
        return None
    rest = [column for column in key if column != "as_of"]
    phase = frame["phase"] if "phase" in frame else pd.Series(None, index=frame.index, dtype=object)
    series = series_codes([*(frame[column] for column in rest), phase], measure)
    times = pd.DataFrame(
        {"series": series, "as_of": as_of.to_numpy(dtype=object), "first": first, "last": last}
    ).dropna(subset=["first"])
    times = times[times["series"].isin(series[coarse]) & (measure[times.index] != FLOW)].drop_duplicates()
    wide = times[times["last"] > times["first"]]
    pairs = wide.merge(times, on="series", suffixes=("", "_in"))
    inside = (pairs["first"] <= pairs["first_in"]) & (pairs["last_in"] <= pairs["last"])
    pairs = pairs[inside & (pairs["as_of"] != pairs["as_of_in"])]
    if pairs.empty:
        return None
    pairs = pairs.assign(width=pairs["last_in"] - pairs["first_in"])
    pairs = pairs.sort_values(["series", "as_of", "width"], kind="stable")
    finest = pairs.groupby(["series", "as_of"], sort=False).first()
    bounds = finest[["first_in", "last_in"]].rename(columns=lambda name: f"{name}_finest")
    pairs = pairs.join(bounds, on=["series", "as_of"])
    holds = (pairs["first_in"] <= pairs["first_in_finest"]) & (pairs["last_in_finest"] <= pairs["last_in"])
    nested = holds.groupby([pairs["series"], pairs["as_of"]]).all()
    moves = finest.loc[nested[nested].index, "as_of_in"]
    if moves.empty:
        return None
    lookup = pd.Series(moves.to_numpy(dtype=object), index=pd.MultiIndex.from_tuples(moves.index))
    keys = pd.MultiIndex.from_arrays([series, as_of.to_numpy(dtype=object)])
    moved = lookup.reindex(keys).to_numpy(dtype=object)
    compared = np.where(pd.isna(moved) | ~coarse, as_of.to_numpy(dtype=object), moved)
    return pd.Series(compared, index=frame.index, dtype="str")


def series_codes(columns: list[pd.Series], *more: np.ndarray) -> np.ndarray:
    """One number per distinct combination of the columns' values (missing is a value).

    ``more`` are columns of numbers already. The numbers follow the order in which the
    combinations first appear where the columns' values are; they are made dense again only
    when their product would pass 2**40.

    Examples:
        >>> names, places = pd.Series(["a", "b", "a"]), pd.Series(["x", None, "x"])
        >>> series_codes([names, places], np.array([0, 0, 1])).tolist()  # rows 0 and 2 differ by the last
        [10, 13, 11]

    """
    n = len(more[0])
    key = np.zeros(n, dtype=np.int64)
    size = 1
    for column in [*(pd.factorize(values)[0] for values in columns), *more]:
        codes = (pd.factorize(column)[0] if column.dtype.kind not in "iu" else column).astype(np.int64) + 1
        span = int(codes.max(initial=0)) + 1
        if size * span > 2**40:
            key = pd.factorize(key)[0].astype(np.int64)
            size = int(key.max(initial=0)) + 1
        key = key * span + codes
        size *= span
    return key
