"""Bounds that linear relations allow: vectorised propagation, one LP for the cyclic parts.

A :class:`System` is a set of variables with bounds, linear rows ``row_low <= Σ coef·x <=
row_high`` and product links ``y = c·x`` whose coefficient ``c`` is only known to lie in
``[link_low, link_high]`` (a figure such as a household size). Every step here is sound:
bounds only shrink to what the rows, links and other bounds allow, rounded outward.

- :func:`propagate` tightens every variable of every component at once, with whole-array
  operations, until nothing moves. On a component whose variable-constraint graph is a
  tree (a hierarchy of sums) the result is the exact range each variable can take, and an
  empty range is found exactly when the component has no solution.
- :func:`lp_refine` takes the components with cycles or shared terms and finds their exact
  ranges with HiGHS (:func:`scipy.optimize.linprog`): one elastic feasibility solve for all
  of them, then one solve of a block-diagonal LP holding one copy of each component per
  bound sought. HiGHS's word that a component has no solution is final; a component it
  cannot settle keeps propagation's bounds and is reported as unsettled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from reconcile._interval import EPS, minus, next_above, next_below, product_bounds, times

# scipy is imported where a solve or a graph needs it, so `import reconcile` stays light.
if TYPE_CHECKING:
    from scipy import sparse

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]
Bools = npt.NDArray[np.bool_]

#: A bound that moves by less than this share of its size no longer counts as moving.
_SETTLED = 1e-12
#: Propagation stops after this many rounds even if bounds still creep (only in cycles,
#: which the LP then settles); on a tree it stops after about its depth.
MAX_ROUNDS = 200
#: HiGHS meets constraints to about 1e-7 of their scale; LP bounds are widened by this share.
_LP_TOLERANCE = 1e-7
#: The rounds a feasibility test lets bounds in a cycle creep before HiGHS decides.
QUICK_ROUNDS = 20
#: Components with more variables than this keep propagation's (sound) bounds: their LP
#: would need one copy per bound sought.
MAX_LP_COMPONENT = 400


@dataclass(frozen=True, slots=True)
class System:
    """Linear rows and product links over ``n`` variables (bounds are passed separately)."""

    n: int
    term_row: Ints  # per term of a linear row: its row
    term_var: Ints  # ... its variable
    term_coef: Floats  # ... its exact, nonzero coefficient
    row_low: Floats  # per linear row
    row_high: Floats
    link_y: Ints  # per product link y = c·x
    link_x: Ints
    link_low: Floats  # the range of c
    link_high: Floats

    @property
    def n_rows(self) -> int:
        return len(self.row_low)

    @property
    def n_links(self) -> int:
        return len(self.link_y)


def _whole(values: Floats) -> Bools:
    """Finite whole numbers, or infinities (which do not round)."""
    finite = np.isfinite(values)
    return np.asarray(~finite | (np.mod(np.where(finite, values, 0.0), 1.0) == 0), dtype=bool)


def _sum_but_one(values: Floats, row: Ints, n_rows: int, infinity: float) -> tuple[Floats, Floats]:
    """Per term, the sum of the other terms of its row, keeping infinite terms infinite.

    Also returns, per term, the sum of the absolute finite parts of its row, which bounds
    the rounding error of the sum.
    """
    finite = np.isfinite(values)
    finite_part = np.where(finite, values, 0.0)
    total = np.bincount(row, weights=finite_part, minlength=n_rows)
    infinite = np.bincount(row, weights=~finite, minlength=n_rows)
    size = np.bincount(row, weights=np.abs(finite_part), minlength=n_rows)
    others = total[row] - finite_part
    others = np.where(infinite[row] - ~finite > 0, infinity, others)
    return np.asarray(others, dtype=float), np.asarray(size[row], dtype=float)


def propagate(
    system: System,
    low: Floats,
    high: Floats,
    settle: Bools | None = None,
    rounds: int | None = None,
    until_empty: bool = False,
    copy_size: int = 0,
) -> tuple[Floats, Floats]:
    """Tighten the bounds to what every row and link allows, all components at once.

    Returns new arrays; a variable whose ``low > high`` has no value that satisfies its
    component (the component is infeasible). Sound: no value that satisfies every row,
    link and bound is ever cut off, however many rounds run.

    Rounds continue while the ``settle`` variables (default: all) still move, however deep
    their trees (a tree settles in about as many rounds as it is deep); the others get at
    most ``rounds`` rounds (``MAX_ROUNDS`` by default), since bounds in a cycle can creep
    toward their limit. A test of feasibility that hands cycles to HiGHS anyway passes a few;
    one that needs only a yes or no passes ``until_empty`` to stop at the first empty range
    (bounds only tighten: an empty range stays empty). For a system of :func:`copies`, of
    ``copy_size`` variables each, a copy with an empty range no longer counts as moving.
    """
    low, high = low.astype(float, copy=True), high.astype(float, copy=True)
    row, var, coef = system.term_row, system.term_var, system.term_coef
    positive = coef > 0
    power_of_two = np.frexp(coef)[0] == 0.5 * np.sign(coef)
    # In a row of two terms, "the others" is the other term itself, with no rounding.
    index = np.arange(len(row))
    first = np.full(system.n_rows, len(row), dtype=np.intp)
    last = np.full(system.n_rows, -1, dtype=np.intp)
    np.minimum.at(first, row, index)
    np.maximum.at(last, row, index)
    count = np.bincount(row, minlength=system.n_rows)[row]
    pair = count == 2
    other = np.where(pair, np.where(first[row] == index, last[row], first[row]), index)
    settle = np.ones(system.n, dtype=bool) if settle is None else settle
    limit = MAX_ROUNDS if rounds is None else rounds
    for round_number in range(MAX_ROUNDS + system.n_rows + system.n_links):
        before_low, before_high = low.copy(), high.copy()
        if len(row):
            low_side = np.where(positive, low[var], high[var])
            high_side = np.where(positive, high[var], low[var])
            term_low, term_high = product_bounds(coef, low_side)[0], product_bounds(coef, high_side)[1]
            term_low = np.where(power_of_two, coef * low_side, term_low)
            term_high = np.where(power_of_two, coef * high_side, term_high)
            others_low, size_low = _sum_but_one(term_low, row, system.n_rows, -np.inf)
            others_high, size_high = _sum_but_one(term_high, row, system.n_rows, np.inf)
            # A float sum of k terms is off by at most k·eps times the sum of their sizes; a
            # sum of whole numbers below 2**52 is exact, and so is a single other term.
            slack = (count + 2.0) * EPS * (size_low + size_high)
            whole = _whole(term_low) & _whole(term_high)
            fractional = np.bincount(row, weights=~whole, minlength=system.n_rows)[row]
            slack = np.where((fractional == 0) & (size_low + size_high < 2.0**52), 0.0, slack)
            others_low = np.where(pair, term_low[other], others_low)
            others_high = np.where(pair, term_high[other], others_high)
            slack = np.where(pair | (count == 1), 0.0, slack)
            allowed_low = minus(system.row_low[row], others_high, -np.inf)
            allowed_high = minus(system.row_high[row], others_low, np.inf)
            allowed_low = np.where(slack > 0, next_below(allowed_low - slack), allowed_low)
            allowed_high = np.where(slack > 0, next_above(allowed_high + slack), allowed_high)
            new_low = np.where(positive, allowed_low / coef, allowed_high / coef)
            new_high = np.where(positive, allowed_high / coef, allowed_low / coef)
            new_low = np.where(power_of_two, new_low, next_below(new_low))  # exact division needs no rounding
            new_high = np.where(power_of_two, new_high, next_above(new_high))
            np.maximum.at(low, var, new_low)
            np.minimum.at(high, var, new_high)
        if system.n_links:
            y, x = system.link_y, system.link_x
            c_low, c_high = system.link_low, system.link_high
            y_low, y_high = times(c_low, c_high, low[x], high[x])
            np.maximum.at(low, y, y_low)
            np.minimum.at(high, y, y_high)
            invertible = (c_low > 0) | (c_high < 0)
            if invertible.any():
                inverse_low = np.where(invertible, 1.0 / np.where(invertible, c_high, 1.0), 0.0)
                inverse_high = np.where(invertible, 1.0 / np.where(invertible, c_low, 1.0), 0.0)
                x_low, x_high = times(next_below(inverse_low), next_above(inverse_high), low[y], high[y])
                np.maximum.at(low, x[invertible], x_low[invertible])
                np.minimum.at(high, x[invertible], x_high[invertible])
        scale = np.maximum(
            1.0,
            np.maximum(
                np.abs(np.where(np.isfinite(low), low, 0.0)), np.abs(np.where(np.isfinite(high), high, 0.0))
            ),
        )
        with np.errstate(invalid="ignore"):
            moved = ((low - before_low) > _SETTLED * scale) | ((before_high - high) > _SETTLED * scale)
        if until_empty and (low > high).any():
            break
        moved &= low <= high  # an empty range keeps moving; it is already decided
        if copy_size:  # (so does a copy with one: its other bounds may run on)
            moved &= ~np.repeat((~(low <= high)).reshape(-1, copy_size).any(axis=1), copy_size)  # (NaN too)
        if not (moved & settle).any() and (round_number >= limit or not moved.any()):
            break
    return low, high


@dataclass(frozen=True, slots=True)
class Components:
    """The connected components of a system's variable-constraint graph."""

    of_var: Ints
    of_row: Ints
    of_link: Ints
    count: int
    is_tree: Bools  # per component


def around(system: System, seeds: Ints, steps: int) -> tuple[Bools, Bools, Bools]:
    """The variables within ``steps`` rows or links of ``seeds``, and the rows and links wholly among them.

    A contradiction among claims is local (a place and the place it is in, a total and its
    parts): the rows and links around the variable where it shows hold it, and a system of
    thousands of variables need not be searched whole.
    """
    inside = np.zeros(system.n, dtype=bool)
    inside[seeds] = True
    for _ in range(steps):
        touched = np.zeros(system.n_rows, dtype=bool)
        touched[system.term_row[inside[system.term_var]]] = True
        reached = inside.copy()
        reached[system.term_var[touched[system.term_row]]] = True
        linked = inside[system.link_y] | inside[system.link_x]
        reached[system.link_y[linked]] = True
        reached[system.link_x[linked]] = True
        if (reached == inside).all():
            break
        inside = reached
    rows = np.bincount(system.term_row, weights=~inside[system.term_var], minlength=system.n_rows) == 0
    links = inside[system.link_y] & inside[system.link_x]
    return inside, rows, links


def restricted(system: System, variables: Bools, rows: Bools, links: Bools) -> System:
    """The system of the given variables, rows (whose terms are all among them) and links, renumbered."""
    local = np.cumsum(variables) - 1
    row_local = np.cumsum(rows) - 1
    terms = rows[system.term_row]
    return System(
        n=int(variables.sum()),
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


def copies(system: System, k: int) -> System:
    """``k`` copies of the system side by side (copy ``c``'s variable ``j`` is ``c * n + j``), as one.

    Propagation treats each copy on its own: what it finds in one does not depend on the others.

    Examples:
        >>> none, nothing = np.zeros(0, np.intp), np.zeros(0)
        >>> one = System(2, np.array([0, 0]), np.array([0, 1]), np.array([1.0, -1.0]), np.array([0.0]),
        ...              np.array([0.0]), none, none, nothing, nothing)
        >>> both = copies(one, 2)
        >>> both.n, both.term_row.tolist(), both.term_var.tolist()
        (4, [0, 0, 1, 1], [0, 1, 2, 3])

    """
    shift = np.arange(k, dtype=np.intp)[:, None]
    return System(
        n=system.n * k,
        term_row=(shift * system.n_rows + system.term_row).reshape(-1),
        term_var=(shift * system.n + system.term_var).reshape(-1),
        term_coef=np.tile(system.term_coef, k),
        row_low=np.tile(system.row_low, k),
        row_high=np.tile(system.row_high, k),
        link_y=(shift * system.n + system.link_y).reshape(-1),
        link_x=(shift * system.n + system.link_x).reshape(-1),
        link_low=np.tile(system.link_low, k),
        link_high=np.tile(system.link_high, k),
    )


def components(system: System) -> Components:
    """Label the components; a component is a tree when its graph has no cycle."""
    from scipy import sparse
    from scipy.sparse import csgraph

    n, m, k = system.n, system.n_rows, system.n_links
    nodes = n + m + k
    sources = np.concatenate([system.term_var, system.link_y, system.link_x])
    targets = np.concatenate([n + system.term_row, n + m + np.arange(k), n + m + np.arange(k)])
    graph = sparse.coo_matrix((np.ones(len(sources)), (sources, targets)), shape=(nodes, nodes))
    count, label = csgraph.connected_components(graph, directed=False)
    label = label.astype(np.intp)
    node_count = np.bincount(label, minlength=count)
    edge_count = np.bincount(label[sources], minlength=count)
    # A link whose y and x are one variable would be a loop; it cannot arise from a relation.
    return Components(
        of_var=label[:n],
        of_row=label[n : n + m],
        of_link=label[n + m :],
        count=count,
        is_tree=edge_count == node_count - 1,
    )


class _LP:
    """The rows of a system (restricted to some variables) as ``A_ub x <= b_ub``, ``A_eq x = b_eq``."""

    def __init__(self, system: System, keep_var: Bools, low: Floats, high: Floats) -> None:
        local = np.full(system.n, -1, dtype=np.intp)
        self.variables = np.flatnonzero(keep_var)
        local[self.variables] = np.arange(len(self.variables))
        self.n = len(self.variables)
        entries: list[tuple[Ints, Ints, Floats, Floats, Ints]] = []  # rows, cols, coef, rhs, owner
        eq_entries: list[tuple[Ints, Ints, Floats, Floats, Ints]] = []
        term_keep = keep_var[system.term_var]
        row_keep = np.zeros(system.n_rows, dtype=bool)
        row_keep[system.term_row[term_keep]] = True
        rows = np.flatnonzero(row_keep)
        row_local = np.full(system.n_rows, -1, dtype=np.intp)
        row_local[rows] = np.arange(len(rows))
        t = np.flatnonzero(term_keep)
        t_row, t_col, t_coef = row_local[system.term_row[t]], local[system.term_var[t]], system.term_coef[t]
        owner_row = np.full(len(rows), -1, dtype=np.intp)
        owner_row[t_row] = t_col  # any variable of the row names its component
        r_low, r_high = system.row_low[rows], system.row_high[rows]
        equal = r_low == r_high
        # Equalities
        eq_index = np.full(len(rows), -1, dtype=np.intp)
        eq_index[equal] = np.arange(int(equal.sum()))
        sel = equal[t_row]
        eq_entries.append((eq_index[t_row[sel]], t_col[sel], t_coef[sel], r_low[equal], owner_row[equal]))
        # Upper and lower sides of the other rows
        upper = ~equal & np.isfinite(r_high)
        lower = ~equal & np.isfinite(r_low)
        ub_rows = 0
        for side, sign, bound in ((upper, 1.0, r_high), (lower, -1.0, r_low)):
            index = np.full(len(rows), -1, dtype=np.intp)
            index[side] = ub_rows + np.arange(int(side.sum()))
            sel = side[t_row]
            entries.append(
                (index[t_row[sel]], t_col[sel], sign * t_coef[sel], sign * bound[side], owner_row[side])
            )
            ub_rows += int(side.sum())
        # Product links y = c·x: for x >= 0, c_low·x <= y <= c_high·x; for x <= 0 the mirror.
        link_keep = keep_var[system.link_y]
        y, x = local[system.link_y[link_keep]], local[system.link_x[link_keep]]
        c_low, c_high = system.link_low[link_keep], system.link_high[link_keep]
        x_low, x_high = low[system.link_x[link_keep]], high[system.link_x[link_keep]]
        nonnegative, nonpositive = x_low >= 0, (x_high <= 0) & ~(x_low >= 0)
        for use, factor in (
            (nonnegative & np.isfinite(c_low), c_low),  # c_low·x - y <= 0
            (nonpositive & np.isfinite(c_high), c_high),  # c_high·x - y <= 0
        ):
            count = int(use.sum())
            index = ub_rows + np.arange(count)
            entries.append(
                (
                    np.r_[index, index],
                    np.r_[x[use], y[use]],
                    np.r_[factor[use], -np.ones(count)],
                    np.zeros(count),
                    x[use],
                )
            )
            ub_rows += count
        for use, factor in (
            (nonnegative & np.isfinite(c_high), c_high),  # y - c_high·x <= 0
            (nonpositive & np.isfinite(c_low), c_low),  # y - c_low·x <= 0
        ):
            count = int(use.sum())
            index = ub_rows + np.arange(count)
            entries.append(
                (
                    np.r_[index, index],
                    np.r_[y[use], x[use]],
                    np.r_[np.ones(count), -factor[use]],
                    np.zeros(count),
                    x[use],
                )
            )
            ub_rows += count
        self.ub = self._stack(entries, ub_rows)
        self.eq = self._stack(eq_entries, int(equal.sum()))
        self.low = low[self.variables]
        self.high = high[self.variables]

    def _stack(
        self, entries: list[tuple[Ints, Ints, Floats, Floats, Ints]], n_rows: int
    ) -> tuple[Ints, Ints, Floats, Floats, Ints]:
        row = np.concatenate([e[0] for e in entries]).astype(np.intp)
        col = np.concatenate([e[1] for e in entries]).astype(np.intp)
        coef = np.concatenate([e[2] for e in entries]).astype(float)
        rhs = np.zeros(n_rows)
        owner = np.zeros(n_rows, dtype=np.intp)
        start = 0
        for e in entries:
            count = len(e[3])
            rhs[start : start + count] = e[3]
            owner[start : start + count] = e[4]
            start += count
        return row, col, coef, rhs, owner


def _matrix(part: tuple[Ints, Ints, Floats, Floats, Ints], n: int) -> sparse.csr_matrix | None:
    from scipy import sparse

    row, col, coef, rhs, _ = part
    if len(rhs) == 0:
        return None
    return sparse.csr_matrix((coef, (row, col)), shape=(len(rhs), n))


def feasible(system: System, low: Floats, high: Floats, *, tree: bool) -> bool:
    """Tell whether some values within the bounds satisfy every row and link."""
    low, high = propagate(
        system, low, high, settle=np.full(system.n, tree), rounds=QUICK_ROUNDS, until_empty=True
    )
    if (low > high).any():
        return False
    if tree:
        return True
    return _feasibility_status(_LP(system, np.ones(system.n, dtype=bool), low, high)) != 2


def _bound(values: Floats) -> npt.NDArray[np.object_]:
    """Bounds as linprog takes them: None for an open end."""
    out = values.astype(object)
    out[~np.isfinite(values)] = None
    return out


def lp_refine(
    system: System, low: Floats, high: Floats, parts: Components, wanted: Bools
) -> tuple[Floats, Floats, Bools, Bools]:
    """Exact bounds for the variables of components with cycles, by HiGHS.

    ``low``/``high`` are propagation's bounds. Returns refined bounds and, per component,
    whether it is infeasible and whether HiGHS could not settle it (numerical trouble: it
    keeps propagation's sound bounds, and is reported as feasible only when no solve said
    otherwise). ``wanted`` marks the variables whose bounds are reported
    (others, such as auxiliary products, are not optimised).

    One block-diagonal LP holds a copy of each component per finite bound sought (and one
    copy of a component with none, to check it has a solution). When it has no solution,
    one elastic LP (a slack on every row) finds the components that have none, and the
    block LP runs again without them; so does it first when some component is too large
    to copy. When the block LP still has no solution, HiGHS decides each remaining
    component on its own: an infeasible answer is always trusted.
    """
    low, high = low.copy(), high.copy()
    infeasible = np.zeros(parts.count, dtype=bool)
    unsettled = np.zeros(parts.count, dtype=bool)
    infeasible[parts.of_var[low > high]] = True
    cyclic = ~parts.is_tree & ~infeasible
    keep = cyclic[parts.of_var]
    if not keep.any():
        return low, high, infeasible, unsettled
    lp = _LP(system, keep, low, high)
    component = parts.of_var[lp.variables]
    size = np.bincount(component, minlength=parts.count)
    large = cyclic & (size > MAX_LP_COMPONENT)

    def confirmed(suspects: Bools) -> Bools:
        """The suspects HiGHS finds infeasible on their own (the others may be unsettled)."""
        status = _component_status(system, low, high, parts, suspects)
        unsettled[(status != -1) & (status != 0) & (status != 2)] = True
        return np.asarray(status == 2, dtype=bool)

    if large.any():
        infeasible |= confirmed(_elastic(lp, component, parts.count) & cyclic)
    solvable = cyclic & ~infeasible & ~large
    done = _stacked(lp, component, size, solvable, wanted[lp.variables])
    if done is not None and done[0] == 2:
        if not large.any():
            infeasible |= confirmed(_elastic(lp, component, parts.count) & cyclic)
            done = _stacked(lp, component, size, solvable & ~infeasible, wanted[lp.variables])
        if done is not None and done[0] == 2:
            # The elastic LP's slack can be within tolerance of zero while HiGHS still finds
            # no solution (a small gap between large numbers): ask it of each component.
            infeasible |= confirmed(solvable & ~infeasible & ~unsettled)
            done = _stacked(lp, component, size, solvable & ~infeasible & ~unsettled, wanted[lp.variables])
    if done is None:
        return low, high, infeasible, unsettled
    if done[0] != 0:  # numerical trouble: keep propagation's sound bounds, and say so
        unsettled |= solvable & ~infeasible
        return low, high, infeasible, unsettled
    _, best, directions, signs = done
    margin = _LP_TOLERANCE * (1.0 + np.abs(best)) * 10
    original = lp.variables[directions]
    lower = signs > 0
    low[original[lower]] = np.maximum(low[original[lower]], best[lower] - margin[lower])
    high[original[~lower]] = np.minimum(high[original[~lower]], best[~lower] + margin[~lower])
    return low, high, infeasible, unsettled


def _component_status(system: System, low: Floats, high: Floats, parts: Components, which: Bools) -> Ints:
    """HiGHS's status for each component in ``which`` alone (0 solved, 2 infeasible); -1 elsewhere.

    One feasibility LP per component: used only when the block LP has no solution and the
    elastic LP could not tell which component lacks one.
    """
    status = np.full(parts.count, -1, dtype=np.intp)
    for c in np.flatnonzero(which).tolist():
        status[c] = _feasibility_status(_LP(system, parts.of_var == c, low, high))
    return status


def _elastic(lp: _LP, component: Ints, n_components: int) -> Bools:
    """Per component, whether it has no solution: one LP with a slack on every row."""
    from scipy import sparse
    from scipy.optimize import linprog

    ub_row, ub_col, ub_coef, ub_rhs, ub_owner = lp.ub
    eq_row, eq_col, eq_coef, eq_rhs, eq_owner = lp.eq
    n_ub, n_eq = len(ub_rhs), len(eq_rhs)
    n_total = lp.n + n_ub + 2 * n_eq
    a_ub = sparse.csr_matrix(
        (
            np.r_[ub_coef, -np.ones(n_ub)],
            (np.r_[ub_row, np.arange(n_ub)], np.r_[ub_col, lp.n + np.arange(n_ub)]),
        ),
        shape=(n_ub, n_total),
    )
    a_eq = sparse.csr_matrix(
        (
            np.r_[eq_coef, np.ones(n_eq), -np.ones(n_eq)],
            (
                np.r_[eq_row, np.arange(n_eq), np.arange(n_eq)],
                np.r_[eq_col, lp.n + n_ub + np.arange(n_eq), lp.n + n_ub + n_eq + np.arange(n_eq)],
            ),
        ),
        shape=(n_eq, n_total),
    )
    slack_count = n_total - lp.n
    done = linprog(
        np.r_[np.zeros(lp.n), np.ones(slack_count)],
        A_ub=a_ub if n_ub else None,
        b_ub=ub_rhs if n_ub else None,
        A_eq=a_eq if n_eq else None,
        b_eq=eq_rhs if n_eq else None,
        bounds=np.column_stack(
            [
                _bound(np.r_[lp.low, np.zeros(slack_count)]),
                _bound(np.r_[lp.high, np.full(slack_count, np.inf)]),
            ]
        ),
        method="highs",
    )
    if done.status != 0:
        return np.zeros(n_components, dtype=bool)
    owners = np.r_[ub_owner, eq_owner, eq_owner]
    # A row's slack counts against the row's own scale: the sizes of its terms at their
    # bounds and of its right side (not the largest bound of its component).
    size = np.maximum(
        np.where(np.isfinite(lp.low), np.abs(lp.low), 0.0),
        np.where(np.isfinite(lp.high), np.abs(lp.high), 0.0),
    )
    ub_scale = np.abs(ub_rhs) + np.bincount(ub_row, weights=np.abs(ub_coef) * size[ub_col], minlength=n_ub)
    eq_scale = np.abs(eq_rhs) + np.bincount(eq_row, weights=np.abs(eq_coef) * size[eq_col], minlength=n_eq)
    row_scale = np.r_[ub_scale, eq_scale, eq_scale]
    beyond = done.x[lp.n :] > _LP_TOLERANCE * (1.0 + row_scale)
    return np.asarray(np.bincount(component[owners], weights=beyond, minlength=n_components) > 0, dtype=bool)


def _stacked(
    lp: _LP, component: Ints, size: Ints, solvable: Bools, wanted: Bools
) -> tuple[int, Floats, Ints, Floats] | None:
    """Solve one copy of each solvable component per finite bound sought, in one LP.

    Returns the solver's status, the optimum of each bound sought, the (local) variable of
    each, and its sign (+1 a lower bound, -1 an upper bound); None when nothing is sought.
    """
    from scipy import sparse
    from scipy.optimize import linprog

    in_lp = solvable[component]
    target = np.flatnonzero(in_lp & wanted)
    finite_low, finite_high = np.isfinite(lp.low[target]), np.isfinite(lp.high[target])
    directions = np.r_[target[finite_low], target[finite_high]]
    signs = np.r_[np.ones(int(finite_low.sum())), -np.ones(int(finite_high.sum()))]
    order = np.argsort(component[directions], kind="stable")
    directions, signs = directions[order], signs[order]
    # A component with no bound sought still gets one copy, to check that it has a solution.
    copies = np.maximum(np.bincount(component[directions], minlength=len(size)), solvable.astype(np.intp))
    if not copies.any():
        return None
    var_order = np.argsort(component, kind="stable")
    comp_start = np.r_[0, np.cumsum(size)[:-1]]
    rank = np.empty(lp.n, dtype=np.intp)
    rank[var_order] = np.arange(lp.n) - comp_start[component[var_order]]  # place in its component
    block = size * copies  # variables per component in the stacked LP
    var_base = np.r_[0, np.cumsum(block)[:-1]]
    first_copy = np.r_[0, np.cumsum(copies)[:-1]]
    copy_of = np.arange(len(directions)) - first_copy[component[directions]]
    n_stacked = int(block.sum())

    def repeated(items: Ints, owner: Ints) -> tuple[Ints, Ints]:
        """Each item once per copy of its component, with the copy's number."""
        times = copies[owner]
        spread = np.repeat(items, times)
        return spread, np.arange(len(spread)) - np.repeat(np.cumsum(times) - times, times)

    def stacked_rows(part: tuple[Ints, Ints, Floats, Floats, Ints]) -> tuple[Any, Floats | None]:
        row, col, coef, rhs, owner = part
        row_comp = component[owner]
        kept = np.flatnonzero(in_lp[owner])
        kept = kept[np.argsort(row_comp[kept], kind="stable")]
        rows_per = np.bincount(row_comp[kept], minlength=len(size))
        row_rank = np.zeros(len(rhs), dtype=np.intp)
        row_rank[kept] = np.arange(len(kept)) - np.r_[0, np.cumsum(rows_per)[:-1]][row_comp[kept]]
        row_base = np.r_[0, np.cumsum(rows_per * copies)[:-1]]
        n_rows = int((rows_per * copies).sum())
        if n_rows == 0:
            return None, None
        entries, k = repeated(np.flatnonzero(in_lp[owner][row]), row_comp[row[in_lp[owner][row]]])
        c = row_comp[row[entries]]
        matrix = sparse.csr_matrix(
            (
                coef[entries],
                (
                    row_base[c] + k * rows_per[c] + row_rank[row[entries]],
                    var_base[c] + k * size[c] + rank[col[entries]],
                ),
            ),
            shape=(n_rows, n_stacked),
        )
        r, rk = repeated(kept, row_comp[kept])
        b = np.zeros(n_rows)
        b[row_base[row_comp[r]] + rk * rows_per[row_comp[r]] + row_rank[r]] = rhs[r]
        return matrix, b

    a_ub, b_ub = stacked_rows(lp.ub)
    a_eq, b_eq = stacked_rows(lp.eq)
    members = np.flatnonzero(in_lp)
    v, vk = repeated(members, component[members])
    position = var_base[component[v]] + vk * size[component[v]] + rank[v]
    stacked_low, stacked_high = np.zeros(n_stacked), np.zeros(n_stacked)
    stacked_low[position], stacked_high[position] = lp.low[v], lp.high[v]
    cost = np.zeros(n_stacked)
    goal = var_base[component[directions]] + copy_of * size[component[directions]] + rank[directions]
    cost[goal] = signs
    done = linprog(
        cost,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=b_eq,
        bounds=np.column_stack([_bound(stacked_low), _bound(stacked_high)]),
        method="highs",
    )
    best = done.x[goal] if done.status == 0 else np.zeros(len(goal))
    return int(done.status), best, directions, signs


def _feasibility_status(lp: _LP) -> int:
    """HiGHS's status for the LP with no objective: 0 when some values satisfy it, 2 when none do."""
    from scipy.optimize import linprog

    done = linprog(
        np.zeros(lp.n),
        A_ub=_matrix(lp.ub, lp.n),
        b_ub=lp.ub[3] if len(lp.ub[3]) else None,
        A_eq=_matrix(lp.eq, lp.n),
        b_eq=lp.eq[3] if len(lp.eq[3]) else None,
        bounds=np.column_stack([_bound(lp.low), _bound(lp.high)]),
        method="highs",
    )
    return int(done.status)
