"""Relations no values can satisfy: one conflict per infeasible component of the system.

Each conflict names an irreducible set of kept claims: without any one of them, the rest
admit values that satisfy the relations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconcile import _propagate as prop
from reconcile._interval import times
from reconcile._wording import format_ranges
from reconcile.errors import Reason, RelationError
from reconcile.relations.spans import TIME_COLUMN
from reconcile.relations.system import Built, joined
from reconcile.units import conversion_bounds


def _claim_ranges(
    kept: pd.DataFrame, estimates: pd.DataFrame, claim_estimate: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Each kept claim's range in its quantity's unit, rounded outward."""
    low = kept["low"].to_numpy(float).copy()
    high = kept["high"].to_numpy(float).copy()
    unit = kept["unit"].to_numpy(dtype=object)
    into = estimates["unit"].to_numpy(dtype=object)[claim_estimate]
    for source, target in set(zip(unit.tolist(), into.tolist(), strict=True)):
        if source == target:
            continue
        at = (unit == source) & (into == target)
        least, _, most = conversion_bounds(source, target)
        low[at], high[at] = times(low[at], high[at], np.full(at.sum(), least), np.full(at.sum(), most))
    return low, high


def relation_conflicts(
    built: Built,
    kept: pd.DataFrame,
    claim_estimate: np.ndarray,
    estimates: pd.DataFrame,
    key: tuple[str, ...],
    parts: prop.Components,
    infeasible: np.ndarray,
    existing: pd.DataFrame,
    policy: str,
) -> pd.DataFrame:
    """One conflict per infeasible component, naming an irreducible set of claims.

    Irreducible in the policy's terms: under ``consensus`` and ``conservative`` a quantity's
    range is the meet of its claims, so each claim is a member; under ``envelope`` (the hull)
    and ``priority`` (the top claim) each end of a quantity's range is a member, named by the
    claim that sets it. Without any one member, the rest admit values that satisfy the
    relations.
    """
    bad = np.flatnonzero(infeasible)
    if not len(bad):
        return existing.iloc[:0]
    claim_low, claim_high = _claim_ranges(kept, estimates, claim_estimate)
    est_low, est_high = estimates["low"].to_numpy(float), estimates["high"].to_numpy(float)
    # The claims that set each estimate's ends: the one whose low is nearest the estimate's
    # low, and the one whose high is nearest its high (the first of ties).
    order = np.arange(len(kept))
    with np.errstate(invalid="ignore"):  # an open end beside an open end is 0 apart, set below
        off_low = np.abs(claim_low - est_low[claim_estimate])
        off_high = np.abs(claim_high - est_high[claim_estimate])
    same_low = claim_low == est_low[claim_estimate]  # equal infinities too
    same_high = claim_high == est_high[claim_estimate]
    frame = pd.DataFrame(
        {
            "estimate": claim_estimate,
            "order": order,
            "off_low": np.where(same_low, 0.0, off_low),
            "off_high": np.where(same_high, 0.0, off_high),
        }
    )
    frame = frame.fillna({"off_low": 0.0, "off_high": 0.0})

    def nearest(off: str) -> np.ndarray:
        """Per estimate, the first claim of the smallest ``off``."""
        return frame.sort_values(["estimate", off, "order"]).drop_duplicates("estimate")["order"].to_numpy()

    low_setter, high_setter = nearest("off_low"), nearest("off_high")
    if policy == "priority":  # the estimate is one claim's range: the claim nearest both ends
        frame = frame.assign(off=frame["off_low"] + frame["off_high"])
        low_setter = high_setter = nearest("off")
    low_setter = low_setter[np.isin(parts.of_var[claim_estimate[low_setter]], bad)]
    high_setter = high_setter[np.isin(parts.of_var[claim_estimate[high_setter]], bad)]
    if policy in ("envelope", "priority"):
        # A quantity's range is its estimate's (the hull of its claims, or the top claim's), not
        # the meet of its claims: each end of the range is a member, named by the claim that
        # sets it, and dropping it opens that end.
        member_claim = np.r_[low_setter, high_setter]
        member_estimate = claim_estimate[member_claim]
        member_low = np.r_[est_low[claim_estimate[low_setter]], np.full(len(high_setter), -np.inf)]
        member_high = np.r_[np.full(len(low_setter), np.inf), est_high[claim_estimate[high_setter]]]
    else:  # the estimate is the meet of its claims: each claim that sets an end is a member
        member_claim = np.unique(np.r_[low_setter, high_setter])
        member_estimate = claim_estimate[member_claim]
        member_low, member_high = claim_low[member_claim], claim_high[member_claim]
    chosen = _irreducible(
        built, parts, bad, np.arange(len(member_estimate)), member_estimate, member_low, member_high
    )
    members_of = np.unique(member_claim[chosen])
    member_component = parts.of_var[claim_estimate[members_of]]
    empty = np.setdiff1d(bad, member_component)
    if len(empty):
        texts = joined(
            parts.of_row, np.array(built.relation_texts, dtype=object)[built.row_relation], empty[:1], "; "
        )
        raise RelationError(
            f"the relations contradict each other whatever the claims say: {texts.iloc[0]}",
            hint="check the relations' signs and numbers; counts of people cannot be negative",
            text=str(texts.iloc[0]),
            position=0,
            reason=Reason.CONTRADICTORY_RELATIONS,
        )
    order = np.argsort(member_component, kind="stable")
    members_of, member_component = members_of[order], member_component[order]
    number = np.searchsorted(bad, member_component) + 1 + existing["conflict_id"].nunique()
    counts = kept["counts"].to_numpy(dtype=object)[members_of]
    said = (
        kept["claim_id"].to_numpy(dtype=object)[members_of]
        + ": "
        + counts.astype(str)
        + " "
        + format_ranges(claim_low[members_of], claim_high[members_of])
    )
    if TIME_COLUMN in key:  # a relation across time: say when each claim is, where they differ
        as_of = kept[TIME_COLUMN].astype(str).to_numpy(dtype=object)[members_of]
        times_in = pd.Series(as_of).groupby(member_component).transform("nunique").to_numpy()
        said = np.where(times_in > 1, said + " as of " + as_of, said)
    claims_said = joined(member_component, said, bad, "; ")
    texts = joined(parts.of_row, np.array(built.relation_texts, dtype=object)[built.row_relation], bad, "; ")
    negative = _negative_counts(built, parts, bad)
    reason = np.where(
        negative.reindex(member_component).notna().to_numpy(),
        "; by "
        + texts.reindex(member_component).to_numpy(dtype=object)
        + ", "
        + negative.reindex(member_component).fillna("").to_numpy(dtype=object)
        + "; a count is never below 0",
        "; no values in these ranges satisfy " + texts.reindex(member_component).to_numpy(dtype=object),
    )
    message = claims_said.reindex(member_component).to_numpy(dtype=object) + reason
    rows = kept.iloc[members_of][["claim_id", *key]].reset_index(drop=True)
    return pd.concat(
        [
            pd.DataFrame({"conflict_id": "C" + pd.Series(number).astype(str), "kind": "relation"}),
            rows,
            pd.DataFrame({"message": message}),
        ],
        axis=1,
    )[["conflict_id", "kind", "claim_id", *key, "message"]]


def _negative_counts(built: Built, parts: prop.Components, bad: np.ndarray) -> pd.Series:
    """Per infeasible component whose only failure is a derived count below 0: what it would be.

    Such a component is satisfiable once its derived counts may be negative (a decrease
    written as an increment, ``added = after - before`` with ``after < before``); the
    message then names the derived count and its range, rather than the relation alone.
    """
    n_est, n_base = built.n_estimates, built.n_estimates + len(built.derived_counts)
    derived = np.arange(n_est, n_base)
    counting = derived[built.low[n_est:n_base] == 0.0]  # a derived count starts at 0
    in_bad = np.isin(parts.of_var, bad)
    if not len(counting) or not in_bad[counting].any():
        return pd.Series(dtype=object)
    low = built.low.copy()
    low[counting] = -np.inf
    low, high = prop.propagate(built.system, low, built.high.copy(), settle=parts.is_tree[parts.of_var])
    empty = np.bincount(parts.of_var, weights=low > high, minlength=parts.count) > 0
    below = counting[in_bad[counting] & (high[counting] < 0) & ~empty[parts.of_var[counting]]]
    if not len(below):
        return pd.Series(dtype=object)
    shown = format_ranges(low[below], high[below], separator=" to ")  # "–" reads badly after "-600"
    said = (
        built.derived_counts[below - n_est].astype(str) + " would be negative (" + shown.astype(str) + ")"
    ).astype(object)
    return joined(parts.of_var[below], said, bad, " and ")


def _subsystem(built: Built, parts: prop.Components, wanted: np.ndarray) -> tuple[prop.System, np.ndarray]:
    """The rows and links of the wanted components, with their variables numbered from 0."""
    system = built.system
    variables = np.flatnonzero(np.isin(parts.of_var, wanted))
    local = np.full(system.n, -1, dtype=np.intp)
    local[variables] = np.arange(len(variables))
    rows = np.flatnonzero(np.isin(parts.of_row, wanted))
    row_local = np.full(system.n_rows, -1, dtype=np.intp)
    row_local[rows] = np.arange(len(rows))
    terms = row_local[system.term_row] >= 0
    links = np.isin(parts.of_link, wanted)
    sub = prop.System(
        n=len(variables),
        term_row=row_local[system.term_row[terms]],
        term_var=local[system.term_var[terms]],
        term_coef=system.term_coef[terms],
        row_low=system.row_low[rows],
        row_high=system.row_high[rows],
        link_y=local[system.link_y[links]],
        link_x=local[system.link_x[links]],
        link_low=system.link_low[links],
        link_high=system.link_high[links],
    )
    return sub, variables


def _irreducible(
    built: Built,
    parts: prop.Components,
    bad: np.ndarray,
    candidates: np.ndarray,
    claim_estimate: np.ndarray,
    claim_low: np.ndarray,
    claim_high: np.ndarray,
) -> np.ndarray:
    """A deletion filter, run on every infeasible component at once; returns the claims kept.

    Step ``k`` tries each component without its ``k``-th remaining candidate claim; where
    the rest still admit no values, that claim is dropped for good. What is left is
    irreducible: without any one of its claims, the others (a subset of a set found
    satisfiable) are satisfiable. Trees are decided by one propagation over all components;
    components with cycles also by HiGHS, one component at a time.
    """
    sub, variables = _subsystem(built, parts, bad)
    local = np.full(built.system.n, -1, dtype=np.intp)
    local[variables] = np.arange(len(variables))
    base_low, base_high = built.low[variables].copy(), built.high[variables].copy()
    claimed = variables < built.n_estimates
    # Without its claims a quantity is free, but a count is never negative.
    base_low[claimed] = np.where(built.counting[variables[claimed]], 0.0, -np.inf)
    base_high[claimed] = np.inf
    component = parts.of_var[variables]
    label = np.searchsorted(bad, component)  # components numbered 0..len(bad)-1
    at = local[claim_estimate[candidates]]
    owner = label[at]
    cyclic = np.flatnonzero(~parts.is_tree[bad])

    def unsatisfiable(active: np.ndarray) -> np.ndarray:
        low, high = base_low.copy(), base_high.copy()
        np.maximum.at(low, at[active], claim_low[candidates[active]])
        np.minimum.at(high, at[active], claim_high[candidates[active]])
        low, high = prop.propagate(sub, low, high, settle=parts.is_tree[bad][label])
        empty = np.bincount(label, weights=low > high, minlength=len(bad)) > 0
        for c in cyclic[~empty[cyclic]].tolist():  # components with cycles: HiGHS decides
            one, members = _subsystem(built, parts, bad[c : c + 1])
            inside = local[members]
            empty[c] = not prop.feasible(one, low[inside], high[inside], tree=False)
        return empty

    active = np.ones(len(candidates), dtype=bool)
    # Rounding can make a component's claims satisfiable where its estimates are not: such
    # a component keeps every candidate.
    settled = ~unsatisfiable(active)
    order = np.lexsort((np.arange(len(candidates)), owner))
    rank = np.empty(len(candidates), dtype=np.intp)
    starts = np.r_[0, np.cumsum(np.bincount(owner, minlength=len(bad)))[:-1]]
    rank[order] = np.arange(len(candidates)) - starts[owner[order]]
    for k in range(int(rank.max(initial=-1)) + 1):
        trying = (rank == k) & ~settled[owner]
        if not trying.any():
            continue
        still = unsatisfiable(active & ~trying)
        active &= ~(trying & still[owner])
    return candidates[active]
