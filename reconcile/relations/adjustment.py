"""Least-squares adjustment: the values closest to the claims that satisfy the equality relations."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from reconcile._adjustment import adjust_linear
from reconcile._stats import sigma_from_range
from reconcile.consensus import DEFAULT_KEY, Policy, estimate
from reconcile.errors import ArgumentError, Reason
from reconcile.relations.system import build, derived_keys
from reconcile.relations.text import Relation, check_names, read_with_names
from reconcile.schemas import Adjustments, check_built


@dataclass(frozen=True, slots=True, eq=False)
class Adjustment:
    """What :func:`adjust` found: the adjusted values and the tests of the claims.

    Attributes:
        estimates: one row per quantity the relations name (:class:`reconcile.schemas.Adjustments`),
            as ``reconcile.Reconciliation.estimates`` has one per quantity; ``quantities``
            is its older, deprecated name.
        chi2: the global test statistic, the sum of squared adjustments in standard deviations.
        dof: its degrees of freedom (the number of independent relations).
        p_value: the chance of a ``chi2`` at least this large if every claim were right up to
            its noise (NaN when ``dof`` is 0).
        critical: the ``|standardized|`` above which a claim is flagged.

    Examples:
        >>> import reconcile as rc
        >>> claims = rc.to_claims([rc.Figure.exact(3, counts="a"), rc.Figure.between(0, 10, counts="b")])
        >>> rc.adjust(claims, ["b = a"], key=("counts",)).estimates["adjusted"].tolist()
        [3.0, 3.0]

    """

    estimates: pd.DataFrame
    chi2: float
    dof: int
    p_value: float
    critical: float

    @property
    def quantities(self) -> pd.DataFrame:
        """Deprecated: the older name of ``estimates``, which it returns with a DeprecationWarning.

        Examples:
            >>> import warnings
            >>> import reconcile as rc
            >>> claims = rc.to_claims([rc.Figure.exact(3, counts="a"), rc.Figure.exact(3, counts="b")])
            >>> result = rc.adjust(claims, ["b = a"], key=("counts",))
            >>> with warnings.catch_warnings(record=True):
            ...     result.quantities is result.estimates
            True

        """
        warnings.warn(
            "Adjustment.quantities is deprecated: read Adjustment.estimates, as Reconciliation.estimates",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.estimates

    def __repr__(self) -> str:
        return (
            f"Adjustment(quantities={len(self.estimates)}, chi2={self.chi2:.3g}, dof={self.dof}, "
            f"p_value={self.p_value:.3g}, flagged={int(self.estimates['flagged'].sum())})"
        )


def adjust(
    claims: pd.DataFrame,
    relations: Sequence[Relation | str],
    *,
    key: Sequence[str] = DEFAULT_KEY,
    policy: Policy = "consensus",
    weights: Mapping[str, float] | None = None,
    level: float = 0.90,
    alpha: float = 0.05,
) -> Adjustment:
    """The values closest to the claims that satisfy the equality relations exactly.

    Weighted least-squares data reconciliation. Each quantity's consensus estimate (as
    :func:`reconcile.reconcile` finds it) is read as its value plus a normal error whose
    standard deviation makes the estimate's range a central ``level`` interval; errors are
    independent; the relations hold exactly. The adjusted values minimise the sum of
    squared adjustments in standard deviations. A quantity no claim gives, or whose range
    is open, is free: the relations set it. The global chi-square test says whether the
    claims fit the relations up to their noise; each claim's standardized adjustment, above
    a Bonferroni-shared normal quantile at ``alpha``, flags it as suspect.

    Only equalities take part; a figure coefficient counts at its value (its range is not
    used). For ranges that must hold whatever the noise, use the tightened ranges of
    :func:`reconcile.reconcile` instead.

    Args:
        claims: a claims table.
        relations: equality relations, as text or :class:`Relation`.
        key: the columns that name a quantity, as in :func:`reconcile.reconcile`.
        policy: the policy that makes each quantity's estimate, one of ``POLICIES``.
        weights: a weight per source name, as in :func:`reconcile.reconcile`.
        level: the probability a claim's range is read to hold.
        alpha: the chance of flagging any claim when all are right.

    Returns:
        An :class:`Adjustment`.

    Raises:
        ArgumentError: an inequality among the relations, or bad arguments.
        RelationError: a relation that cannot be read or names an unknown quantity.
        RangeError: exact claims that contradict each other through the relations.

    Examples:
        Foreign troops reported beside their parts (the U.S. and coalition figures are from
        a CNN report of 17 October 2016; the foreign total is invented for the example):

        >>> import reconcile as rc
        >>> claims = rc.to_claims([
        ...     rc.Figure.between(8500, 10500, counts="troops/foreign", source="invented"),
        ...     rc.Figure.about(5000, counts="troops/us", source="U.S. officials"),
        ...     rc.Figure.about(3600, counts="troops/coalition", source="CNN"),
        ... ])
        >>> result = rc.adjust(claims, ["troops/foreign = troops/us + troops/coalition"], key=("counts",))
        >>> result.estimates[["counts", "value", "adjusted", "flagged"]].round(0)
                     counts   value  adjusted  flagged
        0  troops/coalition  3600.0    3623.0    False
        1    troops/foreign  9500.0    8798.0    False
        2         troops/us  5000.0    5175.0    False
        >>> result.dof
        1

    """
    if not isinstance(relations, Sequence) or isinstance(relations, str) or not relations:
        raise ArgumentError(
            f"relations must be a non-empty list of relations (got {relations!r})",
            hint="pass e.g. ['troops/foreign = troops/us + troops/coalition']",
            reason=Reason.BAD_ARGUMENT,
        )
    found = estimate(claims, key=key, policy=policy, weights=weights)
    estimates = found.estimates
    if "counts" not in found.key:
        raise ArgumentError(
            "relations need 'counts' in the key",
            hint="keep 'counts' in the key",
            reason=Reason.KEY_WITHOUT_COUNTS,
        )
    given, known = read_with_names(relations, estimates["counts"].dropna().unique().tolist())
    unequal = [relation.text for relation in given if relation.operator != "="]
    if unequal:
        raise ArgumentError(
            f"adjust uses equalities only (got {unequal[0]!r})",
            hint="leave inequalities out of adjust; rc.reconcile(claims, relations=...) checks them",
            reason=Reason.NOT_AN_EQUALITY,
        )
    check_names(estimates, given, known)
    built = build(estimates, found.key, given)
    n_est = built.n_estimates
    n_base = n_est + len(built.derived_counts)
    used = np.unique(built.term_var)
    local = np.full(n_base, -1, dtype=np.intp)
    local[used] = np.arange(len(used))
    matrix = _sparse(built.term_row, local[built.term_var], built.term_value, len(built.row_equal), len(used))
    claimed = used < n_est
    est = estimates.iloc[used[claimed]]
    x = np.full(len(used), np.nan)
    sigma = np.full(len(used), np.inf)
    x[claimed] = est["value"].to_numpy(float)
    sigma[claimed] = sigma_from_range(est["low"].to_numpy(float), est["high"].to_numpy(float), level=level)
    fit = adjust_linear(x, sigma, matrix, built.row_constant, alpha=alpha)
    keys = pd.concat(
        [
            est[list(found.key)],
            derived_keys(built, found.key).iloc[used[~claimed] - n_est],
        ],
        ignore_index=True,
    )
    unit = np.r_[est["unit"].to_numpy(dtype=object), built.derived_unit[used[~claimed] - n_est]]
    order = np.r_[np.flatnonzero(claimed), np.flatnonzero(~claimed)]
    table = keys.assign(
        low=np.r_[est["low"].to_numpy(float), np.full((~claimed).sum(), -np.inf)],
        value=x[order],
        high=np.r_[est["high"].to_numpy(float), np.full((~claimed).sum(), np.inf)],
        unit=unit,
        sigma=sigma[order],
        adjusted=fit.values[order],
        standardized=fit.standardized[order],
        flagged=fit.flagged[order],
    )
    return Adjustment(
        estimates=check_built(Adjustments, table),
        chi2=fit.chi2,
        dof=fit.dof,
        p_value=fit.p_value,
        critical=fit.critical,
    )


def _sparse(row: np.ndarray, col: np.ndarray, value: np.ndarray, n_rows: int, n_cols: int) -> Any:
    from scipy import sparse

    return sparse.csr_matrix((value, (row, col)), shape=(n_rows, n_cols))
