"""Searching one system of relations for the voices to keep: the machinery of joint reconciliation.

A :class:`Part` is one connected system of relations (rows and links over its variables),
with the voices that bound its quantities. :func:`holds` tells whether some values inside
the active voices' ranges satisfy it; :func:`decide` finds the heaviest choice of voices that
holds (a master problem solved by HiGHS, :func:`scipy.optimize.milp`, learning from each
failure an irreducible set of voices that cannot all be kept; a small tree instead weighs
every choice of its voices, knowing from one propagation which hold); :func:`why` names, for a voice
set aside, the voices and the fewest relations it cannot be kept with. Failures are searched
near where they show (:func:`reconcile._propagate.around`), so a system of thousands of
variables is not searched whole for each one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial
from typing import NamedTuple

import numpy as np
import pandas as pd

from reconcile import _propagate as prop
from reconcile.relations.system import Built

__all__ = ["MAX_ROUNDS", "Part", "decide", "holds", "part_of", "why"]

#: The most cuts (rounds of the master problem) for one system; past it the system keeps
#: the per-quantity choice.
MAX_ROUNDS = 200
#: Systems of at most this many voices solve their master problem by weighing every choice
#: at once (2**14 choices in numpy take well under a millisecond; a HiGHS MILP call costs
#: several, and a search makes dozens of them).
ENUMERATED_VOICES = 14
# A small tree is searched by testing every choice of its voices in one propagation over a
# copy of its system per choice, when the copies hold at most this many terms and variables
# (propagation keeps some twenty temporaries of that length: about 10 MB at most).
_TABLED_SIZE = 1 << 16


class Part(NamedTuple):
    """One connected system: its rows and links over local variables, and its voices."""

    system: prop.System
    relation: np.ndarray  # per local row: its relation (an index into built.relation_texts)
    base_low: np.ndarray  # per local variable, the bounds without any voice
    base_high: np.ndarray
    tree: bool
    voices: np.ndarray  # per voice of the system: its global index (-1: a claim tested on its own)
    at: np.ndarray  # ... its local variable
    low: np.ndarray  # ... its range
    high: np.ndarray
    quantity: np.ndarray  # ... its estimate


def holds(part: Part, active: np.ndarray, system: prop.System | None = None) -> bool:
    """Whether some values inside the active voices' ranges satisfy the part's rows (or ``system``'s).

    Examples:
        >>> import numpy as np
        >>> import reconcile as rc
        >>> from reconcile import _propagate as prop
        >>> from reconcile.consensus import estimate
        >>> from reconcile.relations.subsystem import decide, holds, part_of, why
        >>> from reconcile.relations.system import build
        >>> claims = rc.to_claims([rc.Figure.exact(10, counts="a", source="x"),
        ...     rc.Figure.exact(4, counts="b", source="x"), rc.Figure.exact(6, counts="b", source="y"),
        ...     rc.Figure.exact(6, counts="c", source="x")])
        >>> found = estimate(claims, key=("counts",))
        >>> built = build(found.estimates, ("counts",), [rc.Relation.parse("a = b + c")])
        >>> voices = found.voices
        >>> part = part_of(built, prop.components(built.system), 0, np.arange(4),
        ...                (voices.estimate, voices.low, voices.high))
        >>> holds(part, np.array([True, False, True, True])), holds(part, np.array([True, True, False, True]))
        (False, True)

    """
    low, high = _voice_bounds(part, active)
    if (low > high).any():
        return False
    return prop.feasible(part.system if system is None else system, low, high, tree=part.tree)


def _voice_bounds(part: Part, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each variable's bounds with the active voices' ranges put on their quantities."""
    low, high = part.base_low.copy(), part.base_high.copy()
    np.maximum.at(low, part.at[active], part.low[active])
    np.minimum.at(high, part.at[active], part.high[active])
    return low, high


def part_of(
    built: Built, parts: prop.Components, component: int, members: np.ndarray, ranges: tuple[np.ndarray, ...]
) -> Part:
    """One system, with the voices ``members`` (global indices, or -1) and their ``ranges``.

    ``ranges`` is (estimate, low, high) per member: the estimate is the variable it bounds.
    Without its voices a quantity is free, but a count is never below 0.

    Examples:
        >>> import numpy as np
        >>> import reconcile as rc
        >>> from reconcile import _propagate as prop
        >>> from reconcile.consensus import estimate
        >>> from reconcile.relations.subsystem import decide, holds, part_of, why
        >>> from reconcile.relations.system import build
        >>> claims = rc.to_claims([rc.Figure.exact(10, counts="a", source="x"),
        ...     rc.Figure.exact(4, counts="b", source="x"), rc.Figure.exact(6, counts="b", source="y"),
        ...     rc.Figure.exact(6, counts="c", source="x")])
        >>> found = estimate(claims, key=("counts",))
        >>> built = build(found.estimates, ("counts",), [rc.Relation.parse("a = b + c")])
        >>> voices = found.voices
        >>> part = part_of(built, prop.components(built.system), 0, np.arange(4),
        ...                (voices.estimate, voices.low, voices.high))
        >>> part.system.n, part.at.tolist()
        (3, [0, 1, 1, 2])

    """
    inside, rows = parts.of_var == component, parts.of_row == component
    sub = prop.restricted(built.system, inside, rows, parts.of_link == component)
    variables, rows = np.flatnonzero(inside), np.flatnonzero(rows)
    local = np.full(built.system.n, -1, dtype=np.intp)
    local[variables] = np.arange(len(variables))
    base_low, base_high = built.low[variables].copy(), built.high[variables].copy()
    claimed = variables < built.n_estimates
    # Without its voices a quantity is free, but a count is never negative.
    base_low[claimed] = np.where(built.counting[variables[claimed]], 0.0, -np.inf)
    base_high[claimed] = np.inf
    quantity, low, high = ranges
    tree = bool(parts.is_tree[component])
    relation = built.row_relation[rows]
    return Part(sub, relation, base_low, base_high, tree, members, local[quantity], low, high, quantity)


def _infeasible(part: Part, active: np.ndarray) -> bool:
    return not holds(part, active)


def _irreducible(test: Callable[[np.ndarray], bool], active: np.ndarray, forced: int = -1) -> np.ndarray:
    """A deletion filter: the members of ``active`` without which the rest would pass ``test``."""
    members = active.copy()
    for member in np.flatnonzero(active).tolist():  # a handful of voices per system
        if member == forced:
            continue
        members[member] = False
        if not test(members):
            members[member] = True
    return members


def _disjoint_pairs(quantity: np.ndarray, low: np.ndarray, high: np.ndarray) -> list[np.ndarray]:
    """The pairs of voices of one quantity whose ranges share no point, as cuts (in voice order).

    Examples:
        >>> quantity = np.array([0, 0, 1, 0, 1])
        >>> low, high = np.array([0.0, 5.0, 0.0, 9.0, 1.0]), np.array([1.0, 6.0, 2.0, 9.0, 3.0])
        >>> [np.flatnonzero(cut).tolist() for cut in _disjoint_pairs(quantity, low, high)]
        [[0, 1], [0, 3], [1, 3]]

    """
    # Every pair of voices of one quantity, lower voice first, in order (a quantity has a few).
    order = np.argsort(quantity, kind="stable")
    ends = np.flatnonzero(np.r_[quantity[order][1:] != quantity[order][:-1], True]) + 1
    position = np.arange(len(order))
    after = np.repeat(ends, np.diff(np.r_[0, ends])) - position - 1  # later voices of its quantity
    first = np.repeat(position, after)
    step = np.arange(len(first)) - np.repeat(np.cumsum(after) - after, after) + 1
    x, y = order[first], order[first + step]
    a, b = np.minimum(x, y), np.maximum(x, y)
    by_pair = np.lexsort((b, a))
    a, b = a[by_pair], b[by_pair]
    apart = (high[a] < low[b]) | (high[b] < low[a])
    cuts = []
    for i, j in zip(a[apart].tolist(), b[apart].tolist(), strict=True):
        cut = np.zeros(len(quantity), dtype=bool)
        cut[[i, j]] = True
        cuts.append(cut)
    return cuts


@lru_cache(maxsize=ENUMERATED_VOICES + 1)
def _every_subset(m: int) -> tuple[np.ndarray, np.ndarray]:
    """Every choice of ``m`` voices, one row each (as flags, and as 0/1 integers for products); read-only."""
    choices = ((np.arange(2**m)[:, None] >> np.arange(m)) & 1).astype(bool)
    counted = choices.astype(np.int64)
    choices.flags.writeable = counted.flags.writeable = False
    return choices, counted


def _tabled(part: Part) -> bool:
    """Whether a part is searched by testing every choice of its voices at once (a small tree)."""
    size = (part.system.n + len(part.system.term_row) + part.system.n_links) << len(part.low)
    return part.tree and len(part.low) <= ENUMERATED_VOICES and size <= _TABLED_SIZE


def _in_irreducible_sets(holding: np.ndarray, m: int) -> np.ndarray:
    """Per voice, whether some choice that fails would hold without it (it is in an irreducible set).

    Examples:
        >>> _in_irreducible_sets(np.array([True, True, True, False]), 2).tolist()  # {0, 1} fails
        [True, True]
        >>> _in_irreducible_sets(np.array([True, True, False, False]), 2).tolist()  # {1} fails alone
        [False, True]

    """
    choice = np.arange(len(holding))
    found = np.zeros(m, dtype=bool)
    for v in range(m):  # (at most ENUMERATED_VOICES voices)
        with_it = choice[(choice >> v) & 1 == 1]
        found[v] = bool((~holding[with_it] & holding[with_it ^ (1 << v)]).any())
    return found


def _every_holding(part: Part) -> np.ndarray:
    """Per choice of the part's voices (as :func:`_every_subset` lists them), whether it holds.

    One propagation over a copy of the part's system per choice, each copy bounded by its
    choice's voices: the answer :func:`holds` gives for each, at the cost of one call.
    """
    choices, _ = _every_subset(len(part.low))
    n = part.system.n
    low = np.tile(part.base_low, (len(choices), 1))
    high = np.tile(part.base_high, (len(choices), 1))
    choice, voice = np.nonzero(choices)
    np.maximum.at(low, (choice, part.at[voice]), part.low[voice])
    np.minimum.at(high, (choice, part.at[voice]), part.high[voice])
    low, high = low.reshape(-1), high.reshape(-1)
    settle = np.zeros(len(low), dtype=bool)  # (each copy runs until it settles, up to one copy's limit)
    system = prop.copies(part.system, len(choices))
    # A copy that holds settles as it would alone. One that fails keeps its empty range while
    # the others settle, and its bounds may run off to infinity and to NaN: both say empty.
    rounds = prop.MAX_ROUNDS + part.system.n_rows + part.system.n_links  # (one copy's limit, not all's)
    with np.errstate(over="ignore", invalid="ignore"):
        low, high = prop.propagate(system, low, high, settle=settle, rounds=rounds, copy_size=n)
        empty = (low > high) | np.isnan(low) | np.isnan(high)
    return np.asarray(~empty.reshape(len(choices), n).any(axis=1), dtype=bool)


class _Search:
    """The master problem of one system and the cuts learnt so far (valid for every call).

    A small tree's search knows which choices hold (``holding``): it learns no cuts.
    """

    def __init__(self, part: Part, weight: np.ndarray) -> None:
        self.part = part
        self.weight = weight
        self.codes, uniques = pd.factorize(part.quantity)
        self.n_quantities = len(uniques)
        # Keeping a voice of every quantity comes first: its worth is above all the weight.
        self.worth = float(weight.sum()) + 1.0
        self.cuts = _disjoint_pairs(part.quantity, part.low, part.high)
        self.rounds = 0
        self.holding = _every_holding(part) if _tabled(part) else None  # per choice: whether it holds

    def master(self, fixed: np.ndarray) -> tuple[np.ndarray, np.ndarray, float] | None:
        """The best choice that keeps no cut whole (or that holds, if known); ``fixed``: 1 kept, 0 not."""
        if len(self.weight) <= ENUMERATED_VOICES:
            return self._every_choice(fixed)
        from scipy import sparse
        from scipy.optimize import Bounds, LinearConstraint, milp

        m, k = len(self.weight), self.n_quantities
        # A quantity counts as kept only with a voice of it kept; a cut is never kept whole.
        members = [np.flatnonzero(cut) for cut in self.cuts]
        cut_row = np.repeat(np.arange(len(members)), [len(each) for each in members])
        row = np.r_[self.codes, np.arange(k), k + cut_row]
        column = np.r_[np.arange(m), m + np.arange(k), np.concatenate([np.zeros(0, dtype=np.intp), *members])]
        value = np.r_[-np.ones(m), np.ones(k), np.ones(len(cut_row))]
        matrix = sparse.csr_array((value, (row, column)), shape=(k + len(members), m + k))
        highs = np.r_[np.zeros(k), np.array([len(each) - 1.0 for each in members])]
        lower = np.r_[np.where(fixed == 1, 1.0, 0.0), np.zeros(k)]
        upper = np.r_[np.where(fixed == 0, 0.0, 1.0), np.ones(k)]
        result = milp(
            -np.r_[self.weight, np.full(k, self.worth)],
            integrality=np.ones(m + k),
            bounds=Bounds(lower, upper),
            constraints=LinearConstraint(matrix, -np.inf, highs),
        )
        if result.status != 0 or result.x is None:
            return None
        chosen = result.x[:m] > 0.5
        covered = result.x[m:] > 0.5
        return chosen, covered, float(self.weight[chosen].sum() + self.worth * covered.sum())

    def _every_choice(self, fixed: np.ndarray) -> tuple[np.ndarray, np.ndarray, float] | None:
        """:meth:`master` by weighing every choice of a few voices at once (the first of the best)."""
        m, k = len(self.weight), self.n_quantities
        choices, counted = _every_subset(m)
        allowed = choices[:, fixed == 1].all(axis=1) & ~choices[:, fixed == 0].any(axis=1)
        if self.holding is not None:
            allowed &= self.holding
        elif self.cuts:
            cuts = np.array(self.cuts, dtype=np.int64)  # (cuts, voices)
            allowed &= ((counted @ cuts.T) < cuts.sum(axis=1)).all(axis=1)
        if not allowed.any():
            return None
        of_quantity = np.zeros((m, k), dtype=np.int64)
        of_quantity[np.arange(m), self.codes] = 1
        covered = (counted @ of_quantity) > 0
        worth = choices @ self.weight + self.worth * covered.sum(axis=1)
        best = int(np.argmax(np.where(allowed, worth, -np.inf)))
        chosen, kept_quantities = choices[best].copy(), covered[best].copy()
        return chosen, kept_quantities, float(self.weight[chosen].sum() + self.worth * kept_quantities.sum())

    def best(self, fixed: np.ndarray) -> tuple[np.ndarray, np.ndarray, float] | None:
        """The best choice the relations allow, with the voices ``fixed`` kept; None past the rounds."""
        if self.holding is not None:  # every choice weighed, knowing which hold: no cuts to learn
            return self.master(fixed)
        while self.rounds < MAX_ROUNDS:
            found = self.master(fixed)
            if found is None:
                return None
            if holds(self.part, found[0]):
                return found
            self.rounds += 1
            self.cuts += _cores(self.part, found[0])
        return None


def decide(part: Part, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The heaviest choice of voices the relations allow, and which of its voices weight decides.

    A voice is not decided by weight when one choice of the same worth keeps it and another
    does not. A quantity none of whose voices
    can be kept is not decided. Returns (kept, decided) per voice of the system, or None when
    the search does not end within ``MAX_ROUNDS`` cuts.

    Examples:
        >>> import numpy as np
        >>> import reconcile as rc
        >>> from reconcile import _propagate as prop
        >>> from reconcile.consensus import estimate
        >>> from reconcile.relations.subsystem import decide, holds, part_of, why
        >>> from reconcile.relations.system import build
        >>> claims = rc.to_claims([rc.Figure.exact(10, counts="a", source="x"),
        ...     rc.Figure.exact(4, counts="b", source="x"), rc.Figure.exact(6, counts="b", source="y"),
        ...     rc.Figure.exact(6, counts="c", source="x")])
        >>> found = estimate(claims, key=("counts",))
        >>> built = build(found.estimates, ("counts",), [rc.Relation.parse("a = b + c")])
        >>> voices = found.voices
        >>> part = part_of(built, prop.components(built.system), 0, np.arange(4),
        ...                (voices.estimate, voices.low, voices.high))
        >>> kept, decided = decide(part, voices.weight)
        >>> kept.tolist(), decided.tolist()
        ([True, True, False, True], [True, True, True, True])

    """
    search = _Search(part, weight)
    none = np.full(len(weight), -1)
    found = search.best(none)
    if found is None:
        return None
    kept, covered, worth = found
    decided = covered[search.codes].copy()
    # A voice is decided when every choice of the same worth keeps it, or none does: the
    # best choice with it the other way is worth less. (Only a voice some irreducible set
    # holds can go either way: the cuts learnt on the way, or, where every choice is weighed,
    # the voices without which some failing choice would hold.)
    checked = np.zeros(len(weight), dtype=bool)
    least = worth - 1e-9 * worth
    while True:
        contested = np.zeros(len(weight), dtype=bool)
        if search.holding is not None:
            contested |= _in_irreducible_sets(search.holding, len(weight))
        for cut in search.cuts:
            contested |= cut
        todo = np.flatnonzero(contested & ~checked)
        if not len(todo):
            break
        for v in todo.tolist():  # the voices the cuts hold: a handful per failure
            checked[v] = True
            fixed = none.copy()
            fixed[v] = 0 if kept[v] else 1
            bound = search.master(fixed)  # what the cuts learnt so far allow: often already less
            if bound is None or bound[2] < least:
                continue
            other = bound if search.holding is not None else search.best(fixed)  # (a weighing is exact)
            if other is None and search.rounds >= MAX_ROUNDS:
                return None
            if other is not None and other[2] >= least:
                decided[v] = False
    return kept, decided


def _cores(part: Part, active: np.ndarray) -> list[np.ndarray]:
    """Irreducible sets of the active voices, one around each place they fail apart from the others."""
    cuts: list[np.ndarray] = []
    covered = np.zeros(part.system.n, dtype=bool)
    for seed in np.unique(_seeds(part, active, -1)).tolist():  # the places the voices fail: a few
        if covered[seed]:
            continue
        held = _core(part, active, seeds=np.array([seed]))[0]
        if not any((held == cut).all() for cut in cuts):
            cuts.append(held)
        covered[part.at[held]] = True
    return cuts


def _seeds(part: Part, active: np.ndarray, forced: int) -> np.ndarray:
    """Where the active voices fail: the forced voice's variable, else the voices that must give.

    The voices that must give are those an elastic LP moves: the least total move of the
    voices' ends that lets the rows hold (HiGHS). Without an answer, every active voice.
    """
    if forced >= 0:
        return part.at[forced : forced + 1]
    if part.tree and len(active) <= ENUMERATED_VOICES:
        # A small tree: propagation alone decides, and where it empties a variable is where
        # the voices fail (one pass, against several milliseconds for an LP through scipy).
        low, high = _voice_bounds(part, active)
        if not (low > high).any():
            settle = np.ones(part.system.n, dtype=bool)
            low, high = prop.propagate(part.system, low, high, settle=settle, rounds=prop.QUICK_ROUNDS)
        empty = np.flatnonzero(low > high)
        if len(empty):
            return empty
    from scipy import sparse
    from scipy.optimize import linprog

    system, on = part.system, np.flatnonzero(active)
    n, k = system.n, len(on)
    at = part.at[on]
    # x, then per active voice a move down of its low end and a move up of its high end.
    rows = sparse.csr_matrix(
        (system.term_coef, (system.term_row, system.term_var)), shape=(system.n_rows, n + 2 * k)
    )
    lows = sparse.csr_matrix(
        (np.ones(2 * k), (np.r_[np.arange(k), np.arange(k)], np.r_[at, n + np.arange(k)])),
        shape=(k, n + 2 * k),
    )
    highs = sparse.csr_matrix(
        (
            np.r_[np.ones(k), -np.ones(k)],
            (np.r_[np.arange(k), np.arange(k)], np.r_[at, n + k + np.arange(k)]),
        ),
        shape=(k, n + 2 * k),
    )
    matrix = sparse.vstack([rows, -lows, highs]).tocsr()
    upper = np.r_[system.row_high, -part.low[on], part.high[on]]
    lower = np.r_[system.row_low, np.full(2 * k, -np.inf)]
    finite = np.isfinite(upper) | np.isfinite(lower)
    bound = np.column_stack(
        [np.r_[part.base_low, np.zeros(2 * k)], np.r_[part.base_high, np.full(2 * k, np.inf)]]
    )
    bound = bound.astype(object)
    bound[np.isinf(bound.astype(float))] = None
    a_ub = sparse.vstack([matrix[finite & np.isfinite(upper)], -matrix[finite & np.isfinite(lower)]])
    b_ub = np.r_[upper[finite & np.isfinite(upper)], -lower[finite & np.isfinite(lower)]]
    cost = np.r_[np.zeros(n), np.ones(2 * k)]
    done = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=bound.tolist(), method="highs")
    every: np.ndarray = part.at[active]
    if done.status != 0 or done.x is None:
        return every
    solution = np.asarray(done.x, dtype=float)
    moved = (solution[n : n + k] > 1e-9) | (solution[n + k :] > 1e-9)
    return at[moved] if moved.any() else every


def _narrowed(
    part: Part, variables: np.ndarray, rows: np.ndarray, links: np.ndarray
) -> tuple[Part, np.ndarray]:
    """The part of a system on the given variables, rows and links, and which voices are in it."""
    local = np.cumsum(variables) - 1
    inside = variables[part.at]
    system = prop.restricted(part.system, variables, rows, links)
    # Around a place a system is often a tree, where propagation alone decides (no LP).
    tree = part.tree or bool(prop.components(system).is_tree.all())
    near = Part(
        system,
        part.relation[rows],
        part.base_low[variables],
        part.base_high[variables],
        tree,
        part.voices[inside],
        local[part.at[inside]],
        part.low[inside],
        part.high[inside],
        part.quantity[inside],
    )
    return near, inside


def _core(
    part: Part, active: np.ndarray, forced: int = -1, seeds: np.ndarray | None = None
) -> tuple[np.ndarray, Part, np.ndarray]:
    """An irreducible set of the active voices that cannot all hold, and the part of the system it is in.

    The search starts where they fail (propagation leaves a variable empty, or the forced
    voice's variable) and widens, doubling its reach, until the rows and voices around fail
    on their own; a deletion filter runs there, not on the whole system.
    """
    if seeds is None:
        seeds = _seeds(part, active, forced)
    steps = 1
    while True:
        variables, rows, links = prop.around(part.system, seeds, steps)
        if variables.all():
            near, inside = part, np.ones(len(active), dtype=bool)
        else:
            near, inside = _narrowed(part, variables, rows, links)
        local_active = active[inside]
        if variables.all() or not holds(near, local_active):
            where = np.flatnonzero(inside)
            local_forced = int(np.searchsorted(where, forced)) if forced >= 0 else -1
            held_local = _irreducible(partial(_infeasible, near), local_active, local_forced)
            held = np.zeros(len(active), dtype=bool)
            held[where[held_local]] = True
            return held, near, inside
        steps *= 2


def why(part: Part, best: np.ndarray, v: int) -> tuple[np.ndarray, np.ndarray]:
    """The voices a voice set aside cannot be kept with, and the fewest relations that say so.

    ``best`` is the choice that holds, without voice ``v``. Returns the others' global
    indices and the relations' indices (into ``built.relation_texts``).

    Examples:
        >>> import numpy as np
        >>> import reconcile as rc
        >>> from reconcile import _propagate as prop
        >>> from reconcile.consensus import estimate
        >>> from reconcile.relations.subsystem import decide, holds, part_of, why
        >>> from reconcile.relations.system import build
        >>> claims = rc.to_claims([rc.Figure.exact(10, counts="a", source="x"),
        ...     rc.Figure.exact(4, counts="b", source="x"), rc.Figure.exact(6, counts="b", source="y"),
        ...     rc.Figure.exact(6, counts="c", source="x")])
        >>> found = estimate(claims, key=("counts",))
        >>> built = build(found.estimates, ("counts",), [rc.Relation.parse("a = b + c")])
        >>> voices = found.voices
        >>> part = part_of(built, prop.components(built.system), 0, np.arange(4),
        ...                (voices.estimate, voices.low, voices.high))
        >>> others, relations = why(part, np.array([True, True, False, True]), 2)
        >>> others.tolist(), [built.relation_texts[r] for r in relations]
        ([0, 3], ['a = b + c'])

    """
    with_it = best.copy()
    with_it[v] = True  # the best choice with it cannot hold, or it would weigh more
    # Named by the relations where they rule it out, rather than by a voice of its own quantity.
    apart = with_it & ((part.quantity != part.quantity[v]) | (np.arange(len(with_it)) == v))
    if holds(part, apart):
        apart = with_it
    held, near, inside = _core(part, apart, forced=v)
    local_held = held[inside]
    relation = near.relation
    names = np.unique(relation)
    needed = np.ones(len(names), dtype=bool)
    for i in range(len(names)):  # the relations around it, a handful
        needed[i] = False
        if not holds(
            near,
            local_held,
            prop.restricted(
                near.system,
                np.ones(near.system.n, dtype=bool),
                np.isin(relation, names[needed]),
                np.ones(near.system.n_links, dtype=bool),
            ),
        ):
            continue
        needed[i] = True
    others = part.voices[held & (np.arange(len(held)) != v)]
    return others, names[needed]
