"""Numeric kernels for the probabilistic reading of derived totals.

:func:`probable_sum` answers, on whole arrays at once: if each reported range is read as a
central 90% interval of a random quantity, where does a weighted sum of such quantities
probably lie? This is the *probabilistic* reading of a derived total, offered beside the
sound interval (which it never leaves) and never in place of it.

:func:`sigma_from_range` turns a range into the normal standard deviation that this reading
and the least-squares adjustment (:mod:`reconcile._adjustment`) both use. The functions take
and return plain NumPy arrays; the table-level wrappers in ``reconcile.relations`` give them
names, units and lineage.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from reconcile.errors import ArgumentError, RangeError, Reason

__all__ = ["RANGE_LEVEL", "float_array", "probable_sum", "same_length", "sigma_from_range"]

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

#: The probability a reported range is read to hold in :func:`probable_sum`, and by
#: default in :func:`sigma_from_range`.
RANGE_LEVEL = 0.90


def float_array(values: npt.ArrayLike, name: str) -> Floats:
    """``values`` as a float array, or an :class:`ArgumentError` naming the argument."""
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ArgumentError(
            f"{name} must hold numbers (got {type(values).__name__})",
            hint=f"pass {name} as a sequence or array of floats",
            argument=name,
            reason=Reason.NOT_A_NUMBER,
        ) from exc


def same_length(n_expected: int | None, **named: Floats) -> int:
    """Check that every named array is one-dimensional and of one length; return it."""
    length = n_expected
    first = None
    for name, array in named.items():
        if array.ndim != 1:
            raise ArgumentError(
                f"{name} must be one-dimensional (got shape {array.shape})",
                hint=f"pass {name} as a flat array, one entry per row",
                argument=name,
                reason=Reason.SHAPE_MISMATCH,
            )
        if length is None:
            length, first = len(array), name
        elif len(array) != length:
            against = f"{first} has {length}" if first else f"expected {length}"
            raise ArgumentError(
                f"{name} has {len(array)} entries but {against}",
                hint="pass arrays of one length, one entry per row",
                argument=name,
                reason=Reason.SHAPE_MISMATCH,
            )
    return length or 0


def _check_level(level: float, name: str = "level") -> float:
    """``level`` when it is a probability strictly between 0 and 1, else an :class:`ArgumentError`."""
    if not 0.0 < level < 1.0:
        raise ArgumentError(
            f"{name} must lie strictly between 0 and 1 (got {level!r})",
            hint="pass a probability such as 0.90",
            argument=name,
            reason=Reason.BAD_PROBABILITY,
        )
    return float(level)


def _check_ranges(low: Floats, high: Floats) -> None:
    """Every row needs ``low <= high``, no NaN, and no end open on the wrong side."""
    bad = np.isnan(low) | np.isnan(high) | (low > high) | (low == np.inf) | (high == -np.inf)
    if bad.any():
        rows = np.flatnonzero(bad)
        row = int(rows[0])
        raise RangeError(
            f"row {row} has no valid range (got low={low[row]:g}, high={high[row]:g}); "
            f"{len(rows)} row(s) in all",
            hint="give each row low <= high, with -inf/inf only for an open end",
            low=float(low[row]),
            high=float(high[row]),
            row=row,
            rows=tuple(int(r) for r in rows[:20]),
            reason=Reason.RANGE_ORDER,
        )


def _two_sided_z(level: float) -> float:
    """The ``z`` for which ``[-z, z]`` holds ``level`` of a standard normal."""
    from scipy import stats

    return float(stats.norm.isf((1.0 - level) / 2.0))


def sigma_from_range(low: npt.ArrayLike, high: npt.ArrayLike, level: float = RANGE_LEVEL) -> Floats:
    """The normal standard deviation for which ``[low, high]`` is the central ``level`` interval.

    A range read as a 90% interval of a normal quantity has a standard deviation of its
    width over ``2 × 1.645``. An open end (``-inf`` or ``inf``) gives ``inf`` (nothing is
    known on that side); an exact figure (``low == high``) gives 0.

    Args:
        low: the lower ends; ``-inf`` for an open end.
        high: the upper ends; ``inf`` for an open end. Broadcast against ``low``.
        level: the probability the range is read to hold.

    Returns:
        The standard deviations, one per range, as floats.

    Raises:
        RangeError: a range with NaN, ``low > high``, or an end open on the wrong side.
        ArgumentError: ``level`` outside (0, 1).

    Examples:
        >>> from reconcile._stats import sigma_from_range
        >>> sigma_from_range([4500, 7000, 9606], [5500, float("inf"), 9606]).round(1)
        array([304., inf,  0.])
        >>> float(sigma_from_range(-1.0, 1.0, level=0.6827).round(3))
        1.0

    """
    level = _check_level(level)
    low_a, high_a = np.broadcast_arrays(float_array(low, "low"), float_array(high, "high"))
    _check_ranges(np.atleast_1d(low_a), np.atleast_1d(high_a))
    with np.errstate(invalid="ignore"):
        width = high_a - low_a
    sigma = np.where(np.isfinite(width), width / (2.0 * _two_sided_z(level)), np.inf)
    return np.asarray(np.where(low_a == high_a, 0.0, sigma), dtype=np.float64)


def _group_sum(values: Floats, group: npt.NDArray[np.intp], n_groups: int) -> Floats:
    """Per-group sums that keep infinite terms infinite (a sum of -inf and +inf is NaN)."""
    finite = np.isfinite(values)
    total = np.bincount(group, weights=np.where(finite, values, 0.0), minlength=n_groups).astype(np.float64)
    below = np.bincount(group, weights=values == -np.inf, minlength=n_groups) > 0
    above = np.bincount(group, weights=values == np.inf, minlength=n_groups) > 0
    total[below] = -np.inf
    total[above] = np.inf
    total[below & above] = np.nan
    return total


def probable_sum(
    low: npt.ArrayLike,
    value: npt.ArrayLike,
    high: npt.ArrayLike,
    coef: npt.ArrayLike,
    group: npt.ArrayLike,
    n_groups: int,
    level: float = RANGE_LEVEL,
) -> tuple[Floats, Floats]:
    """Where each group's weighted sum probably lies, reading every range as a central interval.

    Row ``i`` is a term ``coef[i] × X[i]`` of the sum of group ``group[i]``. Each ``X[i]`` is
    read as a random quantity whose central 90% interval (:data:`RANGE_LEVEL`) is
    ``[low[i], high[i]]``:

    - **lognormal** when ``low > 0``, fitted to the two ends (its median is their geometric
      mean), so a count is never negative and a wide range is skewed upward as counts are;
    - **normal** when ``low <= 0``, centred on the middle of the range;
    - **a point mass** when ``low == high`` (an exact figure).

    ``value`` is not used: a two-parameter law is fixed by the two ends, and the reported
    value lies between them. The quantities are taken to be **independent** (errors of
    different sources do not move together; a shared bias would make the true interval
    wider). Each group's sum is then summarised by its exact mean and variance, and read as
    a lognormal with that mean and variance when all its terms are positive (the
    Fenton–Wilkinson approximation), as a mirrored lognormal when all are negative, and
    as a normal otherwise. For sums of a few to many lognormals the central interval this
    gives is typically within a few percent of the exact one (the tests hold it to a Monte
    Carlo run).

    A term with an open end makes the sum open on that side (with the sign of its
    coefficient); on its closed side it counts at its closed end, as in the sound sum.
    Where the moments overflow (a range spanning hundreds of orders of magnitude), that
    side says no more than the sound sum. Finally each interval is clipped into the
    **sound** interval
    ``[Σ min(coef·low, coef·high), Σ max(coef·low, coef·high)]``, so the probable reading
    never claims a value the ranges rule out. (That sound interval is summed in floats here;
    a caller holding an exactly rounded one can clip into it once more to make the
    containment exact to the last bit.)

    ``level`` is the probability of the returned interval only: the input ranges are read
    as 90% intervals whatever it is, so a lower ``level`` gives a narrower interval.

    Args:
        low: each term's lower end; ``-inf`` for an open end.
        value: each term's reported value (accepted with the row; not used).
        high: each term's upper end; ``inf`` for an open end.
        coef: each term's finite coefficient in its sum.
        group: each term's sum, an integer in ``range(n_groups)``.
        n_groups: the number of sums; a group without terms sums to exactly 0.
        level: the probability of each returned interval.

    Returns:
        ``(low, high)`` of every group's central ``level`` interval, arrays of ``n_groups``.

    Raises:
        ArgumentError: arrays of different lengths, a group outside ``range(n_groups)``, a
            coefficient that is not finite, or ``level`` outside (0, 1).
        RangeError: a range with NaN or ``low > high``.

    Examples:
        Twenty figures of "between 1,000 and 3,000" each: the sound total runs from 20,000
        to 60,000, but if the ranges are 90% intervals, errors in different figures partly
        cancel and the total probably lies in a much narrower band:

        >>> import numpy as np
        >>> from reconcile._stats import probable_sum
        >>> low, high = np.full(20, 1000.0), np.full(20, 3000.0)
        >>> lo, hi = probable_sum(low, (low + high) / 2, high, np.ones(20), np.zeros(20, int), 1)
        >>> print(f"{lo[0]:,.0f} to {hi[0]:,.0f}")
        32,192 to 41,430

        One term with coefficient 1 gives its own range back; an exact figure gives a point;
        an open term leaves its side open:

        >>> lo, hi = probable_sum([4500, 9606, 7000], [5000, 9606, 7000],
        ...                       [5500, 9606, float("inf")], [1, 1, 1], [0, 1, 2], 3)
        >>> lo.round(6), hi.round(6)
        (array([4500., 9606., 7000.]), array([5500., 9606.,   inf]))

    """
    level = _check_level(level)
    low_a, value_a, high_a, coef_a = (
        float_array(a, name) for a, name in ((low, "low"), (value, "value"), (high, "high"), (coef, "coef"))
    )
    group_a = np.asarray(group)
    n_rows = same_length(None, low=low_a, value=value_a, high=high_a, coef=coef_a)
    same_length(n_rows, group=group_a)
    groups = _check_groups(group_a, n_groups)
    _check_ranges(low_a, high_a)
    if not np.isfinite(coef_a).all():
        row = int(np.flatnonzero(~np.isfinite(coef_a))[0])
        raise ArgumentError(
            f"coef[{row}] is {coef_a[row]:g}",
            hint="give every term a finite coefficient",
            argument="coef",
            row=row,
            reason=Reason.NOT_FINITE,
        )
    z = _two_sided_z(level)

    absent = coef_a == 0.0
    with np.errstate(invalid="ignore"):
        scaled_low, scaled_high = coef_a * low_a, coef_a * high_a
    term_low = np.where(absent, 0.0, np.minimum(scaled_low, scaled_high))
    term_high = np.where(absent, 0.0, np.maximum(scaled_low, scaled_high))
    sound_low = _group_sum(term_low, groups, n_groups)
    sound_high = _group_sum(term_high, groups, n_groups)

    closed = (np.isfinite(low_a) & np.isfinite(high_a)) | absent
    has_law = closed & ~absent
    point = has_law & (low_a == high_a)
    lognormal = has_law & ~point & (low_a > 0)
    normal = has_law & ~point & ~lognormal
    mean, variance = _term_moments(low_a, high_a, point, lognormal, normal, _two_sided_z(RANGE_LEVEL))
    term_mean = np.where(absent, 0.0, coef_a * mean)
    term_variance = np.where(absent, 0.0, coef_a**2 * variance)

    def count(mask: Bools) -> Floats:
        return np.bincount(groups, weights=mask & ~absent, minlength=n_groups).astype(np.float64)

    positive = count((lognormal & (coef_a > 0)) | (point & (scaled_low > 0)))
    negative = count((lognormal & (coef_a < 0)) | (point & (scaled_low < 0)))
    normals = count(normal)  # an exact zero is neutral: it adds nothing to either law
    sum_mean = np.bincount(groups, weights=np.where(closed, term_mean, 0.0), minlength=n_groups)
    sum_variance = np.bincount(groups, weights=np.where(closed, term_variance, 0.0), minlength=n_groups)
    all_positive = (positive > 0) & (negative == 0) & (normals == 0) & (sum_mean > 0)
    all_negative = (negative > 0) & (positive == 0) & (normals == 0) & (sum_mean < 0)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        spread = np.sqrt(sum_variance)
        probable_low, probable_high = sum_mean - z * spread, sum_mean + z * spread
        magnitude = np.abs(sum_mean)
        log_variance = np.log1p(sum_variance / magnitude**2)
        log_median = np.log(magnitude) - log_variance / 2
        log_spread = np.sqrt(log_variance)
        near = np.exp(log_median - z * log_spread)
        far = np.exp(log_median + z * log_spread)
    probable_low = np.where(all_positive, near, np.where(all_negative, -far, probable_low))
    probable_high = np.where(all_positive, far, np.where(all_negative, -near, probable_high))

    # Moments overflow for ranges spanning hundreds of orders of magnitude: say no more
    # than the sound interval there.
    probable_low = np.where(np.isnan(probable_low), -np.inf, probable_low)
    probable_high = np.where(np.isnan(probable_high), np.inf, probable_high)
    # Open terms count at their closed end (or make the side open), as in the sound sum.
    with np.errstate(invalid="ignore"):
        probable_low = probable_low + _group_sum(np.where(closed, 0.0, term_low), groups, n_groups)
        probable_high = probable_high + _group_sum(np.where(closed, 0.0, term_high), groups, n_groups)
    low_end = np.asarray(np.clip(probable_low, sound_low, sound_high), dtype=np.float64)
    high_end = np.asarray(np.clip(probable_high, sound_low, sound_high), dtype=np.float64)
    return low_end, high_end


def _check_groups(group: npt.NDArray[Any], n_groups: int) -> npt.NDArray[np.intp]:
    if isinstance(n_groups, bool) or not isinstance(n_groups, int | np.integer) or n_groups < 0:
        raise ArgumentError(
            f"n_groups must be a non-negative integer (got {n_groups!r})",
            hint="pass the number of sums",
            argument="n_groups",
            reason=Reason.BAD_ARGUMENT,
        )
    if group.size and not np.issubdtype(group.dtype, np.integer):
        raise ArgumentError(
            f"group must hold integers (got dtype {group.dtype})",
            hint="number the sums 0, 1, 2, ... (pandas: .cat.codes or pd.factorize)",
            argument="group",
            reason=Reason.BAD_ARGUMENT,
        )
    outside = (group < 0) | (group >= n_groups)
    if outside.any():
        row = int(np.flatnonzero(outside)[0])
        raise ArgumentError(
            f"group[{row}] is {int(group[row])}, outside range({n_groups})",
            hint="number the sums 0 to n_groups - 1",
            argument="group",
            row=row,
            reason=Reason.BAD_ARGUMENT,
        )
    return group.astype(np.intp, copy=False)


def _term_moments(
    low: Floats, high: Floats, point: Bools, lognormal: Bools, normal: Bools, z: float
) -> tuple[Floats, Floats]:
    """Exact mean and variance of each closed term's law (zero where a row has none)."""
    mean = np.where(point, low, 0.0)
    variance = np.zeros_like(low)
    log_low, log_high = np.log(low[lognormal]), np.log(high[lognormal])
    log_median = (log_low + log_high) / 2
    log_variance = ((log_high - log_low) / (2 * z)) ** 2
    with np.errstate(over="ignore", invalid="ignore"):
        mean[lognormal] = np.exp(log_median + log_variance / 2)
        variance[lognormal] = np.expm1(log_variance) * np.exp(2 * log_median + log_variance)
        mean[normal] = (low[normal] + high[normal]) / 2
        variance[normal] = ((high[normal] - low[normal]) / (2 * z)) ** 2  # inf past 1e154: said below
    return mean, variance
