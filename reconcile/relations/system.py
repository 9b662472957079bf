"""One reconciliation's relations as one linear system over its estimates and derived quantities.

:func:`build` joins every relation to the groups (the key without ``counts``) it holds in,
turns each term into a variable with a coefficient in the relation's unit, moves constants
to the right side, and adds a row per implied part-of check (:func:`part_of_checks`) and per
implied sum (flows over periods that tile a period: :mod:`reconcile.relations.tilings`).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from reconcile import _propagate as prop
from reconcile._interval import EPS, times
from reconcile.errors import ArgumentError, Reason, RelationError
from reconcile.relations.scopes import described
from reconcile.relations.spans import groups_of_terms, no_span_error, span_ends
from reconcile.relations.text import Relation
from reconcile.relations.tokens import caret, relation_error
from reconcile.units import canonical_unit, conversion_bounds, dimension, is_count


def _interval_product(factors: Iterable[tuple[float, float]]) -> tuple[float, float]:
    low, high = np.array([1.0]), np.array([1.0])
    for f_low, f_high in factors:
        low, high = times(low, high, np.array([f_low]), np.array([f_high]))
    return float(low[0]), float(high[0])


@dataclass(frozen=True, slots=True)
class Built:
    """A reconciliation's relations as one system over its estimates and derived quantities."""

    system: prop.System
    low: np.ndarray  # initial bounds of every variable
    high: np.ndarray
    n_estimates: int
    groups: pd.DataFrame  # per group: the key's columns other than counts (days spans end on added)
    derived_group: np.ndarray  # per derived quantity (variables n_estimates ...): its group
    derived_counts: np.ndarray  # ... and its counts path
    derived_unit: np.ndarray
    wanted: np.ndarray  # variables that are quantities (not auxiliary products)
    counting: np.ndarray  # per estimate: its unit counts (people, households ...), never negative
    row_relation: np.ndarray  # per row: the relation's index
    relation_texts: list[str]
    # for values and the probable interval of derived quantities
    term_row: np.ndarray
    term_var: np.ndarray
    term_value: np.ndarray  # the coefficient's value (figures at their values)
    term_exact: np.ndarray  # True when the coefficient has no range
    row_constant: np.ndarray  # the constants' value, moved to the right side
    row_constant_exact: np.ndarray
    row_equal: np.ndarray


def _multiply_units(a: str, b: str) -> str:
    if a == "dimensionless":
        return b
    return canonical_unit(f"({a}) * ({b})")


def _groups(estimates: pd.DataFrame, key: tuple[str, ...]) -> tuple[np.ndarray, pd.DataFrame]:
    """Each estimate's group (the key without ``counts``), and the key values of each group."""
    group_columns = [column for column in key if column != "counts"]
    if not group_columns:
        return np.zeros(len(estimates), dtype=np.intp), pd.DataFrame(index=range(1 if len(estimates) else 0))
    group = estimates.groupby(group_columns, dropna=False, sort=False).ngroup().to_numpy().astype(np.intp)
    first = np.unique(group, return_index=True)[1]
    return group, estimates.iloc[first][group_columns].reset_index(drop=True)


def _term_table(relations: list[Relation]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per term of every relation (a loop over relations, not over claims).

    Each term's coefficient is an interval (numbers times its figures' ranges), with its
    value (figures at their values) and its unit (the figures' units multiplied); ``at`` is
    the end of the span a stock is dated to (``""`` for a term of the group itself).
    """
    quantity_terms: list[tuple[Any, ...]] = []
    constant_terms: list[tuple[Any, ...]] = []
    for r, relation in enumerate(relations):
        bound = dict(relation.figures)
        for t, term in enumerate(relation.terms):
            c_low = c_high = term.coefficient
            if term.figures:
                ranges = [(bound[name].low, bound[name].high) for name in term.figures]
                c_low, c_high = _interval_product([(term.coefficient, term.coefficient), *ranges])
            value = term.coefficient * math.prod(bound[name].value for name in term.figures)
            unit = "dimensionless"
            for name in term.figures:
                unit = _multiply_units(bound[name].unit, unit)
            entry = (r, t, term.quantity, term.at or "", c_low, c_high, value, unit, term.position)
            (quantity_terms if term.quantity is not None else constant_terms).append(entry)
    columns = ["relation", "term", "counts", "at", "c_low", "c_high", "c_value", "c_unit", "position"]
    return (
        pd.DataFrame.from_records(quantity_terms, columns=columns),
        pd.DataFrame.from_records(constant_terms, columns=columns),
    )


def _instances(
    terms: pd.DataFrame,
    claimed: pd.DataFrame,
    relations: list[Relation],
    groups: pd.DataFrame,
    ends: pd.DataFrame,
) -> pd.DataFrame:
    """(relation, group) pairs where the relation holds.

    A relation holds in a group where every quantity it names is present (claimed there, or
    derived there by another relation that holds there) but at most one, which an equality
    derives there; an inequality derives nothing, so it holds only where all its quantities
    are present. At least one must be present: a relation of one quantity holds where it is.
    A scoped relation holds so in the groups of its scope only. A stock and flow relation
    holds in a span's group (one of ``ends``) where one of its flows is present, and reaches
    its stocks in the groups of the span's ends. Scoped relations are joined to the groups of
    their scope once; rounds of whole-table merges then reach the fixed point: what one round
    derives is present in the next, and the instances only grow.

    Raises:
        RelationError: a relation whose scope matches no group, or that holds in no group
            (the message names the quantities missing where most of them are present; for a
            stock and flow relation, none of its flows is present over a span).

    """
    present = claimed[["group", "counts"]].drop_duplicates()
    dated = terms[["relation", "counts", "at"]].drop_duplicates()
    # The terms that make a relation hold: a stock and flow relation's flows, any other's all.
    pairs = pd.DataFrame(dated[dated["at"] == ""][["relation", "counts"]]).drop_duplicates()
    timed = np.array([relation.across_time for relation in relations], dtype=bool)
    needed = _needed(relations, pairs, timed)
    allowed = _scope_groups(relations, groups)
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
        holds &= ~timed[at] | counted["group"].isin(spans).to_numpy()
        found = pd.DataFrame(counted[holds][["relation", "group"]])
        if len(found) == len(instances):
            break
        instances = found
        reached = instances.merge(dated, on="relation")
        reached = reached.assign(group=groups_of_terms(reached, ends))[["group", "counts"]]
        present = pd.concat([present, reached], ignore_index=True).drop_duplicates()
    idle = np.setdiff1d(np.arange(len(relations)), instances["relation"].to_numpy(dtype=np.intp))
    if len(idle):
        raise _holds_nowhere(relations[int(idle[0])], counted[at == idle[0]], present, groups)
    instances = instances.sort_values(["relation", "group"]).reset_index(drop=True)
    return instances.assign(row=np.arange(len(instances)))


def _needed(relations: list[Relation], pairs: pd.DataFrame, timed: np.ndarray) -> np.ndarray:
    """Per relation, how many of its quantities (a stock and flow relation's flows) must be present.

    All of an inequality's; all of an equality's but the one it derives (at least one); one
    flow of a stock and flow relation.
    """
    named = np.bincount(pairs["relation"].to_numpy(np.intp), minlength=len(relations))
    equal = np.array([relation.operator == "=" for relation in relations], dtype=bool)
    needed = np.where(equal, np.maximum(named - 1, 1), named)
    return np.where(timed, 1, needed)


def _holds_nowhere(
    relation: Relation, counted: pd.DataFrame, present: pd.DataFrame, groups: pd.DataFrame
) -> RelationError:
    """The error for a relation that holds in no group; ``counted`` has its present quantities per group.

    It names the quantities missing in the group where most of them are present.
    """
    if relation.across_time and (len(counted) or not relation.scope):
        return no_span_error(relation)
    where = " within its scope" if relation.scope else ""
    equality = relation.operator == "="
    if not len(counted):
        problem = (
            f"none of its quantities ({', '.join(relation.quantities)}) is claimed{where}, "
            "or derived from claims by another relation"
        )
    else:
        best = int(counted["group"].to_numpy()[np.argmax(counted["present"].to_numpy())])
        there = set(present.loc[present["group"].to_numpy() == best, "counts"].tolist())
        missing = [quantity for quantity in relation.quantities if quantity not in there]
        said = f"{', '.join(missing[:-1])} and {missing[-1]}" if len(missing) > 1 else missing[0]
        group = ", ".join(
            f"{column}={value!r}" for column, value in groups.iloc[best].items() if not pd.isna(value)
        )
        rule = "all its quantities but one, which it derives," if equality else "all its quantities"
        problem = (
            f"no group{where} has {rule} claimed or derived by another relation; where most are"
            f"{f' ({group})' if group else ''}, {said} {'are' if len(missing) > 1 else 'is'} missing"
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


def _scope_groups(relations: list[Relation], groups: pd.DataFrame) -> pd.DataFrame:
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
    if len(empty):
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


def build(
    estimates: pd.DataFrame,
    key: tuple[str, ...],
    relations: list[Relation],
    implied: pd.DataFrame | None = None,
    sums: pd.DataFrame | None = None,
) -> Built:
    """The rows, links and bounds of the relations in every group they hold in.

    ``implied`` holds part-of checks as (child, parent, factor, text) rows over estimates;
    ``sums`` holds implied equalities, one row per term: ``check`` (numbered from 0),
    ``estimate``, ``coefficient`` and ``text``, each check's terms summing to 0.
    """
    n_est = len(estimates)
    group, groups = _groups(estimates, key)
    groups, ends = span_ends(groups, relations)
    claimed = pd.DataFrame(
        {"group": group, "counts": estimates["counts"].to_numpy(dtype=object), "estimate": np.arange(n_est)}
    )
    terms, constant_terms = _term_table(relations)
    instances = _instances(terms, claimed, relations, groups, ends)
    full = instances.merge(terms, on="relation")  # each term in its group: a stock in its day's
    full = full.assign(group=groups_of_terms(full, ends)).merge(claimed, on=["group", "counts"], how="left")
    full = full.sort_values(["row", "term"], kind="stable").reset_index(drop=True)
    has_estimate = full["estimate"].notna().to_numpy()
    var = full["estimate"].fillna(-1).to_numpy(dtype=np.intp, copy=True)
    derived_rows = np.flatnonzero(~has_estimate)
    # Each (group, counts) pair no claim gives is one derived quantity.
    names, name_of = pd.factorize(full["counts"].to_numpy(dtype=object)[derived_rows])
    pair = full["group"].to_numpy(dtype=np.intp)[derived_rows] * max(len(name_of), 1) + names
    first_of, codes = np.unique(pair, return_index=True, return_inverse=True)[1:]
    var[derived_rows] = n_est + codes.reshape(-1)
    n_derived = len(first_of)
    derived_group = full["group"].to_numpy(dtype=np.intp)[derived_rows][first_of]
    derived_counts = np.asarray(name_of, dtype=object)[names[first_of]]
    row = full["row"].to_numpy(dtype=np.intp)
    relation_of_row = instances["relation"].to_numpy(dtype=np.intp)

    # Units: each instance is in the unit of its first term whose unit is known; a derived
    # quantity takes the unit its first such instance gives it; rounds reach totals of
    # totals. Every term then converts to its instance's unit.
    est_unit = estimates["unit"].to_numpy(dtype=object)
    c_unit = full["c_unit"].to_numpy(dtype=object)
    var_unit = np.r_[est_unit, np.full(n_derived, "", dtype=object)]
    reference = np.full(len(instances), "", dtype=object)
    term_unit = np.full(len(full), "", dtype=object)
    for _ in range(len(instances) + 1):
        known = np.flatnonzero((var_unit[var] != "") & (term_unit == ""))
        term_unit[known] = _pairwise(_multiply_units, c_unit[known], var_unit[var[known]])
        open_rows = np.flatnonzero((reference[row] == "") & (term_unit != ""))
        first = open_rows[np.unique(row[open_rows], return_index=True)[1]]
        reference[row[first]] = term_unit[first]
        waiting = np.flatnonzero((var_unit[var] == "") & (reference[row] != ""))
        if not len(waiting):
            break
        first_use = waiting[np.unique(var[waiting], return_index=True)[1]]
        var_unit[var[first_use]] = _pairwise(_divide_units, reference[row[first_use]], c_unit[first_use])
    derived_unit = var_unit[n_est:]
    target = reference[row]
    factor_low, factor_high = np.ones(len(full)), np.ones(len(full))
    for source, into in set(zip(term_unit.tolist(), target.tolist(), strict=True)):
        at = (term_unit == source) & (target == into)
        if dimension(source) != dimension(into):
            culprit = int(np.flatnonzero(at)[0])
            _raise_unit_mismatch(
                relations[relation_of_row[row[culprit]]], full, culprit, source, into, groups
            )
        least, _, most = conversion_bounds(source, into)
        factor_low[at], factor_high[at] = least, most

    # Coefficients: exact ones are linear terms; a coefficient with a range (a figure, or an
    # inexact unit factor) makes an auxiliary product y = c·x, whose y is the linear term.
    coef_low, coef_high = times(
        full["c_low"].to_numpy(float), full["c_high"].to_numpy(float), factor_low, factor_high
    )
    exact = coef_low == coef_high
    n_base = n_est + n_derived
    ranged = np.flatnonzero(~exact)
    aux = n_base + np.arange(len(ranged))
    term_var = var.copy()
    term_var[ranged] = aux
    term_coef = np.where(exact, coef_low, 1.0)
    term_value = full["c_value"].to_numpy(float) * (factor_low + factor_high) / 2

    operator = np.array([relation.operator for relation in relations], dtype=object)[relation_of_row]
    row_low = np.where(operator == "<=", -np.inf, 0.0)
    row_high = np.where(operator == ">=", np.inf, 0.0)
    row_constant, row_constant_exact = _constants(
        instances, constant_terms, reference, relations, row_low, row_high
    )
    texts = [relation.text for relation in relations]

    # Implied checks, one row each: part-of (child·factor - parent <= 0), sums (terms = 0).
    checks = _implied_terms(implied, sums)
    if len(checks):
        check = checks["check"].to_numpy(np.intp)
        heads = np.unique(check, return_index=True)[1]
        n_implied = len(heads)
        assert (check[heads] == np.arange(n_implied)).all(), "implied checks are numbered from 0"
        equal = checks["equal"].to_numpy(bool)[heads]
        row = np.r_[row, len(instances) + check]
        implied_var = checks["estimate"].to_numpy(np.intp)
        term_var, var = np.r_[term_var, implied_var], np.r_[var, implied_var]
        term_coef = np.r_[term_coef, checks["coefficient"].to_numpy(float)]
        term_value = np.r_[term_value, checks["coefficient"].to_numpy(float)]
        exact = np.r_[exact, np.ones(len(checks), dtype=bool)]
        row_low = np.r_[row_low, np.where(equal, 0.0, -np.inf)]
        row_high = np.r_[row_high, np.zeros(n_implied)]
        row_constant = np.r_[row_constant, np.zeros(n_implied)]
        row_constant_exact = np.r_[row_constant_exact, np.ones(n_implied, dtype=bool)]
        operator = np.r_[operator, np.where(equal, "=", "<=").astype(object)]
        text_codes, implied_texts = pd.factorize(checks["text"].to_numpy(dtype=object)[heads])
        relation_of_row = np.r_[relation_of_row, len(relations) + np.asarray(text_codes, dtype=np.intp)]
        texts += [str(text) for text in implied_texts.tolist()]

    n_vars = n_base + len(ranged)
    low, high = np.empty(n_vars), np.empty(n_vars)
    low[:n_est], high[:n_est] = estimates["low"].to_numpy(float), estimates["high"].to_numpy(float)
    counting = _pairwise(lambda unit, _: is_count(unit), derived_unit, derived_unit).astype(bool)
    low[n_est:n_base] = np.where(counting, 0.0, -np.inf)  # a count is never negative
    high[n_est:n_base] = np.inf
    low[n_base:], high[n_base:] = -np.inf, np.inf
    system = prop.System(
        n=n_vars,
        term_row=row,
        term_var=term_var,
        term_coef=term_coef,
        row_low=row_low,
        row_high=row_high,
        link_y=aux,
        link_x=var[ranged],
        link_low=coef_low[ranged],
        link_high=coef_high[ranged],
    )
    return Built(
        system=system,
        low=low,
        high=high,
        n_estimates=n_est,
        groups=groups,
        derived_group=derived_group,
        derived_counts=derived_counts,
        derived_unit=derived_unit,
        wanted=np.arange(n_vars) < n_base,
        counting=_pairwise(lambda unit, _: is_count(unit), est_unit, est_unit).astype(bool),
        row_relation=relation_of_row,
        relation_texts=texts,
        term_row=row,
        term_var=var,
        term_value=term_value,
        term_exact=exact,
        row_constant=row_constant,
        row_constant_exact=row_constant_exact,
        row_equal=operator == "=",
    )


def _implied_terms(implied: pd.DataFrame | None, sums: pd.DataFrame | None) -> pd.DataFrame:
    """The implied checks as terms (``check``, ``estimate``, ``coefficient``, ``equal``, ``text``).

    Part-of checks first (the child, then the parent), then the sums, numbered on from them.
    """
    columns = ["check", "estimate", "coefficient", "equal", "text"]
    frames = []
    n = 0 if implied is None else len(implied)
    if implied is not None and n:
        frames.append(
            pd.DataFrame(
                {
                    "check": np.repeat(np.arange(n, dtype=np.intp), 2),
                    "estimate": np.column_stack(
                        [implied["child"].to_numpy(np.intp), implied["parent"].to_numpy(np.intp)]
                    ).reshape(-1),
                    "coefficient": np.column_stack([implied["factor"].to_numpy(float), -np.ones(n)]).reshape(
                        -1
                    ),
                    "equal": False,
                    "text": np.repeat(
                        (implied["text"].astype(str) + " (implied part)").to_numpy(dtype=object), 2
                    ),
                }
            )
        )
    if sums is not None and len(sums):
        frames.append(sums.assign(check=sums["check"] + n, equal=True)[columns])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _pairwise(combine: Any, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """``combine(a, b)`` for each pair, computed once per distinct pair of units."""
    if not len(first):
        return np.array([], dtype=object)
    first_code, first_values = pd.factorize(first.astype(object))
    second_code, second_values = pd.factorize(second.astype(object))
    pairs, where = np.unique(first_code * len(second_values) + second_code, return_inverse=True)
    results = np.array(
        [
            combine(str(first_values[p // len(second_values)]), str(second_values[p % len(second_values)]))
            for p in pairs.tolist()
        ],
        dtype=object,
    )
    return np.asarray(results[where.reshape(-1)], dtype=object)


def _divide_units(a: str, b: str) -> str:
    return a if b == "dimensionless" else canonical_unit(f"({a}) / ({b})")


def _constants(
    instances: pd.DataFrame,
    constant_terms: pd.DataFrame,
    reference: np.ndarray,
    relations: list[Relation],
    row_low: np.ndarray,
    row_high: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Move constant terms to the right side (in place on the row bounds); their values."""
    n_rows = len(instances)
    if not len(constant_terms) or not n_rows:
        return np.zeros(n_rows), np.ones(n_rows, dtype=bool)
    const = instances[["relation", "row"]].merge(constant_terms, on="relation")
    at_row = const["row"].to_numpy(dtype=np.intp)
    k_low, k_high = const["c_low"].to_numpy(float), const["c_high"].to_numpy(float)
    k_value = const["c_value"].to_numpy(float)
    k_unit = const["c_unit"].to_numpy(dtype=object)
    k_ref = reference[at_row]
    for source, into in set(zip(k_unit.tolist(), k_ref.tolist(), strict=True)):
        if source == "dimensionless":
            continue  # a plain number is in the relation's unit
        at = (k_unit == source) & (k_ref == into)
        if dimension(source) != dimension(into):
            first = int(np.flatnonzero(at)[0])
            relation = relations[int(const["relation"].iloc[first])]
            raise relation_error(
                f"a figure in {source!r} is added to quantities in {into!r}",
                relation.text,
                int(const["position"].iloc[first]),
                hint="give the figure the unit of the quantities it is added to",
                reason=Reason.UNIT_MISMATCH,
            )
        least, factor, most = conversion_bounds(source, into)
        n_at = int(at.sum())
        k_low[at], k_high[at] = times(k_low[at], k_high[at], np.full(n_at, least), np.full(n_at, most))
        k_value[at] *= factor
    sum_low = np.bincount(at_row, weights=k_low, minlength=n_rows)
    sum_high = np.bincount(at_row, weights=k_high, minlength=n_rows)
    count = np.bincount(at_row, minlength=n_rows)
    margin = np.where(count > 1, (count + 1) * EPS * (np.abs(sum_low) + np.abs(sum_high)), 0.0)
    with np.errstate(invalid="ignore"):
        row_low[:] = row_low - sum_high - margin
        row_high[:] = row_high - sum_low + margin
    ranged = np.bincount(at_row, weights=k_low != k_high, minlength=n_rows) > 0
    return -np.bincount(at_row, weights=k_value, minlength=n_rows), ~ranged


def _raise_unit_mismatch(
    relation: Relation, full: pd.DataFrame, at: int, unit: str, reference: str, groups: pd.DataFrame
) -> None:
    counts = full["counts"].iloc[at]
    position = int(full["position"].iloc[at])
    where = ", ".join(
        f"{column}={value!r}"
        for column, value in groups.iloc[int(full["group"].iloc[at])].items()
        if not pd.isna(value)
    )
    raise RelationError(
        f"{counts!r} is in {unit!r} but the relation {relation.text!r} is in {reference!r}"
        + (f" (where {where})" if where else ""),
        hint="terms of a relation must be in one unit: households or families become people only "
        "through a size figure, e.g. 'displaced = size * displaced/families' with "
        "figures={'size': rc.parse('about 6', unit='person / family')}",
        details=caret(relation.text, position),
        text=relation.text,
        position=position,
        reason=Reason.UNIT_MISMATCH,
    )


def unit_factors(estimates: pd.DataFrame, child: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """Per (child, parent) pair of estimate rows, the exact factor of the child's unit into the parent's.

    NaN where the units cannot be compared (families and people) or the factor is inexact.
    """
    unit = estimates["unit"].to_numpy(dtype=object)
    return _pairwise(_exact_factor, unit[child], unit[parent]).astype(float)


def part_of_checks(estimates: pd.DataFrame, key: tuple[str, ...]) -> pd.DataFrame:
    """``child <= parent`` for every estimate whose parent path is claimed in its group.

    Rows: ``child`` and ``parent`` (estimate rows), ``factor`` (the child's unit into the
    parent's) and ``text``. A child and parent in units that cannot be compared (families
    and people) are not checked; an inexact unit factor is not either.
    """
    columns = ["child", "parent", "factor", "text"]
    counts = estimates["counts"]
    paths = counts.dropna().astype(str).unique()
    nested = [path for path in paths.tolist() if "/" in path]  # distinct paths, not rows
    present = set(paths.tolist())
    if not any(path.rsplit("/", 1)[0] in present for path in nested):
        return pd.DataFrame(columns=columns)
    group, _ = _groups(estimates, key)
    frame = pd.DataFrame(
        {"group": group, "counts": counts.to_numpy(dtype=object), "row": np.arange(len(group))}
    )
    children = frame[frame["counts"].isin(nested)]
    children = children.assign(parent_counts=children["counts"].astype(str).str.rsplit("/", n=1).str[0])
    pairs = children.merge(
        frame.rename(columns={"counts": "parent_counts", "row": "parent"}), on=["group", "parent_counts"]
    )
    unit = estimates["unit"].to_numpy(dtype=object)
    factor = _pairwise(
        _exact_factor, unit[pairs["row"].to_numpy(np.intp)], unit[pairs["parent"].to_numpy(np.intp)]
    )
    factor = factor.astype(float)
    pairs = pairs.assign(factor=factor)[~np.isnan(factor)]
    return pd.DataFrame(
        {
            "child": pairs["row"].to_numpy(np.intp),
            "parent": pairs["parent"].to_numpy(np.intp),
            "factor": pairs["factor"].to_numpy(float),
            "text": (pairs["counts"].astype(str) + " <= " + pairs["parent_counts"]).to_numpy(dtype=object),
        }
    )


def _exact_factor(source: str, into: str) -> float:
    """The factor from one unit into another when it is exact; NaN when there is none."""
    if dimension(source) != dimension(into):
        return math.nan
    least, factor, most = conversion_bounds(source, into)
    return factor if least == most else math.nan


def derived_keys(built: Built, key: tuple[str, ...]) -> pd.DataFrame:
    """The key columns of each derived quantity: its group's values and its counts path."""
    keys = built.groups.iloc[built.derived_group].reset_index(drop=True)
    return keys.assign(counts=built.derived_counts)[list(key)]


def joined(component: np.ndarray, text: np.ndarray, wanted: np.ndarray, separator: str) -> pd.Series:
    """Per wanted component, its distinct texts in order, joined by ``separator``."""
    keep = np.isin(component, wanted)
    frame = pd.DataFrame({"component": component[keep], "text": text[keep]}).drop_duplicates()
    frame = frame.sort_values("component", kind="stable")
    if frame.empty:
        return pd.Series(dtype=object)
    owners = frame["component"].to_numpy()
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    pieces = (frame["text"].to_numpy(dtype=object) + separator).astype(object)
    joined = np.add.reduceat(pieces, starts)
    return pd.Series(
        [text[: -len(separator)] for text in joined.tolist()], index=owners[starts], dtype=object
    )
