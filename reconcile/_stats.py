"""Numeric kernels for the probabilistic reading of totals and for data reconciliation.

Two questions about figures tied together by linear relations are answered here, on whole
arrays at once:

- :func:`probable_sum`: if each reported range is read as a central 90% interval of a random
  quantity, where does a weighted sum of such quantities probably lie? This is the
  *probabilistic* reading of a derived total, offered beside the sound interval (which it
  never leaves) and never in place of it.
- :func:`adjust_linear`: the values closest to the claims (in standard deviations) that
  satisfy the relations exactly, with the global chi-square test and each claim's
  standardized adjustment: weighted least-squares data reconciliation.

:func:`sigma_from_range` turns a range into the normal standard deviation both use.

The functions take and return plain NumPy arrays; the table-level wrappers in
``reconcile.relations`` give them names, units and lineage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from reconcile.errors import ArgumentError, RangeError

__all__ = ["RANGE_LEVEL", "LinearAdjustment", "adjust_linear", "probable_sum", "sigma_from_range"]

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

#: The probability a reported range is read to hold in :func:`probable_sum`, and by
#: default in :func:`sigma_from_range`.
RANGE_LEVEL = 0.90

#: Relative size of the regularisation of the KKT system in :func:`adjust_linear` (after
#: each relation is scaled to a largest coefficient of 1). Small enough that its bias on the
#: adjustment variances is far below their own precision, large enough to keep the sparse
#: factorisation well defined when relations are redundant.
_REGULARISATION = 1e-10
_MAX_REFINEMENTS = 40
#: A constraint counts as met when it holds to this share of the size of its terms.
_CONSTRAINT_TOLERANCE = 1e-9
#: A free variable is undetermined when this share of it (squared) lies in directions no
#: relation constrains; the regularised inverse is ``1/ρ`` times that share.
_UNDETERMINED = 1e-3
#: Unit vectors solved per batch when the diagonal of the inverse is computed.
_BATCH = 64


def _float_array(values: npt.ArrayLike, name: str) -> Floats:
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ArgumentError(
            f"{name} must hold numbers (got {type(values).__name__})",
            hint=f"pass {name} as a sequence or array of floats",
            argument=name,
        ) from exc


def _vectors(n_expected: int | None, **named: Floats) -> int:
    """Check that every named array is one-dimensional and of one length; return it."""
    length = n_expected
    first = None
    for name, array in named.items():
        if array.ndim != 1:
            raise ArgumentError(
                f"{name} must be one-dimensional (got shape {array.shape})",
                hint=f"pass {name} as a flat array, one entry per row",
                argument=name,
            )
        if length is None:
            length, first = len(array), name
        elif len(array) != length:
            against = f"{first} has {length}" if first else f"expected {length}"
            raise ArgumentError(
                f"{name} has {len(array)} entries but {against}",
                hint="pass arrays of one length, one entry per row",
                argument=name,
            )
    return length or 0


def _check_level(level: float, name: str = "level") -> float:
    if not 0.0 < level < 1.0:
        raise ArgumentError(
            f"{name} must lie strictly between 0 and 1 (got {level!r})",
            hint="pass a probability such as 0.90",
            argument=name,
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
    low_a, high_a = np.broadcast_arrays(_float_array(low, "low"), _float_array(high, "high"))
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
        _float_array(a, name) for a, name in ((low, "low"), (value, "value"), (high, "high"), (coef, "coef"))
    )
    group_a = np.asarray(group)
    n_rows = _vectors(None, low=low_a, value=value_a, high=high_a, coef=coef_a)
    _vectors(n_rows, group=group_a)
    groups = _check_groups(group_a, n_groups)
    _check_ranges(low_a, high_a)
    if not np.isfinite(coef_a).all():
        row = int(np.flatnonzero(~np.isfinite(coef_a))[0])
        raise ArgumentError(
            f"coef[{row}] is {coef_a[row]:g}",
            hint="give every term a finite coefficient",
            argument="coef",
            row=row,
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
        )
    if group.size and not np.issubdtype(group.dtype, np.integer):
        raise ArgumentError(
            f"group must hold integers (got dtype {group.dtype})",
            hint="number the sums 0, 1, 2, ... (pandas: .cat.codes or pd.factorize)",
            argument="group",
        )
    outside = (group < 0) | (group >= n_groups)
    if outside.any():
        row = int(np.flatnonzero(outside)[0])
        raise ArgumentError(
            f"group[{row}] is {int(group[row])}, outside range({n_groups})",
            hint="number the sums 0 to n_groups - 1",
            argument="group",
            row=row,
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


@dataclass(frozen=True, slots=True, eq=False)
class LinearAdjustment:
    """What :func:`adjust_linear` found: adjusted values and the tests of the claims.

    Attributes:
        values: the adjusted values, one per variable; they satisfy the relations. NaN for a
            free variable (``sigma = inf``) that the relations do not determine.
        adjustment: ``values - x``; 0 for exact figures, NaN where ``x`` or the value is NaN.
        standardized: each adjustment over its standard deviation under the model (the
            "measurement test" statistic); 0 for exact figures and for figures no relation
            can adjust, NaN for free variables.
        chi2: the global test statistic, ``Σ (adjustment / sigma)²`` over measured figures,
            equal to ``rᵀ (A V Aᵀ)⁻¹ r`` with ``r = A x - b``.
        dof: its degrees of freedom: the number of independent relations left once the free
            variables are eliminated (the redundancy).
        p_value: the chance of a ``chi2`` at least this large if every claim were right up
            to its noise; NaN when ``dof`` is 0 (nothing to test).
        flagged: figures whose ``|standardized|`` exceeds ``critical``.
        critical: the two-sided normal quantile at ``alpha`` shared among the testable
            figures (Bonferroni), above which a figure is flagged.

    Examples:
        >>> from reconcile._stats import adjust_linear
        >>> result = adjust_linear([110.0, 50.0, 40.0], [10.0, 5.0, 5.0], [[1, -1, -1]], [0.0])
        >>> result.values.round(2), round(result.chi2, 3), result.dof
        (array([96.67, 53.33, 43.33]), 2.667, 1)

    """

    values: Floats
    adjustment: Floats
    standardized: Floats
    chi2: float
    dof: int
    p_value: float
    flagged: Bools
    critical: float


def _sparse_rows(matrix: Any, n_variables: int, n_relations: int) -> Any:
    """``A`` as a float CSR matrix of the expected shape, or an :class:`ArgumentError`."""
    from scipy import sparse

    try:
        rows = sparse.csr_matrix(matrix, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ArgumentError(
            f"A must be a matrix of numbers (got {type(matrix).__name__})",
            hint="pass A as a scipy.sparse matrix or a 2-D array, one row per relation",
            argument="A",
        ) from exc
    if rows.shape != (n_relations, n_variables):
        raise ArgumentError(
            f"A has shape {rows.shape}, but x has {n_variables} entries and b {n_relations}",
            hint="give A one row per entry of b and one column per entry of x",
            argument="A",
        )
    if not np.isfinite(rows.data).all():
        raise ArgumentError(
            "A holds a coefficient that is not finite",
            hint="give every relation finite coefficients",
            argument="A",
        )
    return rows


def _check_claims(x: Floats, sigma: Floats, b: Floats) -> None:
    bad_sigma = np.isnan(sigma) | (sigma < 0)
    if bad_sigma.any():
        row = int(np.flatnonzero(bad_sigma)[0])
        raise RangeError(
            f"sigma[{row}] is {sigma[row]:g}",
            hint="give each figure a standard deviation >= 0: 0 for exact, inf for unknown",
            row=row,
            sigma=float(sigma[row]),
        )
    bad_x = ~np.isfinite(x) & np.isfinite(sigma)
    if bad_x.any():
        row = int(np.flatnonzero(bad_x)[0])
        raise RangeError(
            f"x[{row}] is {x[row]:g} but its sigma is {sigma[row]:g}",
            hint="give every measured figure a finite value, or sigma=inf for an unknown one",
            row=row,
            value=float(x[row]),
        )
    if not np.isfinite(b).all():
        row = int(np.flatnonzero(~np.isfinite(b))[0])
        raise ArgumentError(
            f"b[{row}] is {b[row]:g}",
            hint="give every relation a finite right-hand side",
            argument="b",
            row=row,
        )


def _inconsistent(residual: Floats, scale: Floats) -> RangeError:
    off = np.flatnonzero(np.abs(residual) > _CONSTRAINT_TOLERANCE * scale)
    worst = off[np.argsort(-np.abs(residual[off]) / scale[off], kind="stable")][:5]
    listed = ", ".join(f"relation {int(i)} off by {residual[i]:g}" for i in worst)
    return RangeError(
        f"no values satisfy all relations together ({listed})",
        hint="relations that repeat each other must agree, and exact figures (sigma=0) cannot "
        "move: give an exact figure a range, or check the relations",
        rows=tuple(int(i) for i in off[:20]),
    )


def adjust_linear(
    x: npt.ArrayLike,
    sigma: npt.ArrayLike,
    A: Any,  # noqa: N803 - the matrix of the relations, named as in the literature
    b: npt.ArrayLike,
    *,
    alpha: float = 0.05,
) -> LinearAdjustment:
    r"""Weighted least-squares data reconciliation with the global and measurement tests.

    Finds the values ``x̂`` that satisfy the linear relations ``A x̂ = b`` exactly and are
    closest to the claimed values ``x`` in standard deviations, minimising
    ``Σ ((x̂_i - x_i) / sigma_i)²``. With ``V = diag(sigma²)`` and ``r = A x - b`` the answer
    is ``x̂ = x - V Aᵀ (A V Aᵀ)⁻¹ r``. The model: each claim is its true value plus an
    independent normal error of standard deviation ``sigma``; the relations hold exactly.

    - ``sigma = 0``: an exact figure, never adjusted.
    - ``sigma = inf``: a free variable (no claim, or an open range), set by the relations;
      its ``x`` may be NaN. If the relations do not determine it, its value is NaN.
    - Redundant relations (rows of ``A`` that follow from others) are allowed: they add no
      degrees of freedom and do not change the answer.

    Method: the free variables and the multipliers are solved together with the
    adjustments in one sparse KKT system, after scaling each figure by its ``sigma`` and
    each relation to a largest coefficient of 1. A tiny regularisation (``1e-10`` on the
    diagonal) makes the system quasi-definite, so a sparse LU (SuperLU) factorises it even
    when relations are redundant; iterative refinement with the same factors then removes
    the regularisation's effect on the values (the proximal method of multipliers), to
    round-off. The diagonal of the inverse, solved in batches of unit vectors that share no
    connected component, gives each adjustment's variance; its trace is the redundancy.

    The tests: ``chi2 = rᵀ (A V Aᵀ)⁻¹ r`` follows a chi-square law with ``dof`` degrees of
    freedom if every claim is right up to its noise (``p_value``). A claim is flagged when
    its standardized adjustment exceeds the two-sided normal quantile for ``alpha``,
    Bonferroni-shared among the claims that some relation can adjust, so that with many
    claims an innocent one is flagged with chance at most ``alpha`` in all. A flagged claim
    is suspect, not proven wrong: a gross error spreads into the claims that share its
    relations, and the largest standardized adjustment is the likeliest culprit.

    Args:
        x: the claimed values, one per variable.
        sigma: their standard deviations (>= 0; 0 exact, ``inf`` free); see
            :func:`sigma_from_range`.
        A: the relations' coefficients, ``m × n``, a ``scipy.sparse`` matrix or a 2-D array.
        b: the relations' right-hand sides, ``m``.
        alpha: the chance of flagging any claim when all are right.

    Returns:
        The adjusted values and the tests, as a :class:`LinearAdjustment`.

    Raises:
        ArgumentError: shapes that do not match, non-finite coefficients, ``alpha`` outside
            (0, 1).
        RangeError: a negative or NaN ``sigma``, a measured figure without a finite value, or
            relations that no values satisfy (they contradict each other, or the exact
            figures).

    Examples:
        Foreign troops are U.S. plus coalition troops, and all three were reported:

        >>> from reconcile._stats import adjust_linear, sigma_from_range
        >>> x = [9500.0, 5000.0, 3600.0]      # foreign, U.S., coalition
        >>> sigma = sigma_from_range([8500, 4500, 3400], [10500, 5500, 3800])
        >>> result = adjust_linear(x, sigma, [[1, -1, -1]], [0.0])
        >>> result.values.round()
        array([8802., 5174., 3628.])
        >>> round(result.chi2, 2), result.dof, round(result.p_value, 3)
        (1.7, 1, 0.192)
        >>> result.flagged
        array([False, False, False])

    """
    from scipy import sparse

    if not 0.0 < alpha < 1.0:
        raise ArgumentError(
            f"alpha must lie strictly between 0 and 1 (got {alpha!r})",
            hint="pass a small probability such as 0.05",
            argument="alpha",
        )
    x_a, sigma_a, b_a = _float_array(x, "x"), _float_array(sigma, "sigma"), _float_array(b, "b")
    n = _vectors(None, x=x_a, sigma=sigma_a)
    m = _vectors(None, b=b_a)
    rows = _sparse_rows(A, n, m)
    _check_claims(x_a, sigma_a, b_a)

    exact = sigma_a == 0
    free = np.isinf(sigma_a)
    measured = ~exact & ~free
    base = np.where(np.isfinite(x_a), x_a, 0.0)
    residual = rows @ base - b_a
    scale = abs(rows) @ np.abs(base) + np.abs(b_a)

    columns = rows.tocsc()
    weighted = (columns[:, measured] @ sparse.diags(sigma_a[measured])).tocsr()
    weighted_size = _row_max(weighted)
    free_scale = _free_scales(columns[:, free], weighted_size)
    unknown = (columns[:, free] @ sparse.diags(free_scale)).tocsr()
    row_size = np.maximum(weighted_size, _row_max(unknown))

    idle = row_size == 0
    if (np.abs(residual[idle]) > _CONSTRAINT_TOLERANCE * scale[idle]).any():
        raise _inconsistent(np.where(idle, residual, 0.0), scale)
    active = ~idle
    shrink = sparse.diags(1.0 / row_size[active])
    solution, diagonal = _solve_kkt(
        (shrink @ weighted[active]).tocsr(),
        (shrink @ unknown[active]).tocsr(),
        -residual[active] / row_size[active],
    )

    n_measured = int(measured.sum())
    step = solution[:n_measured]
    values = x_a.copy()
    values[measured] = x_a[measured] + sigma_a[measured] * step
    values[free] = base[free] + free_scale * solution[n_measured:]
    undetermined = _REGULARISATION * diagonal[n_measured:] > _UNDETERMINED
    values[np.flatnonzero(free)[undetermined]] = np.nan

    check = rows @ np.where(np.isnan(values), 0.0, values) - b_a
    involved = abs(rows) @ np.isnan(values).astype(np.float64) > 0
    size = abs(rows) @ np.abs(np.where(np.isnan(values), 0.0, values)) + np.abs(b_a)
    if (~involved & (np.abs(check) > _CONSTRAINT_TOLERANCE * np.maximum(size, scale))).any():
        raise _inconsistent(np.where(involved, 0.0, check), np.maximum(size, scale))

    return _tests(values, x_a, exact, measured, step, 1.0 - diagonal[:n_measured], alpha)


def _row_max(matrix: Any) -> Floats:
    if matrix.shape[1] == 0:
        return np.zeros(matrix.shape[0])
    return np.asarray(abs(matrix).max(axis=1).toarray(), dtype=np.float64).ravel()


def _free_scales(free_columns: Any, weighted_size: Floats) -> Floats:
    """A scale for each free variable that puts it on the footing of the figures it meets."""
    entries = free_columns.tocoo()
    scales = np.zeros(free_columns.shape[1])
    np.maximum.at(scales, entries.col, weighted_size[entries.row] / np.abs(entries.data))
    return np.where(scales > 0, scales, 1.0)


def _solve_kkt(weighted: Any, unknown: Any, target: Floats) -> tuple[Floats, Floats]:
    """Solve ``min ½|d|²`` s.t. ``W d + U y = target``; return ``(d, y)`` and diag of the inverse.

    The KKT matrix ``[[I, 0, Wᵀ], [0, ρI, Uᵀ], [W, U, -ρI]]`` is quasi-definite for any
    ``ρ > 0``; refinement against the unregularised matrix removes the bias from ``(d, y)``.
    """
    from scipy import sparse
    from scipy.sparse import linalg as sparse_linalg

    n_measured, n_free, m = weighted.shape[1], unknown.shape[1], weighted.shape[0]
    n_primal = n_measured + n_free
    rho = _REGULARISATION
    if not (n_primal and m):
        # Nothing to adjust: no figure moves, and every free variable is undetermined.
        return np.zeros(n_primal), np.where(np.arange(n_primal) < n_measured, 1.0, 1.0 / rho)
    exact_kkt = sparse.bmat(
        [
            [sparse.eye(n_measured), None, weighted.T],
            [None, sparse.csr_matrix((n_free, n_free)), unknown.T],
            [weighted, unknown, sparse.csr_matrix((m, m))],
        ],
        format="csc",
    )
    shift = np.concatenate([np.zeros(n_measured), np.full(n_free, rho), np.full(m, -rho)])
    kkt = (exact_kkt + sparse.diags(shift)).tocsc()
    factors = sparse_linalg.splu(kkt)
    rhs = np.concatenate([np.zeros(n_primal), target])
    tolerance = 1e-14 * max(1.0, float(np.abs(target).max(initial=0.0)))
    solution = np.zeros(n_primal + m)
    for _ in range(_MAX_REFINEMENTS):
        misfit = rhs - exact_kkt @ solution
        if np.abs(misfit).max() <= tolerance:
            break
        solution = solution + factors.solve(misfit)
    return solution[:n_primal], _inverse_diagonal(kkt, factors.solve, n_primal)


def _inverse_diagonal(matrix: Any, solve: Callable[[Floats], Floats], count: int) -> Floats:
    """The first ``count`` diagonal entries of ``matrix⁻¹``, one solve per unit-vector batch.

    The inverse is block-diagonal over the connected components of the matrix, so unit
    vectors from different components share one right-hand side: the number of solves is
    the size of the largest component, not the number of variables.
    """
    from scipy.sparse import csgraph

    _, component = csgraph.connected_components(matrix, directed=False)
    wanted = component[:count]
    order = np.argsort(wanted, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(wanted[order]) != 0])
    sizes = np.diff(np.r_[starts, count])
    rank = np.empty(count, dtype=np.intp)
    rank[order] = np.arange(count) - np.repeat(starts, sizes)
    diagonal = np.empty(count)
    n_columns = int(rank.max(initial=-1)) + 1
    for first in range(0, n_columns, _BATCH):
        in_batch = np.flatnonzero((rank >= first) & (rank < first + _BATCH))
        column = rank[in_batch] - first
        units = np.zeros((matrix.shape[0], min(_BATCH, n_columns - first)), order="F")
        units[in_batch, column] = 1.0
        diagonal[in_batch] = solve(units)[in_batch, column]
    return diagonal


def _tests(
    values: Floats,
    x: Floats,
    exact: Bools,
    measured: Bools,
    step: Floats,
    hat: Floats,
    alpha: float,
) -> LinearAdjustment:
    """The global chi-square test and the measurement test from the scaled adjustments."""
    from scipy import stats

    hat = np.clip(hat, 0.0, 1.0)
    testable = hat > 1e-9
    chi2 = float(step @ step)
    dof = round(float(hat.sum()))
    p_value = float(stats.chi2.sf(chi2, dof)) if dof > 0 else float("nan")
    standardized = np.full(len(values), np.nan)
    standardized[exact] = 0.0
    standardized[measured] = np.where(testable, step / np.sqrt(np.where(testable, hat, 1.0)), 0.0)
    n_testable = int(testable.sum())
    critical = float(stats.norm.isf(alpha / (2 * n_testable))) if n_testable else float("inf")
    with np.errstate(invalid="ignore"):
        flagged = np.abs(standardized) > critical
    adjustment = values - x
    adjustment[exact] = 0.0
    return LinearAdjustment(
        values=values,
        adjustment=adjustment,
        standardized=standardized,
        chi2=chi2,
        dof=dof,
        p_value=p_value,
        flagged=flagged,
        critical=critical,
    )
