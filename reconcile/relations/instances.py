"""Where each relation holds: the groups (a place and a date) of its instances.

A relation holds in a group where every quantity it names is present (claimed there, or
derived there by another relation that holds there) but at most one, which an equality
derives; an inequality, all of whose quantities must be present, derives nothing. A union
derives its whole where all its parts are present; a claimed coefficient (a share) must be
claimed in the group. A scope limits the groups; a stock and flow relation holds over the
spans of its flows. :func:`find_instances` finds them all by whole-table merges, in rounds, until
nothing more is derived.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from reconcile.errors import ArgumentError, Reason, RelationError
from reconcile.relations.scopes import described
from reconcile.relations.spans import groups_of_terms, no_span_error
from reconcile.relations.text import Relation
from reconcile.relations.tokens import caret


def find_instances(
    terms: pd.DataFrame,
    claimed: pd.DataFrame,
    relations: list[Relation],
    groups: pd.DataFrame,
    ends: pd.DataFrame,
    factors: pd.DataFrame,
    whole: bool = True,
) -> pd.DataFrame:
    """(relation, group) pairs where the relation holds.

    A relation holds in a group where every quantity it names is present (claimed there, or
    derived there by another relation that holds there) but at most one, which an equality
    derives there; an inequality derives nothing, so it holds only where all its quantities
    are present. At least one must be present: a relation of one quantity holds where it is.
    A union holds where all its parts are present, and derives its whole. A quantity that
    multiplies another (``factors``) is a coefficient, not a term: it must be claimed in the
    group. A scoped relation holds so in the groups of its scope only. A stock and flow relation
    holds in a span's group (one of ``ends``) where one of its flows is present, and reaches
    its stocks in the groups of the span's ends. Scoped relations are joined to the groups of
    their scope once; rounds of whole-table merges then reach the fixed point: what one round
    derives is present in the next, and the instances only grow.

    Args:
        terms: per term of a relation with a quantity: ``relation``, ``counts``, and ``at``
            (``""``, or ``"start"`` / ``"end"`` for a stock dated to an end of a span).
        claimed: per estimate: its ``group`` and ``counts``.
        relations: the relations ``terms`` index.
        groups: per group, the key's columns other than ``counts``.
        ends: per span's group and end (``at``), the ``target`` group of the day it ends on.
        factors: per claimed coefficient of a term: ``relation`` and ``counts``.
        whole: the claims are the whole table (not one partition of it on Dask).

    Returns:
        The (``relation``, ``group``) pairs, sorted.

    With ``whole`` false, the claims are part of a larger table (a partition on Dask): a
    relation may hold in none of their groups, and a scope match none.

    Raises:
        RelationError: a relation whose scope matches no group, or that holds in no group
            (the message names the quantities missing where most of them are present; for a
            stock and flow relation, none of its flows is present over a span).

    Examples:
        A union derives its whole in Yemen, where its parts are; in Syria a part is missing:

        >>> from reconcile.relations.text import Relation
        >>> union = Relation.parse("pin = union(pin/health, pin/food)")
        >>> terms = pd.DataFrame({"relation": 0, "counts": list(union.quantities), "at": ""})
        >>> claimed = pd.DataFrame({"group": [0, 0, 1], "counts": ["pin/health", "pin/food", "pin/food"]})
        >>> groups = pd.DataFrame({"place": ["Yemen", "Syria"]})
        >>> ends = pd.DataFrame({"group": [], "at": [], "target": []})
        >>> factors = pd.DataFrame({"relation": [], "counts": []})
        >>> find_instances(terms, claimed, [union], groups, ends, factors)
           relation  group
        0         0      0

    """
    present = claimed[["group", "counts"]].drop_duplicates()
    dated = terms[["relation", "counts", "at"]].drop_duplicates()
    # The terms that make a relation hold: a stock and flow relation's flows, a union's parts,
    # any other's all.
    pairs = pd.DataFrame(dated[dated["at"] == ""][["relation", "counts"]]).drop_duplicates()
    wholes = _union_wholes(relations)
    if len(wholes):
        pairs = pairs.merge(wholes, how="left", indicator=True)
        pairs = pd.DataFrame(pairs[pairs.pop("_merge").to_numpy() == "left_only"])
    timed = np.array([relation.across_time for relation in relations], dtype=bool)
    needed = _needed(relations, pairs, timed)
    # The claimed coefficients each relation needs, and where each relation has them all.
    coefficients = factors[["relation", "counts"]].drop_duplicates()
    n_coefficients = np.bincount(coefficients["relation"].to_numpy(np.intp), minlength=len(relations))
    found_coefficients: pd.Series | None = None
    if len(coefficients):
        claimed_there = coefficients.merge(present, on="counts")
        found_coefficients = claimed_there.groupby(["relation", "group"]).size().rename("coefficients")
    allowed = _scope_groups(relations, groups, whole)
    scoped = pairs["relation"].isin([r for r, relation in enumerate(relations) if relation.scope])
    free_pairs, scoped_pairs = pairs[~scoped], allowed.merge(pairs[scoped], on="relation")
    spans = ends["group"].unique()
    instances = pd.DataFrame({"relation": pd.Series(dtype=np.intp), "group": pd.Series(dtype=np.intp)})
    while True:  # each round derives a level more; it ends, as (relation, group) pairs are finite
        hits = pd.concat(
            [
                free_pairs.merge(present, on="counts")[["relation", "group"]],
                scoped_pairs.merge(present, on=["group", "counts"])[["relation", "group"]],
            ],
            ignore_index=True,
        )
        counted = hits.groupby(["relation", "group"], sort=False).size().rename("present").reset_index()
        at = counted["relation"].to_numpy(np.intp)
        holds = counted["present"].to_numpy() >= needed[at]
        if found_coefficients is not None:
            with_coefficients = counted.merge(found_coefficients, on=["relation", "group"], how="left")
            holds &= with_coefficients["coefficients"].fillna(0).to_numpy() >= n_coefficients[at]
        holds &= ~timed[at] | counted["group"].isin(spans).to_numpy()
        found = pd.DataFrame(counted[holds][["relation", "group"]])
        if len(found) == len(instances):
            break
        instances = found
        reached = instances.merge(dated, on="relation")
        reached = reached.assign(group=groups_of_terms(reached, ends))[["group", "counts"]]
        present = pd.concat([present, reached], ignore_index=True).drop_duplicates()
    idle = np.setdiff1d(np.arange(len(relations)), instances["relation"].to_numpy(dtype=np.intp))
    if len(idle) and whole:
        claims = claimed[["group", "counts"]]
        raise _holds_nowhere(relations[int(idle[0])], counted[at == idle[0]], present, claims, groups)
    return instances.sort_values(["relation", "group"]).reset_index(drop=True)


def _union_wholes(relations: list[Relation]) -> pd.DataFrame:
    """(relation, counts) of each union's whole, which the union derives where its parts are."""
    wholes = [
        (r, relation.defines[0]) for r, relation in enumerate(relations) if relation.operator == "union"
    ]
    return pd.DataFrame.from_records(wholes, columns=["relation", "counts"]).astype({"relation": np.intp})


def _needed(relations: list[Relation], pairs: pd.DataFrame, timed: np.ndarray) -> np.ndarray:
    """Per relation, how many of its quantities (a stock and flow relation's flows) must be present.

    All of an inequality's; all of an equality's but the one it derives (at least one); one
    flow of a stock and flow relation; all the parts of a union (``pairs`` leaves out its whole).
    """
    named = np.bincount(pairs["relation"].to_numpy(np.intp), minlength=len(relations))
    equal = np.array([relation.operator == "=" for relation in relations], dtype=bool)
    needed = np.where(equal, np.maximum(named - 1, 1), named)
    return np.where(timed, 1, needed)


def _holds_nowhere(
    relation: Relation,
    counted: pd.DataFrame,
    present: pd.DataFrame,
    claimed: pd.DataFrame,
    groups: pd.DataFrame,
) -> RelationError:
    """The error for a relation that holds in no group; ``counted`` has its present quantities per group.

    It names the quantities missing in the group where most of them are present (a claimed
    coefficient missing where it is not claimed, though derived).
    """
    if relation.across_time and (len(counted) or not relation.scope):
        return no_span_error(relation)
    where = " within its scope" if relation.scope else ""
    equality = relation.operator == "="
    coefficients = list(dict.fromkeys(name for term in relation.terms for name in term.factors))
    whole = relation.defines if relation.operator == "union" else ()
    if not len(counted):
        problem = (
            f"none of its quantities ({', '.join(relation.quantities)}) is claimed{where}, "
            "or derived from claims by another relation"
        )
    else:
        best = int(counted["group"].to_numpy()[np.argmax(counted["present"].to_numpy())])
        there = set(present.loc[present["group"].to_numpy() == best, "counts"].tolist())
        given = set(claimed.loc[claimed["group"].to_numpy() == best, "counts"].tolist())
        terms_missing = [
            quantity
            for quantity in relation.quantities
            if quantity not in whole and quantity not in coefficients and quantity not in there
        ]
        # Where the terms are there but for the one an equality derives, a coefficient is missing.
        derivable = len(terms_missing) <= (1 if equality else 0)
        missing = [] if derivable else terms_missing
        missing += [name for name in coefficients if name not in given]
        missing = missing or list(relation.quantities)
        said = f"{', '.join(missing[:-1])} and {missing[-1]}" if len(missing) > 1 else missing[0]
        group = ", ".join(
            f"{column}={value!r}" for column, value in groups.iloc[best].items() if not pd.isna(value)
        )
        rule = "all its quantities but one, which it derives," if equality else "all its quantities"
        rule = "all its parts" if whole else rule
        claimed_too = ", and the coefficients it multiplies by claimed" if coefficients else ""
        problem = (
            f"no group{where} has {rule} claimed or derived by another relation{claimed_too}; where "
            f"most are{f' ({group})' if group else ''}, {said} {'are' if len(missing) > 1 else 'is'} missing"
        )
    return RelationError(
        f"the relation {str(relation)!r} holds nowhere: {problem}",
        hint="a relation holds in the groups (place, date) where its quantities are claimed or derived, "
        "all but one for an equality (which derives it), all for an inequality; check the names "
        "against the claims' counts paths, claim or derive the missing ones, or leave the relation out",
        details=caret(relation.text, 0),
        text=relation.text,
        position=0,
        reason=Reason.RELATION_HOLDS_NOWHERE,
    )


def _scope_groups(relations: list[Relation], groups: pd.DataFrame, whole: bool) -> pd.DataFrame:
    """(relation, group) for each scoped relation and each group inside its scope: one join.

    A group is inside a scope when it has, for every column the scope names, one of the
    values the scope gives that column.

    Raises:
        ArgumentError: a scope column that is not a key column.
        RelationError: a scope that matches no group (the nearest values are the hint).

    """
    scopes = pd.DataFrame.from_records(
        [(r, column, value) for r, relation in enumerate(relations) for column, value in relation.scope],
        columns=["relation", "column", "value"],
    )
    if scopes.empty:
        return pd.DataFrame({"relation": pd.Series(dtype=np.intp), "group": pd.Series(dtype=np.intp)})
    unknown = scopes[~scopes["column"].isin(groups.columns)]
    if len(unknown):
        relation = relations[int(unknown["relation"].iloc[0])]
        raise ArgumentError(
            f"the relation {str(relation)!r} is scoped by {unknown['column'].iloc[0]!r}, which is not a key "
            f"column other than counts ({', '.join(map(str, groups.columns)) or 'none'})",
            hint="scope a relation by the key's place or date columns",
            reason=Reason.BAD_SCOPE,
        )
    columns = scopes["column"].unique().tolist()
    long = (
        groups[columns]
        .astype(object)
        .assign(group=np.arange(len(groups)))
        .melt(id_vars="group", var_name="column", value_name="value")
    )
    matched = scopes.merge(long, on=["column", "value"])
    needed = scopes.groupby("relation")["column"].nunique()
    hits = matched.groupby(["relation", "group"])["column"].nunique().rename("hits").reset_index()
    allowed = hits[hits["hits"].to_numpy() == needed.reindex(hits["relation"]).to_numpy()]
    empty = np.setdiff1d(needed.index.to_numpy(), allowed["relation"].to_numpy())
    if len(empty) and whole:
        relation = relations[int(empty[0])]
        known = {
            column: groups[column].dropna().astype(str).unique().tolist() for column, _ in relation.scope
        }
        near = [
            f"{column}={', '.join(map(repr, _nearest(value, known[column])))}"
            for column, value in relation.scope
            if value not in known[column]
        ]
        raise RelationError(
            f"the relation {relation.text!r} is scoped to {described(relation.scope)}, which matches no "
            "group of the claims",
            hint=("the nearest values are " + "; ".join(near) + ". " if near else "")
            + "a scope names values exactly as the claims' key columns spell them, in one group",
            details=caret(relation.text, 0),
            text=relation.text,
            position=0,
            reason=Reason.BAD_SCOPE,
        )
    return pd.DataFrame(allowed[["relation", "group"]]).reset_index(drop=True)


def _nearest(value: str, known: list[str]) -> list[str]:
    """Up to three of the known values nearest ``value``, ignoring case; the first few if none is."""
    folded = {name.casefold(): name for name in known}
    near = difflib.get_close_matches(value.casefold(), list(folded), n=3, cutoff=0.3)
    return [folded[name] for name in near] or sorted(known)[:3]
