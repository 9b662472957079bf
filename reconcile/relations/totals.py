"""Derived totals: the quantities no claim gives, with a sound and a probable (90%) interval.

Each row also names the kept claims and the relations behind it (its lineage).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from reconcile import _propagate as prop
from reconcile._stats import probable_sum
from reconcile.relations.system import Built, derived_keys, joined
from reconcile.schemas import Totals, check_built


def lineage(
    built: Built, parts: prop.Components, kept: pd.DataFrame, claim_estimate: np.ndarray
) -> tuple[pd.Series, pd.Series]:
    """Per component holding a derived quantity: its kept claims and its relations' texts.

    A claimed coefficient (a share) is no variable of the component, but its claims are
    behind it all the same: they follow the claims of the component's own estimates.
    """
    wanted = np.unique(parts.of_var[built.n_estimates : built.n_estimates + len(built.derived_counts)])
    ids = kept["claim_id"].to_numpy(dtype=object)
    uses = pd.DataFrame(
        {"estimate": built.coefficient_estimate, "component": parts.of_var[built.coefficient_of]}
    )
    shares = pd.DataFrame({"estimate": claim_estimate, "claim": ids}).merge(uses, on="estimate")
    claims = joined(
        np.r_[parts.of_var[claim_estimate], shares["component"].to_numpy(np.intp)],
        np.r_[ids, shares["claim"].to_numpy(dtype=object)],
        wanted,
        ", ",
    )
    texts = np.array(built.relation_texts, dtype=object)[built.row_relation]
    return claims, joined(parts.of_row, texts, wanted, "; ")


def empty_totals(key: tuple[str, ...]) -> pd.DataFrame:
    """An empty totals table for ``key`` (validated once per key, then copied)."""
    return _validated_empty_totals(key).copy()


@functools.lru_cache(maxsize=16)
def _validated_empty_totals(key: tuple[str, ...]) -> pd.DataFrame:
    columns: dict[str, Any] = {column: pd.Series(dtype="str") for column in key}
    columns.update(
        low=pd.Series(dtype=float),
        value=pd.Series(dtype=float),
        high=pd.Series(dtype=float),
        unit=pd.Series(dtype="str"),
        low_90=pd.Series(dtype=float),
        high_90=pd.Series(dtype=float),
        claim_ids=pd.Series(dtype="str"),
        relations=pd.Series(dtype="str"),
    )
    return check_built(Totals, pd.DataFrame(columns))


def _derived_values(built: Built, estimates: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values of derived quantities, and their probable interval, from the equalities that define them.

    A derived quantity takes its value from the first equality in which it is the only
    quantity without a value yet, repeated so that totals of totals get one too. Its
    probable interval is read from an equality whose other terms are all claimed, with exact
    coefficients and constants. Both start from each estimate's tightened range where the
    estimates have one, so neither reads a term outside what the relations allow.
    """
    n_est = built.n_estimates
    n_base = n_est + len(built.derived_counts)
    value = np.full(n_base, np.nan)
    # Each estimate as the relations leave it: its tightened range where that is known.
    est_low, est_high = estimates["low"].to_numpy(float), estimates["high"].to_numpy(float)
    if "low_tight" in estimates:
        est_low = np.where(np.isnan(estimates["low_tight"]), est_low, estimates["low_tight"])
        est_high = np.where(np.isnan(estimates["high_tight"]), est_high, estimates["high_tight"])
    value[:n_est] = np.clip(estimates["value"].to_numpy(float), est_low, est_high)
    row, var, coef = built.term_row, built.term_var, built.term_value
    n_rows = len(built.row_equal)
    for _ in range(n_base):
        missing = np.isnan(value[var])
        unknown = np.bincount(row, weights=missing, minlength=n_rows)
        ready = built.row_equal & (unknown == 1)
        at = np.flatnonzero(ready[row] & missing)
        if not len(at):
            break
        known_sum = np.bincount(
            row, weights=np.where(missing, 0.0, coef * np.nan_to_num(value[var])), minlength=n_rows
        )
        solved = (built.row_constant[row[at]] - known_sum[row[at]]) / coef[at]
        first = np.unique(var[at], return_index=True)[1]
        value[var[at][first]] = solved[first]
    # Probable interval: equalities with one derived term, every other term claimed and exact.
    low_90 = np.full(n_base, np.nan)
    high_90 = np.full(n_base, np.nan)
    derived = var >= n_est
    n_derived_in_row = np.bincount(row, weights=derived, minlength=n_rows)
    inexact_in_row = np.bincount(row, weights=~built.term_exact, minlength=n_rows) > 0
    usable = built.row_equal & (n_derived_in_row == 1) & ~inexact_in_row & built.row_constant_exact
    lead = np.flatnonzero(usable[row] & derived)
    first = np.unique(var[lead], return_index=True)[1]
    lead = lead[first]  # one defining row per derived quantity
    defining_row = np.full(n_rows, -1, dtype=np.intp)
    defining_row[row[lead]] = np.arange(len(lead))
    members = np.flatnonzero((defining_row[row] >= 0) & ~derived)
    if len(lead) and len(members):
        sums = defining_row[row[members]]
        scale = coef[lead][sums]
        with np.errstate(over="ignore"):  # ranges past 1e154 square to inf: an open 90% interval
            p_low, p_high = probable_sum(
                est_low[var[members]],
                value[var[members]],
                est_high[var[members]],
                -coef[members] / scale,
                sums,
                len(lead),
            )
        shift = built.row_constant[row[lead]] / coef[lead]
        low_90[var[lead]] = p_low + shift
        high_90[var[lead]] = p_high + shift
    return value[n_est:], low_90[n_est:], high_90[n_est:]


def derived_totals(
    built: Built,
    estimates: pd.DataFrame,
    key: tuple[str, ...],
    low: np.ndarray,
    high: np.ndarray,
    parts: prop.Components,
    lineage_claims: pd.Series,
    lineage_relations: pd.Series,
) -> pd.DataFrame:
    """The totals table: one row per derived quantity, its ranges, value and lineage.

    ``low`` and ``high`` are the solved bounds of every variable; a derived quantity's value
    and probable interval are moved into its sound range.
    """
    n_est = built.n_estimates
    n_derived = len(built.derived_counts)
    if n_derived == 0:
        return empty_totals(key)
    keys = derived_keys(built, key)
    d_low, d_high = low[n_est : n_est + n_derived], high[n_est : n_est + n_derived]
    value, low_90, high_90 = _derived_values(built, estimates)
    value = np.clip(value, d_low, d_high)  # moved into the sound range, as estimates' values are
    low_90 = np.clip(low_90, d_low, d_high)
    high_90 = np.clip(high_90, d_low, d_high)
    component = parts.of_var[n_est : n_est + n_derived]
    totals = keys.assign(
        low=d_low,
        value=value,
        high=d_high,
        unit=built.derived_unit,
        low_90=low_90,
        high_90=high_90,
        claim_ids=lineage_claims.reindex(component).fillna("").to_numpy(dtype=object),
        relations=lineage_relations.reindex(component).fillna("").to_numpy(dtype=object),
    )
    return check_built(Totals, totals)
