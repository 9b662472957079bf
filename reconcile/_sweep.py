"""The heaviest sets of ranges that share a point, for many groups of ranges at once.

The ranges are sorted once by group and end, and a cumulative sum over their ends
(+weight where a range opens, -weight where it closes) gives, at every point, the weight
of the ranges that hold it. Its maximum per group is the heaviest set of ranges that can
all be right; every stretch where the sum reaches that maximum is one such set.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "AgreeingSets",
    "first_per_group",
    "group_codes",
    "group_value_order",
    "largest_agreeing_sets",
    "membership",
    "per_group",
    "per_group_all",
    "run_medians",
    "sort_events",
    "sorting_order",
    "weighted_median",
]


def group_codes(frame: pd.DataFrame, key: list[str]) -> np.ndarray:
    """Each row's group by the ``key`` columns, numbered 0, 1, ... in the groups' sorted order.

    As ``frame.groupby(key, sort=True).ngroup()`` numbers them, for key columns without
    missing values; text and number columns are factorized one at a time and their codes
    combined (about a third faster than pandas' grouping), other columns go to pandas.

    Examples:
        >>> frame = pd.DataFrame({"counts": ["b", "a", "b"], "place": ["x", "y", "x"]}, dtype="str")
        >>> group_codes(frame, ["counts", "place"]).tolist()
        [1, 0, 1]

    """
    plain = all(
        pd.api.types.is_numeric_dtype(frame[column])
        or (pd.api.types.is_string_dtype(frame[column]) and not pd.api.types.is_object_dtype(frame[column]))
        for column in key
    )
    if not plain or not len(frame):
        return np.asarray(frame.groupby(key, dropna=False, sort=True).ngroup().to_numpy(), dtype=np.int64)
    codes = np.zeros(len(frame), dtype=np.int64)
    size = 1
    for column in key:  # (the key's columns, a handful)
        found, distinct = pd.factorize(frame[column], sort=True, use_na_sentinel=False)
        size *= len(distinct)
        if size >= 2**62:  # the combined code would not fit: pandas numbers them
            return np.asarray(frame.groupby(key, dropna=False, sort=True).ngroup().to_numpy(), dtype=np.int64)
        codes = codes * len(distinct) + found
    if size <= 8 * len(codes) + 1024:  # few possible codes: mark those present
        present = np.zeros(size, dtype=bool)
        present[codes] = True
        return np.asarray((np.cumsum(present) - 1)[codes], dtype=np.int64)
    return np.asarray(np.unique(codes, return_inverse=True)[1].reshape(-1), dtype=np.int64)


def sort_events(group: np.ndarray, coordinate: np.ndarray, opening: np.ndarray) -> np.ndarray:
    """The order of events by group, then coordinate, a closing before an opening at one point.

    Two unstable sorts: one ranks the coordinates, one sorts a single integer key (group,
    rank, opening). Events of one kind at one point of one group come in no set order: the
    sweep's results do not depend on it. A stable sort by coordinate and then group, which
    this replaces, took about twice as long; the second sort sorts values (:func:`sorting_order`).

    Examples:
        >>> sort_events(np.array([1, 0, 1, 0]), np.array([3.0, 9.0, 3.0, 2.0]),
        ...             np.array([True, False, False, True])).tolist()
        [3, 1, 2, 0]

    """
    if not len(coordinate):
        return np.zeros(0, dtype=np.int64)
    by_coordinate = np.argsort(coordinate)
    ordered = coordinate[by_coordinate]
    rank = np.empty(len(coordinate), dtype=np.int64)
    rank[by_coordinate] = np.cumsum(np.r_[False, ordered[1:] != ordered[:-1]])
    key = (group.astype(np.int64) * (int(rank[by_coordinate[-1]]) + 1) + rank) * 2 + opening
    return sorting_order(key)


def _whole_number_order(events: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray | None:
    """:func:`sort_events`' order of closings (just after ``high``), then openings (at ``low``).

    Only where every finite end is a whole number below 2**52; else None. Counts are whole
    numbers: no end lies between x and the closing just after it, so an opening at x goes
    before that closing (keys ``2x`` and ``2x + 1``), and one sort of integers replaces the
    ranking of floats.
    """
    ends = np.concatenate([high, low])
    finite = np.isfinite(ends)
    shown = ends[finite]
    if not len(shown) or bool(np.isnan(ends).any()):
        return None
    least, most = float(shown.min()), float(shown.max())
    if max(-least, most) >= 2.0**52 or not bool(np.all(shown == np.round(shown))):
        return None
    # Infinite ends just beyond the finite ones; then 0 .. span - 1.
    whole = np.where(finite, ends, np.where(ends > 0, most + 1, least - 1)) - (least - 1)
    del ends, finite, shown  # (the key is built in place: a sweep's events are many)
    span = 2 * (int(most - least) + 3)
    if (int(events.max()) + 1) * span >= 2**63:  # (the key would not fit an integer)
        return None
    key = events.astype(np.int64)
    key *= span
    key += whole.astype(np.int64) * 2
    del whole
    key[: len(high)] += 1  # a closing after an opening at its point
    return sorting_order(key)


def sorting_order(key: np.ndarray) -> np.ndarray:
    """The order that sorts non-negative integer keys (ties in no set order).

    Where the key and the row number fit one 64-bit integer together, the rows are sorted
    as values with their numbers in the low bits: a sort of values is several times faster
    than numpy's ``argsort``. Otherwise, ``argsort``.

    Examples:
        >>> sorting_order(np.array([30, 10, 20])).tolist()
        [1, 2, 0]

    """
    if not len(key):
        return np.zeros(0, dtype=np.int64)
    bits = max(len(key) - 1, 1).bit_length()
    if int(key.max()).bit_length() + bits > 64:
        return np.argsort(key)
    packed = np.sort((key.astype(np.uint64) << np.uint64(bits)) | np.arange(len(key), dtype=np.uint64))
    return np.asarray(packed & np.uint64((1 << bits) - 1)).astype(np.int64)


class AgreeingSets(NamedTuple):
    """Per group, the heaviest sets of ranges that share a point.

    Attributes:
        weight: per group, the weight of its heaviest sets.
        owner: per candidate, its group; candidates come sorted by group, then by ``low``.
        low: per candidate, the low end of the range its set shares.
        high: per candidate, the high end.
        first: per group, its first candidate (the lowest), or -1 for a group without ranges.
        n_sets: per group, how many sets tie for the heaviest.

    """

    weight: np.ndarray
    owner: np.ndarray
    low: np.ndarray
    high: np.ndarray
    first: np.ndarray
    n_sets: np.ndarray


def largest_agreeing_sets(
    group: np.ndarray, low: np.ndarray, high: np.ndarray, weight: np.ndarray, n_groups: int
) -> AgreeingSets:
    """Every heaviest set of ranges per group whose ranges share a point: its shared range.

    ``group`` numbers the groups 0..n_groups-1. Ranges are closed. Weights that are not
    whole numbers are summed in floats; sets whose weights differ by less than a 10**-12
    share of the group's total count as tied. Two sets that tie are both returned: which
    one is right is not for the values to decide.

    Examples:
        >>> found = largest_agreeing_sets(np.array([0, 0, 0]), np.array([0.0, 0.0, 7.0]),
        ...                               np.array([10.0, 3.0, 10.0]), np.ones(3), 1)
        >>> found.n_sets.tolist(), found.low.tolist(), found.high.tolist()
        ([2], [0.0, 7.0], [3.0, 10.0])

    """
    n = len(group)
    if n == 0:
        empty = np.zeros(0)
        return AgreeingSets(
            np.zeros(n_groups),
            empty.astype(int),
            empty,
            empty,
            np.full(n_groups, -1),
            np.zeros(n_groups, int),
        )
    # A range that closes at x still holds x, so its closing event goes just after x. A
    # closing event sorts before an opening at the same point: the range it closes ended a
    # float's width earlier, before the other began.
    events = np.concatenate([group, group])
    order = _whole_number_order(events, low, high)
    if order is None:
        closing = np.where(np.isfinite(high), np.nextafter(high, np.inf), high)
        order = sort_events(events, np.concatenate([closing, low]), np.arange(2 * n) >= n)
    cover = np.cumsum(np.concatenate([-weight, weight])[order])
    quantity = events[order]
    del events
    starts = np.flatnonzero(np.r_[True, quantity[1:] != quantity[:-1]])
    heaviest_present = np.maximum.reduceat(cover, starts)
    heaviest = np.zeros(n_groups)
    heaviest[quantity[starts]] = heaviest_present
    # Whole weights sum exactly; other sums carry rounding, so near-ties count as ties.
    whole = bool(np.all(np.mod(weight, 1) == 0))
    slack = np.bincount(group, weights=weight, minlength=n_groups) * (0.0 if whole else 1e-12)
    opens = order >= n
    # An opening that reaches the group's heaviest cover starts a candidate range; the
    # next event closes one of its ranges, which ends the candidate.
    reaches = opens & (cover >= heaviest[quantity] - slack[quantity])
    reaches[:-1] &= order[1:] < n  # (only a closing can follow; this keeps rounding honest)
    reaches[-1] = False
    candidate = np.flatnonzero(reaches)
    owner = quantity[candidate]
    count = np.bincount(owner, minlength=n_groups)
    first = np.full(n_groups, -1)
    firsts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if len(owner) else np.zeros(0, int)
    first[owner[firsts]] = firsts
    return AgreeingSets(
        weight=heaviest,
        owner=owner,
        low=low[order[candidate] - n],  # (a candidate is an opening: its range's low end)
        high=high[order[candidate + 1]],  # the range that closes next
        first=first,
        n_sets=count,
    )


def first_per_group(
    group: np.ndarray, mask: np.ndarray, by: np.ndarray, *, largest: bool = False
) -> np.ndarray:
    """Per group, the row (among ``mask``) with the smallest ``by`` (or largest); ties go to the first."""
    rows = np.flatnonzero(mask)
    chosen = np.full(int(group.max()) + 1 if len(group) else 0, -1)
    owner, values = group[rows], by[rows].astype(float, copy=False)
    best = np.full(len(chosen), np.nan)  # (missing values are skipped, as pandas skips them)
    (np.fmax if largest else np.fmin).at(best, owner, values)
    at = rows[values == best[owner]]
    chosen[:] = len(group)  # (then the first row of each group's best, by np.minimum.at)
    np.minimum.at(chosen, group[at], at)
    chosen[chosen == len(group)] = -1
    return chosen


def run_medians(owner: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each run's owner and the median of its values, for rows sorted by owner and then value.

    Examples:
        >>> owners, medians = run_medians(np.array([0, 0, 0, 2, 2]), np.array([1.0, 2.0, 9.0, 4.0, 5.0]))
        >>> owners.tolist(), medians.tolist()
        ([0, 2], [2.0, 4.5])

    """
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    size = np.diff(np.r_[starts, len(owner)])
    with np.errstate(invalid="ignore"):  # (-inf and inf in the middle: NaN, as pandas says)
        middle = (values[starts + (size - 1) // 2] + values[starts + size // 2]) / 2
    return owner[starts], middle


def group_value_order(group: np.ndarray, value: np.ndarray) -> np.ndarray:
    """The order of rows by group, then by value (rows of one group and value in no set order).

    Values that are whole numbers or halves (counts, and medians of counts) are sorted
    with their group as one integer key; others are ranked first, as :func:`sort_events`
    ranks its points.

    Examples:
        >>> group_value_order(np.array([1, 0, 1, 0]), np.array([5.0, 7.5, 2.0, 3.0])).tolist()
        [3, 1, 2, 0]

    """
    if len(value) and bool(np.isfinite(value).all()):
        halves = value * 2
        least, most = float(halves.min()), float(halves.max())
        if most - least < 2.0**40 and bool(np.all(halves == np.round(halves))):
            span = int(most - least) + 1
            if (int(group.max()) + 1) * span < 2**62:
                return sorting_order(group.astype(np.int64) * span + (halves - least).astype(np.int64))
    return sort_events(group, value, np.zeros(len(value), dtype=bool))


def per_group(index: np.ndarray, values: np.ndarray, size: int, how: str, fill: float) -> np.ndarray:
    """``values`` reduced ``how`` ("min", "max", "median") per ``index`` in 0..size-1; ``fill`` elsewhere.

    A group of one value is that value; only groups of several are reduced (by pandas).

    Examples:
        >>> per_group(np.array([0, 2, 2]), np.array([5.0, 1.0, 3.0]), 4, "max", -1.0).tolist()
        [5.0, -1.0, 3.0, -1.0]

    """
    return per_group_all(index, size, values=(values, how, fill))["values"]


def per_group_all(
    index: np.ndarray, size: int, **columns: tuple[np.ndarray, str, float]
) -> dict[str, np.ndarray]:
    """Several :func:`per_group` reductions over one grouping, the groups found once.

    Each keyword names a column as ``(values, how, fill)``.

    Examples:
        >>> found = per_group_all(np.array([0, 0, 2]), 3, low=(np.array([1.0, 2.0, 3.0]), "min", 9.0),
        ...                       high=(np.array([4.0, 5.0, 6.0]), "max", -1.0))
        >>> found["low"].tolist(), found["high"].tolist()
        ([1.0, 9.0, 3.0], [5.0, -1.0, 6.0])

    """
    count = np.bincount(index, minlength=size)
    once = count[index] == 1
    many = ~once
    medians = {name: how for name, (_, how, _) in columns.items() if how == "median"}
    reduced = {}
    for name in medians if many.any() else ():  # the middle values of each group, sorted
        owner, values = index[many], columns[name][0][many].astype(float, copy=False)
        if np.isnan(values).any():  # (pandas skips missing values)
            reduced[name] = pd.Series(values).groupby(owner).median()
            continue
        order = group_value_order(owner, values)
        owners, middle = run_medians(owner[order], values[order])
        reduced[name] = pd.Series(middle, index=owners)
    found = {}
    for name, (values, how, fill) in columns.items():
        out = np.full(size, fill, dtype=float)
        if how == "median":
            out[index[once]] = values[once]
            if name in reduced:
                out[reduced[name].index.to_numpy()] = reduced[name].to_numpy(dtype=float)
        else:  # a minimum or maximum in place, missing values skipped (a group of only those: NaN)
            out[count > 0] = np.nan
            (np.fmin if how == "min" else np.fmax).at(out, index, values.astype(float, copy=False))
        found[name] = out
    return found


def weighted_median(group: np.ndarray, value: np.ndarray, weight: np.ndarray, size: int) -> np.ndarray:
    """Per group, the weighted median of ``value``: the midpoint of the lower and upper medians.

    With equal weights this is the plain median. Weights are above 0.

    Examples:
        >>> weighted_median(np.array([0, 0, 1, 1, 1]), np.array([10.0, 20, 1, 2, 9]),
        ...                 np.array([1.0, 1, 1, 1, 3]), 3).tolist()
        [15.0, 9.0, nan]

    """
    out = np.full(size, np.nan)
    if not len(group):
        return out
    if np.all(weight == weight[0]):  # equal weights: the plain median, which pandas finds faster
        return per_group(group, value, size, "median", np.nan)
    order = np.lexsort((value, group))
    g, v, w = group[order], value[order], weight[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    ends = np.r_[starts[1:], len(g)]
    running = np.cumsum(w)
    before = running[starts] - w[starts]
    total = running[ends - 1] - before
    middle = before + total / 2
    tolerance = total * 1e-9
    # The lower median is the first value whose running weight reaches half the group's, the
    # upper one the first that passes it.
    lower = np.minimum(np.searchsorted(running, middle - tolerance, side="left"), ends - 1)
    upper = np.minimum(np.searchsorted(running, middle + tolerance, side="right"), ends - 1)
    out[g[starts]] = (v[lower] + v[upper]) / 2
    return out


def membership(
    sets: AgreeingSets, family: np.ndarray, low: np.ndarray, high: np.ndarray, eligible: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per range: whether it holds the shared range of some heaviest set of its family, and of every one.

    ``family`` gives each range's group in ``sets``; only ``eligible`` ranges are looked at.

    Examples:
        >>> sets = largest_agreeing_sets(np.array([0, 0, 0]), np.array([0.0, 0.0, 7.0]),
        ...                              np.array([10.0, 3.0, 10.0]), np.ones(3), 1)
        >>> some, every = membership(sets, np.zeros(3, int), np.array([0.0, 0.0, 7.0]),
        ...                          np.array([10.0, 3.0, 10.0]), np.ones(3, bool))
        >>> some.tolist(), every.tolist()
        ([True, True, True], [True, False, False])

    """
    in_set = np.zeros(len(family), dtype=bool)
    in_every = np.zeros(len(family), dtype=bool)
    # A family with one heaviest set (most of them): holding it is holding every one.
    alone = np.flatnonzero(eligible & (sets.n_sets[family] == 1))
    first = sets.first[family[alone]]
    holds = (low[alone] <= sets.low[first]) & (high[alone] >= sets.high[first])
    in_set[alone] = holds
    in_every[alone] = holds
    voices_in = np.flatnonzero(eligible & (sets.n_sets[family] > 1))
    fam = family[voices_in]
    count = sets.n_sets[fam]
    pair_voice = np.repeat(voices_in, count)
    start = np.repeat(sets.first[fam] - np.cumsum(count) + count, count)
    candidate = start + np.arange(len(pair_voice))
    holds = (low[pair_voice] <= sets.low[candidate]) & (high[pair_voice] >= sets.high[candidate])
    held = np.bincount(pair_voice, weights=holds, minlength=len(family))
    in_set[voices_in] = held[voices_in] > 0
    in_every[voices_in] = held[voices_in] == count
    return in_set, in_every
