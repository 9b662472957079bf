"""Time rc.reconcile with relations against one bare HiGHS feasibility solve of the same system.

Run on demand (not a test): ``python benchmarks/bench_relations.py [n_places]``. With the
default 1,250 places it builds 10,000 quantities in 5,000 relations: in each place, two
families of four quantities, each family with two relations. Nine families in ten are trees
(``a = b + c`` and ``d <= a``); one in ten shares terms (``a = b + c`` and ``d = b + c + 10``,
a cycle through ``b`` and ``c``). Most quantities have one to three claims; ``a`` goes
unclaimed in one tree in four (a derived total), and one family in fifty holds a claim that
breaks its relation.

It prints the time of ``rc.reconcile(claims, relations=...)`` (reading, consensus and the
relations), of ``rc.reconcile(claims)`` without relations, and of one ``linprog`` (HiGHS)
feasibility solve of the whole system as one LP (matrices built beforehand, not timed);
the ratio of the first to the last, and to the speed issue's fair baseline (a bare pandas
groupby of the claims plus the LP of the system without its broken claims, which HiGHS
must solve rather than refuse), and the peak memory Python's allocator saw. Last, the
time of 2,000 places that each have their own scoped relation, beside one unscoped relation.
"""

from __future__ import annotations

import sys
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd
from _timing import best_of  # benchmarks/ is on the path of a script run from it
from bench_reconcile import bare as bare_groupby  # (the table path's floor, timed as there)
from scipy import sparse
from scipy.optimize import linprog

import reconcile as rc

FAMILIES = 40  # distinct names of families; each place uses two of them


def make_case(n_places: int, seed: int = 2016, broken: bool = True) -> tuple[pd.DataFrame, list[str]]:
    """Claims and relation texts for ``n_places`` places with two families each."""
    random = np.random.default_rng(seed)
    relations = []
    for family in range(FAMILIES):
        a, b, c, d = (f"f{family}_{name}" for name in "abcd")
        relations.append(f"{a} = {b} + {c}")
        relations.append(f"{d} = {b} + {c} + 10" if family % 10 == 0 else f"{d} <= {a}")
    place = np.repeat(np.arange(n_places), 2)
    family = (place * 7 + np.tile([0, 1], n_places) * 13) % FAMILIES
    n_families = len(place)
    truth_b = random.integers(1_000, 50_000, n_families).astype(float)
    truth_c = random.integers(1_000, 50_000, n_families).astype(float)
    truth_a = truth_b + truth_c
    cyclic = family % 10 == 0
    truth_d = np.where(cyclic, truth_a + 10, np.floor(truth_a * random.uniform(0.2, 0.9, n_families)))
    truths = np.stack([truth_a, truth_b, truth_c, truth_d], axis=1)  # family x 4
    names = np.array([[f"f{f}_{name}" for name in "abcd"] for f in range(FAMILIES)], dtype=object)
    quantity_family = np.repeat(np.arange(n_families), 4)
    member = np.tile(np.arange(4), n_families)
    truth = truths.reshape(-1)
    claimed = ~((member == 0) & ~cyclic[quantity_family] & (quantity_family % 4 == 0))
    n_claims = np.where(claimed, random.integers(1, 4, len(truth)), 0)
    row = np.repeat(np.arange(len(truth)), n_claims)
    value = np.round(truth[row] * random.normal(1.0, 0.01, len(row)))
    half = np.round(truth[row] * random.uniform(0.03, 0.08, len(row)))
    breaks = broken & (quantity_family[row] % 50 == 1) & (member[row] == 0)
    value = np.where(breaks, value * 1.5, value)
    claims = pd.DataFrame(
        {
            "claim_id": pd.Series(np.arange(len(row))).astype("str").radd("c"),
            "counts": names[family[quantity_family[row]], member[row]],
            "place": pd.Series(place[quantity_family[row]]).astype("str").radd("district-").to_numpy(),
            "as_of": "2016-10-17",
            "low": value - half,
            "value": value,
            "high": value + half,
            "unit": "person",
            "source": pd.Series(random.integers(0, 20, len(row))).astype("str").radd("source-").to_numpy(),
        }
    )
    return claims, relations


def scoped_case(n_places: int) -> tuple[pd.DataFrame, list[rc.Relation]]:
    """``n_places`` places, each with its own scoped ``a = b + c`` (one relation per place)."""
    claims = pd.DataFrame(
        {
            "claim_id": [f"{name}{k}" for k in range(n_places) for name in "abc"],
            "counts": list("abc") * n_places,
            "place": np.repeat([f"p{k}" for k in range(n_places)], 3),
            "as_of": "2020",
            "low": [100, 40, 50] * n_places,
            "value": [100, 40, 50] * n_places,
            "high": [120, 60, 70] * n_places,
            "unit": "person",
            "source": "x",
        }
    )
    relations = [rc.Relation.parse("a = b + c", scope={"place": f"p{k}"}) for k in range(n_places)]
    return claims, relations


def hierarchy_case(
    n_dates: int = 5, off_every: int = 200, seed: int = 2017
) -> tuple[pd.DataFrame, list[str]]:
    """10,000 quantities in 5,000 relations over 200 places in three levels, as the issue asks.

    Two countries of nine regions of ten districts (200 places), ``n_dates`` dates (5 by
    default), ten counts per place and date: ``k/a = k/b + k/c``, ``k/d = k/e + k/f``,
    ``k/g <= k/a``, ``k/h = k/a + k/d``, ``k/i + k/j <= k/h`` in each place and date (5,000
    relations), and every area at most the place it is in (the implied place checks), so a
    date's quantities form one system. One to three claims per quantity, ranges of 2-5%
    around the truth; the first claim of one quantity in ``off_every`` is 60% off (a
    misreading), which breaks a relation where it is its quantity's only voice.
    """
    random = np.random.default_rng(seed)
    places = []
    for country in ("C0", "C1"):
        places.append(country)
        for region in range(9):
            places.append(f"{country}/R{region}")
            places += [f"{country}/R{region}/D{district}" for district in range(10)]
    depth = np.array([place.count("/") for place in places])
    n_places = len(places)
    truth = np.zeros((n_places, n_dates, 10))
    districts = depth == 2
    drawn = random.integers(100, 5_000, (n_places, n_dates, 4)).astype(float)
    parts = np.array([1, 2, 4, 5])  # b, c, e, f
    truth[np.ix_(districts, np.arange(n_dates), parts)] = drawn[districts]
    parent = np.array([places.index(place.rsplit("/", 1)[0]) if "/" in place else -1 for place in places])
    for level in (2, 1):  # regions sum their districts, countries their regions
        children = np.flatnonzero(depth == level)
        np.add.at(truth, (parent[children],), truth[children] * np.isin(np.arange(10), parts))
    truth[..., 0] = truth[..., 1] + truth[..., 2]
    truth[..., 3] = truth[..., 4] + truth[..., 5]
    truth[..., 6] = np.floor(truth[..., 0] * 0.5)
    truth[..., 7] = truth[..., 0] + truth[..., 3]
    truth[..., 8] = np.floor(truth[..., 7] * 0.3)
    truth[..., 9] = np.floor(truth[..., 7] * 0.3)
    place, date, count = (axis.ravel() for axis in np.indices((n_places, n_dates, 10)))
    quantity_truth = truth[place, date, count]
    row = np.repeat(np.arange(len(quantity_truth)), random.integers(1, 4, len(quantity_truth)))
    value = np.round(quantity_truth[row] * random.normal(1.0, 0.005, len(row)))
    half = np.round(quantity_truth[row] * random.uniform(0.02, 0.05, len(row)))
    first = np.r_[True, row[1:] != row[:-1]]
    value = np.where(first & (row % off_every == 7), value * 1.6, value)
    names = np.array([f"k/{letter}" for letter in "abcdefghij"], dtype=object)
    claims = pd.DataFrame(
        {
            "claim_id": pd.Series(np.arange(len(row))).astype("str").radd("c").to_numpy(),
            "counts": names[count[row]],
            "place": np.array(places, dtype=object)[place[row]],
            "as_of": pd.Series(date[row] + 1).astype("str").radd("2017-0").to_numpy(),
            "low": value - half,
            "value": value,
            "high": value + half,
            "unit": "person",
            "source": pd.Series(random.integers(0, 20, len(row))).astype("str").radd("source-").to_numpy(),
        }
    )
    relations = ["k/a = k/b + k/c", "k/d = k/e + k/f", "k/g <= k/a", "k/h = k/a + k/d", "k/i + k/j <= k/h"]
    return claims, relations


def compare_joint(n_dates: int = 5, off_every: int = 200) -> None:
    """Joint reconciliation against each quantity's own choice plus relations, in the same run."""
    claims, relations = hierarchy_case(n_dates, off_every)
    n_quantities = claims.groupby(["counts", "place", "as_of"]).ngroups
    print(f"{len(claims):,} claims on {n_quantities:,} quantities over 200 places in three levels")
    own_seconds, own = best_of(1, lambda: rc.reconcile(claims, relations=relations, joint=False))
    joint_seconds, joint = best_of(1, lambda: rc.reconcile(claims, relations=relations))
    for name, seconds, result in (("per quantity", own_seconds, own), ("joint", joint_seconds, joint)):
        kinds = result.conflicts.drop_duplicates("conflict_id")["kind"].value_counts().to_dict()
        print(
            f"{name:>12}: {seconds:7.2f} s; {int((~result.claims['kept']).sum()):,} claims set aside; {kinds}"
        )
    print(f"ratio (joint / per quantity): {joint_seconds / own_seconds:5.1f}x  (target: at most 3x)")


def bare_lp(claims: pd.DataFrame, relations: list[str]) -> Callable[[], object]:
    """One feasibility LP of the whole system: bounds from the estimates, rows from the relations."""
    from reconcile.relations import Relation
    from reconcile.relations.system import build

    estimates = rc.reconcile(claims, implied_parts=False).estimates
    built = build(estimates, ("counts", "place", "as_of"), [Relation.parse(text) for text in relations])
    system = built.system
    equal = system.row_low == system.row_high
    eq_index = np.full(system.n_rows, -1)
    eq_index[equal] = np.arange(int(equal.sum()))
    ub_index = np.full(system.n_rows, -1)
    ub_index[~equal] = np.arange(int((~equal).sum()))
    in_eq = equal[system.term_row]
    a_eq = sparse.csr_matrix(
        (system.term_coef[in_eq], (eq_index[system.term_row[in_eq]], system.term_var[in_eq])),
        shape=(int(equal.sum()), system.n),
    )
    a_ub = sparse.csr_matrix(
        (system.term_coef[~in_eq], (ub_index[system.term_row[~in_eq]], system.term_var[~in_eq])),
        shape=(int((~equal).sum()), system.n),
    )
    b_eq = system.row_low[equal]
    b_ub = system.row_high[~equal]
    highs = built.high.astype(object)
    highs[np.isinf(built.high)] = None
    bounds = np.column_stack([built.low.astype(object), highs])

    def solve() -> object:
        return linprog(
            np.zeros(system.n), A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs"
        )

    return solve


def main(n_places: int = 1_250) -> None:
    claims, relations = make_case(n_places)
    n_quantities = claims.groupby(["counts", "place"]).ngroups
    print(
        f"{len(claims):,} claims on {n_quantities:,} of {8 * n_places:,} quantities; "
        f"{2 * 2 * n_places:,} relations ({len(relations)} relation texts)"
    )
    bare_seconds, bare = best_of(3, bare_lp(claims, relations))
    # HiGHS's presolve finds an infeasible system at once; a feasible one it must solve.
    feasible_claims, _ = make_case(n_places, broken=False)
    feasible_seconds, feasible = best_of(3, bare_lp(feasible_claims, relations))
    plain_seconds, _ = best_of(3, lambda: rc.reconcile(claims, implied_parts=False))
    groupby_seconds, _ = best_of(3, bare_groupby(claims))
    ours_seconds, result = best_of(3, lambda: rc.reconcile(claims, relations=relations))

    tracemalloc.start()
    rc.reconcile(claims, relations=relations)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    kinds = result.conflicts.drop_duplicates("conflict_id")["kind"].value_counts().to_dict()
    tightened = int(
        (
            (result.estimates["low_tight"] > result.estimates["low"])
            | (result.estimates["high_tight"] < result.estimates["high"])
        ).sum()
    )
    print(
        f"bare HiGHS feasibility LP: {bare_seconds:6.3f} s  "
        f"(best of 3; status {getattr(bare, 'status', '?')})"
    )
    print(
        f"the same without the broken claims: {feasible_seconds:6.3f} s  "
        f"(status {getattr(feasible, 'status', '?')}; ratio to it {ours_seconds / feasible_seconds:5.1f}x)"
    )
    print(f"rc.reconcile, no relations: {plain_seconds:6.3f} s  (best of 3)")
    print(f"rc.reconcile, relations:    {ours_seconds:6.3f} s  (best of 3)")
    fair = groupby_seconds + feasible_seconds
    print(
        f"fair baseline, a bare groupby ({groupby_seconds:.3f} s) and the feasible LP: {fair:6.3f} s; "
        f"ratio {ours_seconds / fair:5.1f}x  (the speed issue's target: at most 3x)"
    )
    print(f"ratio (relations / bare LP): {ours_seconds / bare_seconds:5.1f}x  (relations issue: at most 5x)")
    print(f"relations step alone / bare LP: {(ours_seconds - plain_seconds) / bare_seconds:5.1f}x")
    print(f"{len(result.totals):,} derived totals; {tightened:,} ranges tightened; conflicts {kinds}")
    print(f"peak memory (tracemalloc, during rc.reconcile with relations): {peak / 2**20:,.0f} MiB")
    n_scoped = 2_000
    scoped_claims, scoped = scoped_case(n_scoped)
    scoped_seconds, _ = best_of(3, lambda: rc.reconcile(scoped_claims, relations=scoped))
    unscoped_seconds, _ = best_of(3, lambda: rc.reconcile(scoped_claims, relations=["a = b + c"]))
    print(
        f"{n_scoped:,} places, each with its own scoped 'a = b + c': {scoped_seconds:6.3f} s "
        f"(one unscoped relation instead: {unscoped_seconds:6.3f} s; best of 3)"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["joint"]:  # python benchmarks/bench_relations.py joint [n_dates] [off_every]
        compare_joint(*(int(argument) for argument in sys.argv[2:4]))
    else:
        main(*(int(argument) for argument in sys.argv[1:2]))
