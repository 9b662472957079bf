"""Weighted least-squares data reconciliation: values that meet linear relations exactly.

:func:`adjust_linear` finds the values closest to the claims (in standard deviations) that
satisfy the relations exactly, with the global chi-square test and each claim's
standardized adjustment. It takes and returns plain NumPy arrays; :func:`reconcile.adjust`
gives them names, units and lineage. The probabilistic reading of totals, which shares
this module's reading of a range as a normal spread, is in :mod:`reconcile._stats`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from reconcile._stats import float_array, same_length
from reconcile.errors import ArgumentError, RangeError, Reason

__all__ = ["LinearAdjustment", "adjust_linear"]

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

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
        >>> from reconcile._adjustment import adjust_linear
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
            reason=Reason.BAD_ARGUMENT,
        ) from exc
    if rows.shape != (n_relations, n_variables):
        raise ArgumentError(
            f"A has shape {rows.shape}, but x has {n_variables} entries and b {n_relations}",
            hint="give A one row per entry of b and one column per entry of x",
            argument="A",
            reason=Reason.SHAPE_MISMATCH,
        )
    if not np.isfinite(rows.data).all():
        raise ArgumentError(
            "A holds a coefficient that is not finite",
            hint="give every relation finite coefficients",
            argument="A",
            reason=Reason.NOT_FINITE,
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
            reason=Reason.NEGATIVE_SIGMA,
        )
    bad_x = ~np.isfinite(x) & np.isfinite(sigma)
    if bad_x.any():
        row = int(np.flatnonzero(bad_x)[0])
        raise RangeError(
            f"x[{row}] is {x[row]:g} but its sigma is {sigma[row]:g}",
            hint="give every measured figure a finite value, or sigma=inf for an unknown one",
            row=row,
            value=float(x[row]),
            reason=Reason.NOT_FINITE,
        )
    if not np.isfinite(b).all():
        row = int(np.flatnonzero(~np.isfinite(b))[0])
        raise ArgumentError(
            f"b[{row}] is {b[row]:g}",
            hint="give every relation a finite right-hand side",
            argument="b",
            row=row,
            reason=Reason.NOT_FINITE,
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
        reason=Reason.INFEASIBLE,
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

        >>> from reconcile._adjustment import adjust_linear
        >>> from reconcile._stats import sigma_from_range
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
            reason=Reason.BAD_PROBABILITY,
        )
    x_a, sigma_a, b_a = float_array(x, "x"), float_array(sigma, "sigma"), float_array(b, "b")
    n = same_length(None, x=x_a, sigma=sigma_a)
    m = same_length(None, b=b_a)
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
