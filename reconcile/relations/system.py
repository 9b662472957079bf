"""One reconciliation's relations as one linear system over its estimates and derived quantities.

:func:`build` joins every relation to the groups (the key without ``counts``) it holds in
(:mod:`reconcile.relations.instances`), turns each term into a variable with a coefficient in
the relation's unit (a claimed share's range in the group, for a term it multiplies), moves
constants to the right side, and adds a row per implied part-of check (:func:`part_of_checks`)
and per implied sum (flows over periods that tile a period: :mod:`reconcile.relations.tilings`).
A union is a row per part and one for their sum (:mod:`reconcile.relations.unions`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from reconcile import _propagate as prop
from reconcile._hxl_tags import broader_counts
from reconcile._interval import EPS, times
from reconcile.errors import Reason, RelationError
from reconcile.relations.instances import find_instances
from reconcile.relations.spans import groups_of_terms, span_ends
from reconcile.relations.text import Relation
from reconcile.relations.tokens import caret, relation_error
from reconcile.relations.unions import union_rows, whole_of
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
    # per claimed coefficient (a share) in a group: its estimate, and the variable it multiplies
    coefficient_estimate: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))
    coefficient_of: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))


class _Coefficients(NamedTuple):
    """Per term in its group, its coefficient: numbers, figures and claimed shares multiplied."""

    low: np.ndarray
    high: np.ndarray
    value: np.ndarray
    unit: np.ndarray
    estimate: np.ndarray  # per claimed coefficient read: its estimate ...
    term: np.ndarray  # ... and the term (in its group) it multiplies


def _coefficients(
    full: pd.DataFrame, factors: pd.DataFrame, claimed: pd.DataFrame, estimates: pd.DataFrame
) -> _Coefficients:
    """Per term in its group, the range, value and unit of its coefficient, its claimed shares in.

    A claimed coefficient (a share) is read in the group its relation holds in (``home``):
    its estimate's range there, the relation's tightening of it aside, bounds the product on
    both sides, as a figure's range does. A share in ``percent`` or another unit of no
    dimension becomes a plain number.
    """
    low, high = full["c_low"].to_numpy(float, copy=True), full["c_high"].to_numpy(float, copy=True)
    value, unit = full["c_value"].to_numpy(float, copy=True), full["c_unit"].to_numpy(dtype=object, copy=True)
    if not len(factors):
        return _Coefficients(low, high, value, unit, np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp))
    n = len(full)
    read = full[["relation", "term", "home"]].assign(at=np.arange(n)).merge(factors, on=["relation", "term"])
    # The holding rule keeps a relation to the groups where each coefficient is claimed.
    read = read.merge(claimed.rename(columns={"group": "home"}), on=["home", "counts"])
    estimate = read["estimate"].to_numpy(np.intp)
    f_low, f_high = estimates["low"].to_numpy(float)[estimate], estimates["high"].to_numpy(float)[estimate]
    f_value = estimates["value"].to_numpy(float)[estimate]
    f_unit = estimates["unit"].to_numpy(dtype=object)[estimate]
    for source in set(f_unit.tolist()) - {"dimensionless"}:  # the few units shares are claimed in
        if dimension(source) == dimension("dimensionless"):
            at = f_unit == source
            least, factor, most = conversion_bounds(source, "dimensionless")
            n_at = int(at.sum())
            f_low[at], f_high[at] = times(f_low[at], f_high[at], np.full(n_at, least), np.full(n_at, most))
            f_value[at], f_unit[at] = f_value[at] * factor, "dimensionless"
    where, slot = read["at"].to_numpy(np.intp), read["slot"].to_numpy(np.intp)
    for s in np.unique(slot).tolist():  # a term's coefficients, one at a time: a handful
        at = slot == s
        into = where[at]
        low[into], high[into] = times(low[into], high[into], f_low[at], f_high[at])
        value[into] *= f_value[at]
        unit[into] = _pairwise(_multiply_units, f_unit[at], unit[into])
    return _Coefficients(low, high, value, unit, estimate, where)


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


class _Terms(NamedTuple):
    """The terms of every relation, and the rows (forms) each relation becomes in a group."""

    quantities: pd.DataFrame  # per term of a form with a quantity (a form is a row of one instance)
    constants: pd.DataFrame  # per constant term
    factors: pd.DataFrame  # per claimed coefficient of a term: relation, term, slot, counts
    operators: np.ndarray  # per relation: its operator (form 0)
    forms: pd.DataFrame | None  # per form of a relation (relation, form, operator); None without unions


def _term_table(relations: list[Relation]) -> _Terms:
    """One row per term of every relation (a loop over relations, not over claims).

    Each term's coefficient is an interval (numbers times its figures' ranges), with its
    value (figures at their values) and its unit (the figures' units multiplied); ``at`` is
    the end of the span a stock is dated to (``""`` for a term of the group itself). A
    relation is one row in each group it holds in (its form 0); a union is a row per part
    (``whole - part >= 0``) and one for their sum (``whole - Σ parts <= 0``). A term's claimed
    coefficients (``factors``) are read in each group, in :func:`build`.
    """
    quantity_terms: list[tuple[Any, ...]] = []
    constant_terms: list[tuple[Any, ...]] = []
    factors: list[tuple[int, int, int, str]] = []
    union_forms: list[tuple[int, int, str]] = []
    for r, relation in enumerate(relations):
        bound = dict(relation.figures)
        first = len(quantity_terms)
        for t, term in enumerate(relation.terms):
            c_low = c_high = term.coefficient
            if term.figures:
                ranges = [(bound[name].low, bound[name].high) for name in term.figures]
                c_low, c_high = _interval_product([(term.coefficient, term.coefficient), *ranges])
            value = term.coefficient * math.prod(bound[name].value for name in term.figures)
            unit = "dimensionless"
            for name in term.figures:
                unit = _multiply_units(bound[name].unit, unit)
            entry = (r, 0, t, term.quantity, term.at or "", c_low, c_high, value, unit, term.position)
            (quantity_terms if term.quantity is not None else constant_terms).append(entry)
            if term.factors:
                factors += [(r, t, slot, name) for slot, name in enumerate(term.factors)]
        if relation.operator == "union":  # its terms are all quantities, each alone
            entries = quantity_terms[first:]
            del quantity_terms[first:]
            whole = whole_of([term.side for term in relation.terms])
            for form, (operator, members) in enumerate(union_rows(len(entries), whole)):
                union_forms.append((r, form, operator))
                quantity_terms += [(r, form, *entries[t][2:5], c, c, c, *entries[t][8:]) for t, c in members]
    operators = np.array([relation.operator for relation in relations], dtype=object)
    forms = None
    if union_forms:
        plain = [(r, 0, operator) for r, operator in enumerate(operators.tolist()) if operator != "union"]
        forms = pd.DataFrame.from_records([*plain, *union_forms], columns=["relation", "form", "operator"])
    columns = ["relation", "form", "term", "counts", "at", "c_low", "c_high", "c_value", "c_unit", "position"]
    return _Terms(
        quantities=pd.DataFrame.from_records(quantity_terms, columns=columns),
        constants=pd.DataFrame.from_records(constant_terms, columns=columns),
        factors=pd.DataFrame.from_records(factors, columns=["relation", "term", "slot", "counts"]),
        operators=operators,
        forms=forms,
    )


def build(
    estimates: pd.DataFrame,
    key: tuple[str, ...],
    relations: list[Relation],
    implied: pd.DataFrame | None = None,
    sums: pd.DataFrame | None = None,
    whole: bool = True,
) -> Built:
    """The rows, links and bounds of the relations in every group they hold in.

    ``implied`` holds part-of checks as (child, parent, factor, text) rows over estimates;
    ``sums`` holds implied equalities, one row per term: ``check`` (numbered from 0),
    ``estimate``, ``coefficient`` and ``text``, each check's terms summing to 0. With
    ``whole`` false the estimates are part of a larger table, where a relation may hold
    nowhere (see :func:`~reconcile.relations.instances.find_instances`).
    """
    n_est = len(estimates)
    group, groups = _groups(estimates, key)
    groups, ends = span_ends(groups, relations)
    claimed = pd.DataFrame(
        {"group": group, "counts": estimates["counts"].to_numpy(dtype=object), "estimate": np.arange(n_est)}
    )
    table = _term_table(relations)
    instances = find_instances(table.quantities, claimed, relations, groups, ends, table.factors, whole)
    if table.forms is not None:  # a union is a row per part, and one for the sum
        rows = instances.merge(table.forms, on="relation").sort_values(["relation", "group", "form"])
    else:
        rows = instances.assign(form=0, operator=table.operators[instances["relation"].to_numpy(np.intp)])
    rows = rows.reset_index(drop=True).assign(row=lambda frame: np.arange(len(frame)))
    full = rows.merge(
        table.quantities, on=["relation", "form"]
    )  # each term in its group: a stock in its day's
    full = full.assign(home=full["group"], group=groups_of_terms(full, ends))
    full = full.merge(claimed, on=["group", "counts"], how="left")
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
    relation_of_row = rows["relation"].to_numpy(dtype=np.intp)
    coefficient = _coefficients(full, table.factors, claimed, estimates)

    # Units: each instance is in the unit of its first term whose unit is known; a derived
    # quantity takes the unit its first such instance gives it; rounds reach totals of
    # totals. Every term then converts to its instance's unit.
    est_unit = estimates["unit"].to_numpy(dtype=object)
    c_unit = coefficient.unit
    var_unit = np.r_[est_unit, np.full(n_derived, "", dtype=object)]
    reference = np.full(len(rows), "", dtype=object)
    term_unit = np.full(len(full), "", dtype=object)
    for _ in range(len(rows) + 1):
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

    # Coefficients: exact ones are linear terms; a coefficient with a range (a figure, a claimed
    # share, or an inexact unit factor) makes an auxiliary product y = c·x, whose y is the linear term.
    coef_low, coef_high = times(coefficient.low, coefficient.high, factor_low, factor_high)
    # An end nearer 0 than the least normal float has no finite inverse: widen it to 0, which
    # is sound. A coefficient of exactly 0 (a share claimed as 0) is a product too: y = 0·x.
    tiny = np.finfo(float).tiny
    coef_low = np.where((coef_low > 0) & (coef_low < tiny), 0.0, coef_low)
    coef_high = np.where((coef_high < 0) & (coef_high > -tiny), 0.0, coef_high)
    exact = (coef_low == coef_high) & (coef_low != 0)
    n_base = n_est + n_derived
    ranged = np.flatnonzero(~exact)
    aux = n_base + np.arange(len(ranged))
    term_var = var.copy()
    term_var[ranged] = aux
    term_coef = np.where(exact, coef_low, 1.0)
    term_value = coefficient.value * (factor_low + factor_high) / 2

    operator = rows["operator"].to_numpy(dtype=object)
    row_low = np.where(operator == "<=", -np.inf, 0.0)
    row_high = np.where(operator == ">=", np.inf, 0.0)
    row_constant, row_constant_exact = _constants(
        rows, table.constants, reference, relations, row_low, row_high
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
        row = np.r_[row, len(rows) + check]
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
        coefficient_estimate=coefficient.estimate,
        coefficient_of=var[coefficient.term],
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
    rows: pd.DataFrame,
    constant_terms: pd.DataFrame,
    reference: np.ndarray,
    relations: list[Relation],
    row_low: np.ndarray,
    row_high: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Move constant terms to the right side (in place on the row bounds); their values."""
    n_rows = len(rows)
    if not len(constant_terms) or not n_rows:
        return np.zeros(n_rows), np.ones(n_rows, dtype=bool)
    const = rows[["relation", "form", "row"]].merge(constant_terms, on=["relation", "form"])
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

    A path's parents are the path without its last segment, and the paths without one of its
    sex or age segments (:func:`reconcile.hxl.broader_counts`).

    Rows: ``child`` and ``parent`` (estimate rows), ``factor`` (the child's unit into the
    parent's) and ``text``. A child and parent in units that cannot be compared (families
    and people) are not checked; an inexact unit factor is not either.
    """
    columns = ["child", "parent", "factor", "text"]
    counts = estimates["counts"]
    paths = counts.dropna().astype(str).unique()
    present = set(paths.tolist())
    # Per distinct path (not per row): its parent, and the paths it is part of by leaving out a
    # sex or age segment (affected/idps/f/children is part of affected/idps/children).
    links = [
        (path, parent)
        for path in paths.tolist()
        if "/" in path
        for parent in dict.fromkeys([path.rsplit("/", 1)[0], *broader_counts(path)])
        if parent in present
    ]
    if not links:
        return pd.DataFrame(columns=columns)
    group, _ = _groups(estimates, key)
    frame = pd.DataFrame(
        {"group": group, "counts": counts.to_numpy(dtype=object), "row": np.arange(len(group))}
    )
    children = frame.merge(pd.DataFrame(links, columns=["counts", "parent_counts"]), on="counts")
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
