"""The relations step of :func:`reconcile.reconcile`: tighten the estimates, derive totals, find conflicts.

:func:`apply` takes what the claims say of each quantity on their own
(:class:`reconcile.consensus.Consensus`) and the relations between quantities, and returns
the estimates with their tightened ranges, the conflicts with those of kind ``relation``
added, and the totals the relations derive (:class:`Related`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from reconcile import _propagate as prop
from reconcile.consensus import Consensus
from reconcile.errors import ArgumentError, Reason
from reconcile.relations.conflicts import relation_conflicts
from reconcile.relations.joint import choose, set_aside_outside
from reconcile.relations.places import Places, place_pairs
from reconcile.relations.system import Built, build, joined, part_of_checks, unit_factors
from reconcile.relations.text import Relation, check_names, read_with_names
from reconcile.relations.tilings import tiling_checks
from reconcile.relations.totals import derived_totals, empty_totals, lineage
from reconcile.schemas import Conflicts, Estimates, check_built

__all__ = ["Related", "apply"]


class Related(NamedTuple):
    """What relations across quantities make of the per-quantity estimates.

    Attributes:
        estimates: one row per quantity, with ``low_tight`` and ``high_tight``
            (:class:`reconcile.schemas.Estimates`).
        conflicts: the per-quantity conflicts, then those of kind ``relation``
            (:class:`reconcile.schemas.Conflicts`).
        totals: one row per quantity no claim gives that the relations derive
            (:class:`reconcile.schemas.Totals`); empty without relations.
        claims: every claim with ``kept``, ``reason`` and ``conflict_id`` as the voices were
            chosen across quantities (:mod:`reconcile.relations.joint`); the per-quantity
            claims where nothing changed.
        idle: the relations given that hold in no group of these claims, when they are part
            of a larger table (``elsewhere``): the whole table's caller decides whether such a
            relation holds anywhere. (With the whole table, such a relation is an error.)

    Examples:
        >>> import reconcile as rc
        >>> from reconcile.consensus import estimate
        >>> from reconcile.relations import apply
        >>> claims = rc.to_claims([rc.Figure.exact(3, counts="a"), rc.Figure.exact(4, counts="b")])
        >>> related = apply(estimate(claims, key=("counts",)), ["c = a + b"], True)
        >>> related.totals[["counts", "low", "value", "high"]]
          counts  low  value  high
        0      c  7.0    7.0   7.0

    """

    estimates: pd.DataFrame
    conflicts: pd.DataFrame
    totals: pd.DataFrame
    claims: pd.DataFrame | None = None
    idle: tuple[str, ...] = ()


def _solve(built: Built) -> tuple[np.ndarray, np.ndarray, np.ndarray, prop.Components]:
    """Final bounds of every variable, and which components are infeasible."""
    parts = prop.components(built.system)
    low, high = prop.propagate(built.system, built.low, built.high, settle=parts.is_tree[parts.of_var])
    low, high, infeasible, unsettled = prop.lp_refine(built.system, low, high, parts, built.wanted)
    if unsettled.any():
        texts = joined(
            parts.of_row,
            np.array(built.relation_texts, dtype=object)[built.row_relation],
            np.flatnonzero(unsettled),
            "; ",
        )
        warnings.warn(
            f"HiGHS could not settle {int(unsettled.sum())} group(s) of relations with cycles "
            f"(first: {texts.iloc[0] if len(texts) else '?'}); their tightened ranges are what "
            "propagation alone allows (sound, maybe wider than exact), and a contradiction among "
            "them may go unreported",
            RuntimeWarning,
            stacklevel=4,
        )
    return low, high, infeasible, parts


def apply(
    found: Consensus,
    relations: Sequence[Relation | str] | None,
    implied_parts: bool,
    *,
    places: Places | None = None,
    implied_places: bool = True,
    joint: bool = True,
    elsewhere: frozenset[str] = frozenset(),
) -> Related:
    """Tighten, derive and check: the relations step of :func:`reconcile.reconcile`.

    Each estimate's range is tightened to what every relation and every range allow
    (``low_tight`` and ``high_tight``); quantities no claim gives are derived into
    ``totals``; relations no values inside the ranges satisfy become conflicts of kind
    ``relation``, each naming an irreducible set of kept claims. With ``implied_parts``,
    the relations the claims imply are added: each ``counts`` path is at most its parent
    path wherever both are claimed, and a flow is the sum of the flows of its series whose
    periods tile its own (:mod:`reconcile.relations.tilings`; only where the estimates have
    a ``measure`` column, as the time step adds it).

    Args:
        found: each quantity's estimate and conflicts, from :func:`reconcile.consensus.estimate`.
        relations: relations across quantities, as text or :class:`Relation`; None for none.
        implied_parts: check each counts path against its parent path, and add up flows
            over periods that tile a period to the flow over it.
        places: each place's parent by name (:func:`reconcile.relations.places.read_places`);
            paths (``Bangladesh/Cox's Bazar``) need none.
        implied_places: check each place's figure against the nearest place it is part of.
        joint: where the per-quantity choice of voices breaks a relation or leaves a tie,
            choose the voices across quantities (:mod:`reconcile.relations.joint`).
        elsewhere: counts paths claimed outside these claims (by the other partitions of a
            Dask table): names the relations may use, and read whole. With any, the claims
            are part of a larger table, where a relation may hold in none of their groups.

    Returns:
        A :class:`Related` with the ``estimates``, ``conflicts`` and ``totals``.

    Raises:
        ArgumentError: ``relations`` is not a list, ``implied_parts`` is not a bool, or
            relations are given for a key without ``counts``.
        RelationError: a relation that cannot be read, names a quantity no claim gives and
            no relation defines, or adds terms in units that cannot be compared.

    Examples:
        >>> import reconcile as rc
        >>> from reconcile.consensus import estimate
        >>> from reconcile.relations import apply
        >>> claims = rc.to_claims([
        ...     rc.Figure.between(8000, 8500, counts="troops/foreign"),
        ...     rc.Figure.about(5000, counts="troops/us"),
        ...     rc.Figure.about(3600, counts="troops/coalition"),
        ... ])
        >>> found = estimate(claims, key=("counts",))
        >>> related = apply(found, ["troops/foreign = troops/us + troops/coalition"], True)
        >>> related.estimates[["counts", "low", "high", "low_tight", "high_tight"]]
                     counts     low    high  low_tight  high_tight
        0  troops/coalition  3420.0  3780.0     3420.0      3780.0
        1    troops/foreign  8000.0  8500.0     8000.0      8500.0
        2         troops/us  4500.0  5500.0     4500.0      5080.0

        The U.S. figure can be at most 8,500 - 3,420 = 5,080 for the total to hold.

    """
    if relations is not None and (
        isinstance(relations, (str, Relation)) or not isinstance(relations, Sequence)
    ):
        raise ArgumentError(
            f"relations must be a list of relations (got {type(relations).__name__})",
            hint="pass relations=['troops/foreign = troops/us + troops/coalition']",
            reason=Reason.BAD_ARGUMENT,
        )
    if not isinstance(implied_places, bool):
        raise ArgumentError(
            f"implied_places must be True or False (got {implied_places!r})",
            hint="pass implied_places=False to leave out the checks of places against the places they are in",
            reason=Reason.BAD_ARGUMENT,
        )
    if not isinstance(joint, bool):
        raise ArgumentError(
            f"joint must be True or False (got {joint!r})",
            hint="pass joint=False to keep each quantity's own choice of voices",
            reason=Reason.BAD_ARGUMENT,
        )
    if not isinstance(implied_parts, bool):
        raise ArgumentError(
            f"implied_parts must be True or False (got {implied_parts!r})",
            hint="pass implied_parts=False to leave out the part-of checks and tilings",
            reason=Reason.BAD_ARGUMENT,
        )
    key = found.key
    estimates = found.estimates
    if "low_tight" not in estimates:  # no step before tightened anything
        estimates = estimates.assign(low_tight=estimates["low"], high_tight=estimates["high"])
    claimed = [*estimates["counts"].dropna().unique().tolist(), *elsewhere] if "counts" in key else []
    given, known = read_with_names(relations or (), claimed)
    if given and "counts" not in key:
        raise ArgumentError(
            f"relations name quantities by their counts path, but the key {key!r} has no 'counts'",
            hint="keep 'counts' in the key to use relations",
            reason=Reason.KEY_WITHOUT_COUNTS,
        )
    implied = _implied(estimates, key, implied_parts, places if implied_places else None)
    tilings = tiling_checks(estimates, key) if implied_parts else None
    if not given and (implied is None or implied.empty) and (tilings is None or tilings.empty):
        return Related(
            estimates=check_built(Estimates, estimates),
            conflicts=found.conflicts,
            totals=empty_totals(key),
        )
    check_names(estimates, given, known, elsewhere)
    built, low, high, infeasible, parts = _tightened(estimates, key, given, implied, tilings, not elsewhere)
    idle: tuple[str, ...] = ()
    if elsewhere:  # (a part of a larger table: the relations that hold in none of its groups)
        held = set(np.unique(built.row_relation).tolist())
        idle = tuple(dict.fromkeys(str(relation) for at, relation in enumerate(given) if at not in held))
    if joint:
        choice = choose(found, built, parts, infeasible)
        if choice.changed.any():  # the voices chosen across quantities: tighten their estimates again
            found = choice.found
            estimates = found.estimates
            if "low_tight" not in estimates:
                estimates = estimates.assign(low_tight=estimates["low"], high_tight=estimates["high"])
            built, low, high, infeasible, parts = _tightened(
                estimates, key, given, implied, tilings, not elsewhere
            )
    n_est = built.n_estimates
    bad_var = infeasible[parts.of_var]
    low = np.where(bad_var, np.nan, low) + 0.0  # -0.0 from a subtraction reads as 0
    high = np.where(bad_var, np.nan, high) + 0.0
    # Tightening never widens: propagation only intersects, and the LP's margin is cut here.
    est_low, est_high = estimates["low_tight"].to_numpy(float), estimates["high_tight"].to_numpy(float)
    tight_low = np.where(bad_var[:n_est], np.nan, np.maximum(low[:n_est], est_low))
    tight_high = np.where(bad_var[:n_est], np.nan, np.minimum(high[:n_est], est_high))
    new_estimates = estimates.assign(low_tight=tight_low, high_tight=tight_high)
    if joint:  # a retelling the relations rule out, in a voice they keep
        found = set_aside_outside(found, built, parts, tight_low, tight_high)
        new_estimates = new_estimates.assign(
            n_kept=found.estimates["n_kept"], status=found.estimates["status"]
        )
    new_estimates = check_built(Estimates, new_estimates)

    kept = found.claims[found.claims["kept"]]
    claim_estimate = _estimate_of_claims(kept, estimates, key)
    lineage_claims, lineage_relations = lineage(built, parts, kept, claim_estimate)
    totals = derived_totals(built, new_estimates, key, low, high, parts, lineage_claims, lineage_relations)
    conflicts = relation_conflicts(
        built, kept, claim_estimate, estimates, key, parts, infeasible, found.conflicts, found.policy
    )
    if len(conflicts):
        conflicts = check_built(Conflicts, pd.concat([found.conflicts, conflicts], ignore_index=True))
    else:
        conflicts = found.conflicts
    return Related(
        estimates=new_estimates, conflicts=conflicts, totals=totals, claims=found.claims, idle=idle
    )


def _tightened(
    estimates: pd.DataFrame,
    key: tuple[str, ...],
    given: list[Relation],
    implied: pd.DataFrame | None,
    tilings: pd.DataFrame | None,
    whole: bool,
) -> tuple[Built, np.ndarray, np.ndarray, np.ndarray, prop.Components]:
    """The relations as one system over the estimates, and the bounds it allows (``whole``: see ``build``)."""
    # The relations start from what earlier steps (time) allow, where they allow anything.
    before_low, before_high = estimates["low_tight"].to_numpy(float), estimates["high_tight"].to_numpy(float)
    open_ = np.isnan(before_low)
    bounded = estimates.assign(
        low=np.where(open_, estimates["low"], before_low),
        high=np.where(open_, estimates["high"], before_high),
    )
    built = build(bounded, key, given, implied, sums=tilings, whole=whole)
    low, high, infeasible, parts = _solve(built)
    return built, low, high, infeasible, parts


def _implied(
    estimates: pd.DataFrame, key: tuple[str, ...], parts: bool, places: Places | None
) -> pd.DataFrame | None:
    """The implied ``child <= parent`` checks: counts paths (with ``parts``), then places.

    Places are checked where ``places`` is given (an empty mapping: paths only).
    """
    found = [part_of_checks(estimates, key)] if parts and "counts" in key else []
    if places is not None:
        pairs = place_pairs(estimates, key, places)
        child, parent = pairs["child"].to_numpy(np.intp), pairs["parent"].to_numpy(np.intp)
        factor = unit_factors(estimates, child, parent)
        found.append(pairs.assign(factor=factor)[~np.isnan(factor)][["child", "parent", "factor", "text"]])
    found = [checks for checks in found if len(checks)]
    return pd.concat(found, ignore_index=True) if found else None


def _estimate_of_claims(kept: pd.DataFrame, estimates: pd.DataFrame, key: tuple[str, ...]) -> np.ndarray:
    index = estimates[list(key)].assign(_estimate=np.arange(len(estimates)))
    matched = kept[list(key)].merge(index, on=list(key), how="left")
    return matched["_estimate"].to_numpy(dtype=np.intp)
