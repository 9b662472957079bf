"""Checks across time: running totals that fall, parts of a period that outnumber the whole.

A quantity's figures are about one time (its ``as_of``); quantities that differ only in
their time form a *series* (the same ``counts`` and ``place``, the same ``measure`` and
``phase``). What a figure measures decides what time may do to it:

- a ``stock`` (people displaced on a date) may rise and fall: nothing is checked;
- a ``cumulative`` count (arrivals since 25 August) never falls: a later figure whose range
  cannot reach an earlier one's lowest value is a conflict of kind ``temporal``, naming the
  two claims behind the two ranges; a ``phase`` names a restart, after which the count
  begins again as a series of its own;
- a ``flow`` (deaths from October to July) over a period is at most the flow over any
  period that holds it.

One quantity is *before* another when its time ends before the other's begins; for a
running total, its time is the last period of its ``as_of`` (``2017-09`` of
``2017-08-25/2017-09``). Times that overlap (``2017-12`` and ``2017-12-31``) are not
ordered, so they are not checked against each other.

The same rules tighten the ranges: a running total is at least every earlier figure's
lowest value and at most every later figure's highest; a flow is at most the flow of any
period that holds it, and the flow of a period at least the flow of any period inside it.
Every step is a whole-column operation over the quantities sorted once by series and time.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from reconcile._conflict_text import Coded
from reconcile._conflict_text import said as worded
from reconcile._measures import CUMULATIVE as _CUMULATIVE
from reconcile._measures import FLOW as _FLOW
from reconcile._measures import STOCK as _STOCK
from reconcile._measures import measure_codes, measures, series_codes
from reconcile._periods import day_bounds
from reconcile._wording import format_numbers
from reconcile.consensus import Consensus
from reconcile.errors import ArgumentError, ClaimsError, Reason
from reconcile.schemas import MEASURES, Conflicts, check_built

__all__ = ["TimeChecks", "apply", "check_time", "measures"]

# Days since 1970 fit in 20 bits once offset (dates from 1800 on are at least -62,000).
_DAY_OFFSET = 1 << 17
_DAY_BITS = 20


class TimeChecks(NamedTuple):
    """What time says of a table of estimates.

    Attributes:
        low: per estimate, its range's low end once every check across time has tightened it
            (NaN where the checks leave no value).
        high: per estimate, the high end.
        lag_days: per estimate, the days from the end of its time to its latest report (NaN
            where no claim gives ``reported_on``).
        measure: per estimate, what it measures (``stock``, ``flow`` or ``cumulative``).
        conflicts: one row per claim in a conflict of kind ``temporal`` (columns
            ``number``, ``claim``, ``estimate`` and ``message``; ``number`` counts the
            conflicts from 1, ``claim`` is a row of the claims table, ``estimate`` one of
            the estimates).

    """

    low: np.ndarray
    high: np.ndarray
    lag_days: np.ndarray
    measure: np.ndarray
    conflicts: pd.DataFrame


def check_time(
    estimates: pd.DataFrame, claims: pd.DataFrame, key: tuple[str, ...], claim_estimate: np.ndarray
) -> TimeChecks:
    r"""The checks across time over reconciled ``estimates`` and their ``claims``.

    ``claim_estimate`` gives, per claim, the row of its estimate (-1 for none). Only kept
    claims name a conflict: they are what the estimate's range rests on.

    Raises:
        ClaimsError: the claims of one quantity give different measures or phases.

    Examples:
        >>> import reconcile as rc
        >>> claims = rc.to_claims([
        ...     rc.Figure.exact(409_000, counts="arrivals", place="Bangladesh", as_of="2017-09-10",
        ...                     source="ISCG"),
        ...     rc.Figure.exact(370_000, counts="arrivals", place="Bangladesh", as_of="2017-09-11",
        ...                     source="ISCG"),
        ... ]).assign(measure="cumulative")
        >>> result = rc.reconcile(claims)
        >>> print(result.conflicts.loc[0, "message"].replace("; ", ";\n"))
        a running total falls: ISCG: 409,000 arrivals as of 2017-09-10;
        ISCG: 370,000 arrivals as of 2017-09-11;
        the later figure is at most 370,000, below the earlier one's lowest, 409,000
        >>> result.conflicts[["conflict_id", "kind", "claim_id"]]
          conflict_id      kind claim_id
        0          C1  temporal       c1
        1          C1  temporal       c2

    """
    n = len(estimates)
    low = estimates["low"].to_numpy(dtype=float).copy()
    high = estimates["high"].to_numpy(dtype=float).copy()
    as_of = estimates["as_of"] if "as_of" in key else pd.Series(None, index=estimates.index, dtype=object)
    first, last_start, last = day_bounds(as_of)
    measure, phase = _per_estimate(estimates, claims, claim_estimate, key, first < last_start)
    lag = np.full(n, np.nan)
    if "reported_on" in claims and n:
        mine = claim_estimate >= 0
        reported = day_bounds(claims["reported_on"])[0][mine]
        latest = np.full(n, -np.inf)
        np.maximum.at(latest, claim_estimate[mine], np.where(np.isnan(reported), -np.inf, reported))
        lag = np.where(np.isfinite(latest), latest - last, np.nan)
    timed = ~np.isnan(first)
    series = series_codes([*(estimates[column] for column in key if column != "as_of")], measure, phase)
    pairs = []
    running = np.flatnonzero(timed & (measure == _CUMULATIVE))
    pairs.append(_running_totals(series[running], last_start[running], last[running], low, high, running))
    flows = np.flatnonzero(timed & (measure == _FLOW))
    pairs.append(_nested_flows(series[flows], first[flows], last[flows], low, high, flows))
    earlier, later, kind = (np.concatenate(parts) for parts in zip(*pairs, strict=True))
    empty = low > high
    low[empty], high[empty] = np.nan, np.nan
    conflicts = _conflicts(estimates, claims, claim_estimate, (earlier, later, kind))
    named = np.array(MEASURES, dtype=object)[measure]
    return TimeChecks(low=low, high=high, lag_days=lag, measure=named, conflicts=conflicts)


def _per_estimate(
    estimates: pd.DataFrame,
    claims: pd.DataFrame,
    claim_estimate: np.ndarray,
    key: tuple[str, ...],
    spans: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Per estimate, its measure (a code) and phase (a code): those its claims give, which must agree.

    ``spans`` says which estimates are dated to a span (their claims share their ``as_of``).
    """
    n = len(estimates)
    mine = np.flatnonzero(claim_estimate >= 0)
    measure = measure_codes(claims, np.append(spans, False)[claim_estimate])[mine]
    phase = pd.factorize(claims["phase"])[0][mine] if "phase" in claims else np.zeros(len(mine), np.int64)
    at = claim_estimate[mine]
    per_measure = np.full(n, _STOCK)
    per_phase = np.full(n, -1)
    per_measure[at], per_phase[at] = measure, phase
    split = (per_measure[at] != measure) | (per_phase[at] != phase)
    if split.any():
        rows = np.unique(at[split])
        said = [
            f"{' / '.join(str(estimates[column].iloc[row]) for column in key)}: claims "
            + ", ".join(claims["claim_id"].iloc[mine[at == row]].astype(str).tolist()[:5])
            for row in rows[:5]  # the first few, for the message
        ]
        raise ClaimsError(
            f"{len(rows)} quantities mix measures or phases among their claims",
            details="  " + "\n  ".join(said),
            hint="give every claim of one quantity the same measure and phase, "
            "or tell them apart by their counts",
            reason=Reason.MIXED_MEASURES,
        )
    return per_measure, per_phase


def _sort_key(series: np.ndarray, day: np.ndarray) -> np.ndarray:
    """One sortable number per (series, day)."""
    return (series.astype(np.int64) << _DAY_BITS) | (day.astype(np.int64) + _DAY_OFFSET)


def _running_totals(
    series: np.ndarray,
    last_start: np.ndarray,
    last: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    rows: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Running totals: tighten ``low`` and ``high`` (in place); the falls, as (earlier, later) rows."""
    none = np.zeros(0, dtype=np.int64)
    if not len(rows):
        return none, none, np.zeros(0, dtype=object)
    # Sorted by the end of each one's time: the lowest value any total ending earlier allows.
    # (A table in series and date order is sorted already: then nothing is reordered.)
    end_key, start_key = _sort_key(series, last), _sort_key(series, last_start)
    own_low, own_high = low[rows], high[rows]
    by_end = _order(end_key)
    ends, end_series, sorted_low = (_take(column, by_end) for column in (end_key, series, own_low))
    highest_low = _scan(sorted_low, end_series, np.maximum)
    at = np.maximum.accumulate(np.where(sorted_low == highest_low, np.arange(len(rows)), -1))
    before = np.searchsorted(ends, start_key, side="left") - 1
    same = (before >= 0) & (end_series[np.maximum(before, 0)] == series)
    floor = np.where(same, highest_low[np.maximum(before, 0)], -np.inf)
    # Sorted by the start of each one's last period: the highest value any later total allows.
    by_start = _order(start_key)
    starts, start_series, sorted_high = (_take(column, by_start) for column in (start_key, series, own_high))
    lowest_high = _scan(sorted_high[::-1], start_series[::-1], np.minimum)[::-1]
    after = np.minimum(np.searchsorted(starts, end_key, side="right"), len(rows) - 1)
    same_after = (starts[after] > end_key) & (start_series[after] == series)
    ceiling = np.where(same_after, lowest_high[after], np.inf)
    fell = np.flatnonzero(floor > own_high)
    earlier = rows[_take(np.arange(len(rows)), by_end)[at[before[fell]]]]
    low[rows] = np.maximum(own_low, floor)
    high[rows] = np.minimum(own_high, ceiling)
    return earlier, rows[fell], np.full(len(fell), "fall", dtype=object)


def _order(key: np.ndarray) -> np.ndarray | None:
    """The stable order that sorts ``key``; None when it is sorted already."""
    if bool(np.all(key[1:] >= key[:-1])):
        return None
    return np.argsort(key, kind="stable")


def _take(column: np.ndarray, order: np.ndarray | None) -> np.ndarray:
    """``column`` in ``order`` (as it is for None)."""
    return column if order is None else column[order]


def _scan(values: np.ndarray, groups: np.ndarray, how: np.ufunc) -> np.ndarray:
    """The running ``how`` (maximum, minimum) of ``values`` within each run of equal ``groups``.

    A scan by doubling: each pass folds in the value ``step`` rows back, so a run of length
    L takes log2(L) passes over the whole column.
    """
    out = values.copy()
    step = 1
    while step < len(out):
        same = groups[step:] == groups[:-step]
        if not same.any():
            break
        out[step:] = np.where(same, how(out[step:], out[:-step]), out[step:])
        step *= 2
    return out


def _nested_flows(
    series: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    rows: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flows over nested periods: tighten (in place); each part above its whole, as (part, whole) rows."""
    if len(rows) < 2:  # no flow to nest in another (most tables give stocks only)
        none = np.zeros(0, dtype=np.int64)
        return none, none, np.zeros(0, dtype=object)
    table = pd.DataFrame({"series": series, "first": first, "last": last, "row": rows})
    pairs = table.merge(table, on="series", suffixes=("_part", "_whole"))
    inside = (
        (pairs["first_whole"] <= pairs["first_part"])
        & (pairs["last_part"] <= pairs["last_whole"])
        & (pairs["row_part"] != pairs["row_whole"])
    )
    pairs = pairs[inside.to_numpy(dtype=bool)]
    part = pairs["row_part"].to_numpy(dtype=np.int64)
    whole = pairs["row_whole"].to_numpy(dtype=np.int64)
    above = low[part] > high[whole]
    most = pd.Series(high[whole]).groupby(part).min()
    least = pd.Series(low[part]).groupby(whole).max()
    high[most.index.to_numpy()] = np.minimum(high[most.index.to_numpy()], most.to_numpy())
    low[least.index.to_numpy()] = np.maximum(low[least.index.to_numpy()], least.to_numpy())
    return part[above], whole[above], np.full(int(above.sum()), "part", dtype=object)


def _binding_claims(
    claims: pd.DataFrame, claim_estimate: np.ndarray, estimates: np.ndarray, end: str
) -> np.ndarray:
    """Per estimate row given, its kept claim whose ``end`` bounds its range.

    The ``low`` end: the claim with the highest low; the ``high`` end: the lowest high.
    """
    wanted = np.zeros(int(claim_estimate.max(initial=-1)) + 2, dtype=bool)
    wanted[estimates] = True  # (the last place stands for -1: no estimate, never wanted)
    rows = np.flatnonzero(claims["kept"].to_numpy(dtype=bool) & wanted[claim_estimate])
    values = claims[end].iloc[rows].to_numpy(dtype=float)
    order = np.lexsort((-values if end == "low" else values, claim_estimate[rows]))
    chosen = rows[order]
    firsts = np.unique(claim_estimate[chosen], return_index=True)
    binding = pd.Series(chosen[firsts[1]], index=firsts[0])
    return binding.reindex(estimates).to_numpy(dtype=np.int64)


def _conflicts(
    estimates: pd.DataFrame,
    claims: pd.DataFrame,
    claim_estimate: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> pd.DataFrame:
    """The temporal conflicts: two rows each (the earlier or part claim, then the other), worded."""
    first_q, second_q, kind = pairs
    columns = ["number", "claim", "estimate", "message"]
    if not len(first_q):
        return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
    fall = kind == "fall"
    # A fall rests on the earlier total's lowest value and the later one's highest; a part
    # above its whole on the part's lowest value and the whole's highest.
    one = _binding_claims(claims, claim_estimate, first_q, "low")
    other = _binding_claims(claims, claim_estimate, second_q, "high")
    both = np.concatenate([one, other])
    picked = claims.iloc[both].reset_index(drop=True)
    ends = tuple(picked[end].to_numpy(dtype=float) for end in ("low", "value", "high"))
    units = Coded(picked["unit"].to_numpy(dtype=object), np.arange(len(both)))
    said = worded(picked, np.arange(len(both)), ends, units)
    first_said, second_said = said[: len(one)], said[len(one) :]
    dates = estimates["as_of"] if "as_of" in estimates else pd.Series("", index=estimates.index)
    first_as_of = dates.iloc[first_q].to_numpy(dtype=object)
    second_as_of = dates.iloc[second_q].to_numpy(dtype=object)
    low_text = format_numbers(estimates["low"].to_numpy(dtype=float)[first_q], "down")
    high_text = format_numbers(estimates["high"].to_numpy(dtype=float)[second_q], "up")
    message = np.where(
        fall,
        "a running total falls: "
        + first_said
        + " as of "
        + first_as_of
        + "; "
        + second_said
        + " as of "
        + second_as_of
        + "; the later figure is at most "
        + high_text
        + ", below the earlier one's lowest, "
        + low_text,
        "a part of a period counts more than the whole: "
        + first_said
        + " over "
        + first_as_of
        + "; "
        + second_said
        + " over "
        + second_as_of
        + "; the part is at least "
        + low_text
        + ", above the whole's highest, "
        + high_text,
    )
    number = np.arange(1, len(first_q) + 1)
    return pd.DataFrame(
        {
            "number": np.concatenate([number, number]),
            "claim": both,
            "estimate": np.concatenate([first_q, second_q]),
            "message": np.concatenate([message, message]),
        }
    ).sort_values(["number", "claim"], kind="stable", ignore_index=True)


def claim_estimates(claims: pd.DataFrame, estimates: pd.DataFrame, key: tuple[str, ...]) -> np.ndarray:
    """Per claim, the row of its quantity's estimate (-1 for none)."""
    index = estimates[list(key)].assign(_estimate=np.arange(len(estimates)))
    matched = claims[list(key)].merge(index, on=list(key), how="left")
    return matched["_estimate"].fillna(-1).to_numpy(dtype=np.int64)


def apply(found: Consensus, checks: bool = True) -> Consensus:
    """The time step of :func:`reconcile.reconcile`: tightened ranges, lags and temporal conflicts.

    The estimates gain ``low_tight`` and ``high_tight`` (what time allows; relations tighten
    them further), ``lag_days`` and ``measure``; the conflicts gain those of kind ``temporal``. With
    ``checks=False`` nothing is checked or tightened; the lag is still given.

    Raises:
        ArgumentError: ``checks`` is not a bool.
        ClaimsError: the claims of one quantity give different measures or phases.

    Examples:
        >>> import reconcile as rc
        >>> from reconcile.consensus import estimate
        >>> claims = rc.to_claims([
        ...     rc.Figure.between(500_000, 540_000, counts="arrivals", as_of="2017-10-20", source="ISCG"),
        ...     rc.Figure.between(480_000, 560_000, counts="arrivals", as_of="2017-09-30", source="IOM"),
        ... ]).assign(measure="cumulative")
        >>> timed = apply(estimate(claims, key=("counts", "as_of")))
        >>> timed.estimates[["as_of", "low", "high", "low_tight", "high_tight"]]
                as_of       low       high  low_tight  high_tight
        0  2017-09-30  480000.0  560000.0   480000.0    540000.0
        1  2017-10-20  500000.0  540000.0   500000.0    540000.0

        By 30 September there cannot have been more arrivals than by 20 October.

    """
    if not isinstance(checks, bool):
        raise ArgumentError(
            f"time_checks must be True or False (got {checks!r})",
            hint="pass time_checks=False to leave out the checks across time",
            reason=Reason.BAD_ARGUMENT,
        )
    estimates, claims, key = found.estimates, found.claims, found.key
    claim_estimate = (
        found.claim_estimate if found.claim_estimate is not None else claim_estimates(claims, estimates, key)
    )
    timed = check_time(estimates, claims, key, claim_estimate)
    if not checks:
        return found._replace(
            estimates=estimates.assign(
                low_tight=estimates["low"],
                high_tight=estimates["high"],
                lag_days=timed.lag_days,
                measure=timed.measure,
            )
        )
    estimates = estimates.assign(
        low_tight=timed.low, high_tight=timed.high, lag_days=timed.lag_days, measure=timed.measure
    )
    conflicts = found.conflicts
    rows = timed.conflicts
    if len(rows):
        # Conflicts are numbered C1, C2 ... in one run: the time step's follow those already found.
        number = rows["number"].to_numpy(dtype=np.int64) + conflicts["conflict_id"].nunique()
        found_rows = pd.concat(
            [
                pd.DataFrame({"conflict_id": "C" + pd.Series(number).astype(str), "kind": "temporal"}),
                claims[["claim_id", *key]]
                .iloc[rows["claim"].to_numpy(dtype=np.int64)]
                .reset_index(drop=True),
                rows[["message"]].reset_index(drop=True),
            ],
            axis=1,
        )
        conflicts = check_built(
            Conflicts,
            pd.concat(
                [conflicts, found_rows.astype({"conflict_id": "str", "kind": "str", "message": "str"})],
                ignore_index=True,
            ),
        )
    return found._replace(estimates=estimates, conflicts=conflicts)
