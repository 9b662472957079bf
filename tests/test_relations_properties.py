"""Property tests of relations: soundness, no widening, irreducible conflicts, propagation = LP on trees.

Each example is a small system of quantities ``q0 ... qn`` in one place: a hierarchy of sums
(a tree), sometimes with extra relations that share terms (cycles). True values satisfy
every relation; claims are ranges around them (sound cases) or moved off them (conflicts).
An independent LP (scipy's HiGHS, built here from the relations' coefficients) is the
reference for what values the relations and ranges allow.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import Phase, event, example, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import reconcile as rc
from reconcile import _propagate as prop
from reconcile.consensus import estimate
from reconcile.relations import subsystem
from reconcile.relations.subsystem import Part, decide, holds, part_of
from reconcile.relations.system import build

#: A warning from numpy or pandas reaching the user is a bug: every warning fails a test.
pytestmark = pytest.mark.filterwarnings("error")

#: Each example reconciles a table (tens to hundreds of milliseconds): a fifteenth of the
#: profile's count (20 under ``ci``, 333 under ``thorough``), at least 10.
EXAMPLES = max(10, settings().max_examples // 15)
#: Joint reconciliation searches again per example (and the heaviest set by brute force).
JOINT_EXAMPLES = max(10, settings().max_examples // 30)
#: The explain phase re-runs failing examples for minutes; the failure itself is enough.
PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink]
TOLERANCE = 2e-6  # HiGHS bounds are widened by 1e-6 of their size (its tolerance is ~1e-7)


def in_one_place(figures: list[rc.Figure]) -> pd.DataFrame:
    """The figures as claims about one place and date, so every key column is filled in."""
    return rc.to_claims(figures).assign(place="Mosul", as_of="2016-10-17")


@dataclass(frozen=True)
class Case:
    """Relations as coefficient rows, their texts, true values and claims."""

    n: int
    rows: list[tuple[dict[int, int], str, int]]  # coefficients, operator, constant on the right
    truth: list[int]
    claims: pd.DataFrame
    tree: bool

    @property
    def texts(self) -> list[str]:
        texts = []
        for coefficients, operator, constant in self.rows:
            left = [f"{c} * q{i}" if c != 1 else f"q{i}" for i, c in coefficients.items() if c > 0]
            right = [f"{-c} * q{i}" if c != -1 else f"q{i}" for i, c in coefficients.items() if c < 0]
            right = [*right, str(constant)] if constant or not right else right
            texts.append(f"{' + '.join(left)} {operator} {' + '.join(right)}")
        return texts


@st.composite
def cases(draw: st.DrawFn, *, cycles: bool = False, shift: bool = False, second: bool = False) -> Case:
    n = draw(st.integers(2, 7))
    parent = [draw(st.integers(0, i - 1)) for i in range(1, n)]  # q_i's parent, for i >= 1
    weight = [draw(st.integers(1, 3)) for _ in range(1, n)]
    truth = [0] * n
    for i in range(n - 1, 0, -1):
        if i not in parent:
            truth[i] = draw(st.integers(0, 1000))
    for i in range(n - 1, -1, -1):  # a parent is the weighted sum of its children
        children = [j for j in range(1, n) if parent[j - 1] == i]
        if children:
            truth[i] = sum(weight[j - 1] * truth[j] for j in children)
    rows: list[tuple[dict[int, int], str, int]] = []
    for i in range(n):
        children = [j for j in range(1, n) if parent[j - 1] == i]
        if children:
            rows.append(({i: 1, **{j: -weight[j - 1] for j in children}}, "=", 0))
    tree = True
    if cycles and n >= 3:
        for _ in range(draw(st.integers(1, 2))):
            a, b, c = draw(st.permutations(range(n)))[:3]
            operator = "<=" if truth[a] <= truth[b] + truth[c] else ">="
            rows.append(({a: 1, b: -1, c: -1}, operator, 0))
            tree = False
    # A quantity no claim gives must be defined by an equality: only totals may go unclaimed.
    claimed = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    claimed = [claimed[i] or i not in parent for i in range(n)]
    figures = []
    for i in range(n):
        if not claimed[i]:
            continue
        below, above = draw(st.integers(0, 300)), draw(st.integers(0, 300))
        offset = draw(st.integers(-400, 400)) if shift else 0
        low = max(0, truth[i] + offset - below)
        high = max(low, truth[i] + offset + above)
        figures.append(rc.Figure.between(low, high, value=low, counts=f"q{i}", source=f"s{i}"))
        if second and draw(st.booleans()):  # a second source on the same quantity
            offset, width = draw(st.integers(-400, 400)), draw(st.integers(0, 300))
            low = max(0, truth[i] + offset)
            figures.append(rc.Figure.between(low, low + width, value=low, counts=f"q{i}", source=f"t{i}"))
    return Case(n, rows, truth, in_one_place(figures), tree)


def lp_bounds(case: Case, bounds: list[tuple[float, float | None]]) -> list[tuple[float, float]]:
    """The exact range of each quantity, from an LP built straight from the case's rows."""
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for coefficients, operator, constant in case.rows:
        row = [0.0] * case.n
        for i, c in coefficients.items():
            row[i] = float(c)
        if operator == "=":
            a_eq.append(row)
            b_eq.append(-constant)
        elif operator == "<=":
            a_ub.append(row)
            b_ub.append(-constant)
        else:
            a_ub.append([-c for c in row])
            b_ub.append(constant)
    ranges = []
    for i in range(case.n):
        ends = []
        for sign in (1.0, -1.0):
            done = linprog(
                sign * np.eye(case.n)[i],
                A_eq=a_eq or None,
                b_eq=b_eq or None,
                A_ub=a_ub or None,
                b_ub=b_ub or None,
                bounds=bounds,
                method="highs",
            )
            if done.status == 3:  # unbounded
                ends.append(-sign * np.inf)
            else:
                assert done.status == 0, done.message
                ends.append(sign * done.fun)
        ranges.append((ends[0], ends[1]))
    return ranges


def estimate_bounds(case: Case, result: rc.Reconciliation) -> list[tuple[float, float | None]]:
    est = result.estimates
    lows = dict(zip(est["counts"], est["low"].astype(float), strict=True))
    highs = dict(zip(est["counts"], est["high"].astype(float), strict=True))
    bounds: list[tuple[float, float | None]] = []
    for i in range(case.n):
        name = f"q{i}"
        if name in lows:
            high = highs[name]
            bounds.append((lows[name], None if np.isinf(high) else high))
        else:
            bounds.append((0.0, None))  # a count no claim gives: at least 0
    return bounds


def tight_ranges(case: Case, result: rc.Reconciliation) -> dict[str, tuple[float, float]]:
    est, totals = result.estimates, result.totals
    ranges = dict(zip(est["counts"], zip(est["low_tight"], est["high_tight"], strict=True), strict=True))
    ranges.update(zip(totals["counts"], zip(totals["low"], totals["high"], strict=True), strict=True))
    return {str(name): (float(low), float(high)) for name, (low, high) in ranges.items()}


def close_or_outside(inner: float, outer: float) -> bool:
    return bool(inner == outer or abs(inner - outer) <= TOLERANCE * (1 + abs(outer)))


@settings(max_examples=EXAMPLES, phases=PHASES)
@given(cases(cycles=True))
def test_values_that_satisfy_the_relations_lie_in_the_tightened_ranges(case: Case) -> None:
    result = rc.reconcile(case.claims, relations=case.texts)
    assert result.conflicts.empty  # the true values satisfy everything
    ranges = tight_ranges(case, result)
    for i, value in enumerate(case.truth):
        low, high = ranges[f"q{i}"]
        assert low <= value <= high, (i, value, low, high, case.texts)
    # Vertices of the feasible set (random objectives) lie inside too.
    bounds = estimate_bounds(case, result)
    for seed in range(3):
        objective = np.random.default_rng(seed).normal(size=case.n)
        done = linprog(objective, bounds=bounds, method="highs", **_rows(case))
        if done.status != 0:
            continue
        for i, value in enumerate(done.x):
            low, high = ranges[f"q{i}"]
            assert low - TOLERANCE * (1 + abs(low)) <= value <= high + TOLERANCE * (1 + abs(high))


def _rows(case: Case) -> dict[str, object]:
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for coefficients, operator, constant in case.rows:
        row = [0.0] * case.n
        for i, c in coefficients.items():
            row[i] = float(c)
        if operator == "=":
            a_eq.append(row)
            b_eq.append(-constant)
        else:
            sign = 1.0 if operator == "<=" else -1.0
            a_ub.append([sign * c for c in row])
            b_ub.append(-sign * constant)
    out: dict[str, object] = {}
    if a_eq:
        out.update(A_eq=a_eq, b_eq=b_eq)
    if a_ub:
        out.update(A_ub=a_ub, b_ub=b_ub)
    return out


@settings(max_examples=EXAMPLES, phases=PHASES)
@given(cases(cycles=True, shift=True))
def test_tightening_never_widens_a_range(case: Case) -> None:
    est = rc.reconcile(case.claims, relations=case.texts).estimates
    tight = est.dropna(subset=["low_tight"])
    assert (tight["low_tight"] >= tight["low"]).all()
    assert (tight["high_tight"] <= tight["high"]).all()
    assert (tight["low_tight"] <= tight["high_tight"]).all()


@settings(max_examples=EXAMPLES, phases=PHASES)
@given(cases(cycles=False))
def test_propagation_on_trees_gives_the_lps_exact_ranges(case: Case) -> None:
    result = rc.reconcile(case.claims, relations=case.texts)
    ranges = tight_ranges(case, result)
    exact = lp_bounds(case, estimate_bounds(case, result))
    for i, (low, high) in enumerate(exact):
        got_low, got_high = ranges[f"q{i}"]
        assert got_low <= low + TOLERANCE * (1 + abs(low))  # sound
        assert got_high >= high - TOLERANCE * (1 + abs(high))
        assert close_or_outside(got_low, low), (i, got_low, low, case.texts)  # and exact
        assert close_or_outside(got_high, high), (i, got_high, high, case.texts)


@settings(max_examples=EXAMPLES, phases=PHASES)
@given(cases(cycles=True))
def test_the_lp_on_cycles_gives_the_exact_ranges(case: Case) -> None:
    result = rc.reconcile(case.claims, relations=case.texts)
    ranges = tight_ranges(case, result)
    for i, (low, high) in enumerate(lp_bounds(case, estimate_bounds(case, result))):
        got_low, got_high = ranges[f"q{i}"]
        assert got_low <= low + TOLERANCE * (1 + abs(low)) and close_or_outside(got_low, low)
        assert got_high >= high - TOLERANCE * (1 + abs(high)) and close_or_outside(got_high, high)


def feasible(case: Case, claims: pd.DataFrame) -> bool:
    """Whether these claims' ranges (and counts >= 0) admit values that meet every relation."""
    bounds: list[tuple[float, float | None]] = [(0.0, None)] * case.n
    for counts, claim_low, claim_high in zip(claims["counts"], claims["low"], claims["high"], strict=True):
        i = int(str(counts)[1:])
        low, high = bounds[i]
        new_high = float(claim_high) if high is None else min(high, float(claim_high))
        new_low = max(low, float(claim_low))
        if new_low > new_high:
            return False
        bounds[i] = (new_low, None if np.isinf(new_high) else new_high)
    done = linprog(np.zeros(case.n), bounds=bounds, method="highs", **_rows(case))
    return bool(done.status == 0)


@settings(max_examples=EXAMPLES, phases=PHASES)
@given(cases(cycles=True, shift=True))
def test_a_relation_conflict_names_an_irreducible_set_of_claims(case: Case) -> None:
    result = rc.reconcile(case.claims, relations=case.texts)
    conflicts = result.conflicts[result.conflicts["kind"] == "relation"]
    event(f"relation conflicts: {min(conflicts['conflict_id'].nunique(), 2)}")
    kept = result.claims[result.claims["kept"]].set_index("claim_id")
    for _, members in conflicts.groupby("conflict_id"):
        claims = kept.loc[members["claim_id"]].reset_index()
        assert not feasible(case, claims)
        for drop in range(len(claims)):
            assert feasible(case, claims.drop(index=drop)), (drop, claims, case.texts)
    # Where no conflict is reported, the kept claims fit together.
    if conflicts.empty and result.conflicts.empty:
        assert feasible(case, kept.reset_index())


def hull(claims: pd.DataFrame) -> pd.DataFrame:
    """One claim per quantity: from the lowest low to the highest high of its claims."""
    return claims.groupby("counts", as_index=False).agg(low=("low", "min"), high=("high", "max"))


#: q1 <= q0 with q1 claimed at 100-200 and q0 by two sources at 0-10 and 20-30: under the
#: envelope q0 is 0-30, and the conflict must name q1's claim, not only q0's two.
HULL_CASE = Case(
    n=2,
    rows=[({1: 1, 0: -1}, "<=", 0)],
    truth=[25, 25],
    claims=in_one_place(
        [
            rc.Figure.between(100, 200, counts="q1", source="s1"),
            rc.Figure.between(0, 10, counts="q0", source="s0"),
            rc.Figure.between(20, 30, counts="q0", source="t0"),
        ]
    ),
    tree=True,
)


@pytest.mark.parametrize("policy", ["consensus", "conservative", "envelope", "priority"])
@settings(max_examples=EXAMPLES, phases=PHASES)
@given(case=cases(cycles=True, shift=True, second=True))
@example(case=HULL_CASE)
def test_the_conflict_set_is_irreducible_under_every_policy(policy: rc.Policy, case: Case) -> None:
    # Under consensus a quantity's range is the meet of its claims, so each claim is a member;
    # under envelope (the hull) and priority (the top claim) a quantity's named claims are one.
    # Priority ranks the s sources first (weights name only sources the claims have).
    weights = {source: 2.0 for source in case.claims["source"] if source.startswith("s")}
    result = rc.reconcile(case.claims, relations=case.texts, policy=policy, weights=weights)
    conflicts = result.conflicts[result.conflicts["kind"] == "relation"]
    event(f"{policy}: relation conflicts: {min(conflicts['conflict_id'].nunique(), 2)}")
    kept = result.claims[result.claims["kept"]].set_index("claim_id")
    named = result.claims.set_index("claim_id")  # (a voice set aside by joint reconciliation too)
    whole = policy in ("envelope", "priority")
    for _, members in conflicts.groupby("conflict_id"):
        claims = named.loc[members["claim_id"]].reset_index()
        assert not feasible(case, hull(claims) if whole else claims)
        groups = claims.groupby("counts").groups.values() if whole else [[k] for k in claims.index]
        for drop in groups:
            rest = claims.drop(index=list(drop))
            assert feasible(case, hull(rest) if whole else rest), (policy, drop, claims, case.texts)
    if policy == "envelope" and result.conflicts.empty:
        assert feasible(case, hull(kept.reset_index()))


def test_a_tree_of_totals_stays_sound_over_many_places() -> None:
    random = np.random.default_rng(7)
    n_places = 300
    b = random.integers(0, 1000, n_places)
    c = random.integers(0, 1000, n_places)
    rows = []
    for name, exact in (("b", b), ("c", c), ("a", b + c)):
        width = random.integers(0, 50, n_places)
        rows.append(
            pd.DataFrame(
                {
                    "claim_id": [f"{name}{k}" for k in range(n_places)],
                    "counts": name,
                    "place": [f"p{k}" for k in range(n_places)],
                    "as_of": "2016-10-17",
                    "low": np.maximum(0, exact - width).astype(float),
                    "value": exact.astype(float),
                    "high": (exact + width).astype(float),
                    "unit": "person",
                    "source": "x",
                }
            )
        )
    result = rc.reconcile(pd.concat(rows, ignore_index=True), relations=["a = b + c"])
    est = result.estimates
    truth: dict[str, np.ndarray] = {"a": b + c, "b": b, "c": c}
    place = est["place"].str[1:].astype(int).to_numpy()
    for name, values in truth.items():
        mine = (est["counts"] == name).to_numpy()
        assert (est["low_tight"].to_numpy()[mine] <= values[place[mine]]).all()
        assert (est["high_tight"].to_numpy()[mine] >= values[place[mine]]).all()
    assert result.conflicts.empty


@pytest.mark.parametrize("seed", range(3))
def test_derived_totals_hold_the_true_value(seed: int) -> None:
    random = np.random.default_rng(seed)
    parts = random.integers(0, 5000, 5)
    figures = [
        rc.Figure.between(
            max(0, int(p) - 100), int(p) + 100, value=max(0, int(p) - 100), counts=f"part/{k}", source="x"
        )
        for k, p in enumerate(parts)
    ]
    total = " + ".join(f"part/{k}" for k in range(5))
    result = rc.reconcile(in_one_place(figures), relations=[f"whole = {total}"])
    row = result.totals.iloc[0]
    assert row["low"] <= parts.sum() <= row["high"]
    assert row["low"] <= row["low_90"] <= row["high_90"] <= row["high"]


@settings(max_examples=EXAMPLES, phases=PHASES)
@given(
    share=st.tuples(st.integers(1, 100), st.integers(0, 100)),
    truth=st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)),
    widths=st.lists(st.integers(0, 2_000), min_size=6, max_size=6),
    claim_total=st.booleans(),
)
def test_a_figure_coefficient_is_sound_and_exact(
    share: tuple[int, int], truth: tuple[int, int], widths: list[int], claim_total: bool
) -> None:
    # q0 = s * q1 + q2, the share s a figure of 1..100 hundredths and a width.
    s_low, s_high = share[0] / 100, (share[0] + share[1]) / 100
    s_true = (s_low + s_high) / 2
    q1, q2 = truth
    q0 = s_true * q1 + q2
    ranges = {
        "q1": (max(0, q1 - widths[0]), q1 + widths[1]),
        "q2": (max(0, q2 - widths[2]), q2 + widths[3]),
        "q0": (max(0.0, q0 - widths[4]), q0 + widths[5]),
    }
    names = ["q1", "q2", "q0"] if claim_total else ["q1", "q2"]
    figures = [
        rc.Figure.between(ranges[n][0], ranges[n][1], value=ranges[n][0], counts=n, source="x") for n in names
    ]
    share_figure = rc.Figure.between(s_low, s_high, unit="dimensionless")
    relation = rc.Relation.parse("q0 = s * q1 + q2", figures={"s": share_figure})
    result = rc.reconcile(in_one_place(figures), relations=[relation])
    assert result.conflicts.empty
    got = tight_ranges(Case(3, [], [], in_one_place(figures), True), result)
    for name, value in (("q0", q0), ("q1", q1), ("q2", q2)):
        assert got[name][0] <= value <= got[name][1]
    # The exact ranges: an LP over (q0, q1, q2, y) with s_low·q1 <= y <= s_high·q1, q0 = y + q2.
    bounds = [(ranges[n][0], ranges[n][1]) if n in names else (0.0, None) for n in ("q0", "q1", "q2")]
    bounds.append((None, None))  # type: ignore[arg-type]
    a_ub = [[0, s_low, 0, -1], [0, -s_high, 0, 1]]
    a_eq = [[1, 0, -1, -1]]
    for index, name in enumerate(("q0", "q1", "q2")):
        for sign in (1.0, -1.0):
            done = linprog(
                sign * np.eye(4)[index],
                A_ub=a_ub,
                b_ub=[0, 0],
                A_eq=a_eq,
                b_eq=[0],
                bounds=bounds,
                method="highs",
            )
            if done.status == 3:
                continue
            exact = sign * done.fun
            mine = got[name][0] if sign > 0 else got[name][1]
            assert close_or_outside(mine, exact), (name, sign, mine, exact)


def _heaviest_feasible(case: Case) -> int:
    """The most claims (one source each, weight 1) that can all be kept, a claim per quantity at least."""
    claims = case.claims.reset_index(drop=True)
    quantities = set(claims["counts"])
    best = -1
    for size in range(len(claims), 0, -1):
        for chosen in itertools.combinations(range(len(claims)), size):
            subset = claims.iloc[list(chosen)]
            if set(subset["counts"]) == quantities and feasible(case, subset):
                return size
        if best >= 0:
            break
    return best


@settings(max_examples=JOINT_EXAMPLES, phases=PHASES)
@given(case=cases(cycles=True, shift=True, second=True))
def test_joint_reconciliation_keeps_the_heaviest_set_the_relations_allow(case: Case) -> None:
    # Each claim is its own source (weight 1), so the heaviest set is the largest one.
    result = rc.reconcile(case.claims, relations=case.texts)
    kept = result.claims[result.claims["kept"]]
    undecided = (result.estimates["status"] == "unresolved").any()
    named = result.conflicts[result.conflicts["kind"] == "relation"]
    still = named.groupby("conflict_id")["claim_id"].agg(lambda ids: set(ids) <= set(kept["claim_id"]))
    event(f"set aside by joint: {int((~result.claims['kept']).sum()) > 0}; undecided: {undecided}")
    if undecided or still.any() or len(case.claims) > 9:
        return  # a tie no weight decides: each quantity keeps its own choice, and the conflict is reported
    assert feasible(case, kept)
    assert len(kept) == _heaviest_feasible(case)


@settings(max_examples=JOINT_EXAMPLES, phases=PHASES)
@given(case=cases(cycles=True, shift=True, second=True), seed=st.integers(0, 2**16))
def test_joint_reconciliation_does_not_depend_on_the_claims_order(case: Case, seed: int) -> None:
    result = rc.reconcile(case.claims, relations=case.texts)
    shuffled = case.claims.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    again = rc.reconcile(shuffled, relations=case.texts)
    kept = dict(zip(result.claims["claim_id"], result.claims["kept"], strict=True))
    assert kept == dict(zip(again.claims["claim_id"], again.claims["kept"], strict=True))


def _whole_part(case: Case) -> tuple[Part, np.ndarray]:
    """The case's one system as the joint search sees it, with every voice, and their weights."""
    found = estimate(case.claims, key=("counts",))
    built = build(found.estimates, ("counts",), [rc.Relation.parse(text) for text in case.texts])
    voices = found.voices
    assert voices is not None
    parts = prop.components(built.system)
    members = np.arange(len(voices.low))
    return part_of(built, parts, 0, members, (voices.estimate, voices.low, voices.high)), voices.weight


@settings(max_examples=JOINT_EXAMPLES, phases=PHASES)
@given(case=cases(cycles=False, shift=True, second=True))
def test_weighing_every_choice_at_once_agrees_with_testing_each(case: Case) -> None:
    part, weight = _whole_part(case)
    if not subsystem._tabled(part):
        return
    choices, _ = subsystem._every_subset(len(part.low))
    at_once = subsystem._every_holding(part)
    one_by_one = [holds(part, choice) for choice in choices]
    assert at_once.tolist() == one_by_one
    event(f"some choice fails: {not all(one_by_one)}")
    # The search that weighs every choice keeps what the search by cuts keeps.
    tabled = decide(part, weight)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subsystem, "_TABLED_SIZE", 0)
        by_cuts = decide(part, weight)
    assert tabled is not None
    if by_cuts is not None:
        assert tabled[0].tolist() == by_cuts[0].tolist()
        assert tabled[1].tolist() == by_cuts[1].tolist()
